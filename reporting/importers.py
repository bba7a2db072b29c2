"""A report form's answers filled in bulk from a sheet (the kind "report_<form id>", `reporting.sheets`): township
or county staff edit the form's export and upload it through the portal's import engine (core.sheets: dry run with
row errors, then all-or-nothing).

Each row names a unit (by code, or exact name) inside the uploader's jurisdiction that fills the form, and a day of
the period; its non-empty field cells are checked by the field's own rules (`services.values.clean_value`). A blank
cell leaves the answer as it is (a prefilled figure stays). Writing opens the unit's report for the period when it
has none (`services.report_open`: the prefill is computed) and saves the values as a draft
(`services.report_save_draft`: typed or confirmed answers, audited). A report already submitted or approved is
refused for that row when the row would change it; staff never submit for a secretary.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT, units_for
from core.errors import ErrorCode
from core.params import BadParameter, parse_date
from core.sheets import annotate
from core.sheets.importers import Counts, Importer, register_family
from organizations.selectors import units_for_sheet

from . import services
from .exporters import DEFAULT_KINDS, answer_rows, expected_units
from .models import EDITABLE_STATUSES, Answer, FormField, FormVersion, Report, ReportForm, period_bounds
from .services.values import clean_value
from .sheets import FAMILY, FIELD_PREFIX, UNIT_CODE, build_spec, form_visible, from_cell, sheet_fields
from .sheets import PERIOD as PERIOD_KEY

# Headers an uploader may leave in the sheet without their being fields: a row number, and the error column of the
# engine's annotated sheet (corrected and uploaded again).
HARMLESS_HEADERS = {"序号", "编号", "行号", annotate.HEADER}


# The importers `ReportAnswersImporter.preloaded` built for the request in progress.
_PRELOADED: ContextVar[dict | None] = ContextVar("report_importers_preloaded", default=None)


@register_family(FAMILY)
class ReportAnswersImporter(Importer):
    model = Report
    list_url = "reporting:sheets"
    can_update = False  # rows always fill the unit's report of the period: there is no "existing record" choice
    bulk = True  # POST/GET /api/v1/bulk/report_<form id>/ (core/sheets/bulk.py)
    bulk_params = (PERIOD_KEY,)

    def __init__(self, form: ReportForm, version, fields: list[FormField]):
        self.form, self.version = form, version
        self.fields = {field.code: field for field in sheet_fields(fields)}
        self.spec = build_spec(form, fields)

    @classmethod
    @contextmanager
    def preloaded(cls, params):
        """The importers of these forms from three queries in all (forms, their published versions, the fields),
        which `for_kind` then hands out: the list of bulk kinds builds one per form."""
        ids = [int(param) for param in params if param.isdigit() and len(param) <= 18]
        forms = ReportForm.objects.filter(pk__in=ids, is_active=True).select_related("unit")
        latest: dict[int, FormVersion] = {}
        published = FormVersion.objects.filter(form_id__in=ids, published_at__isnull=False).order_by(
            "form_id", "-number"
        )
        for version in published:
            latest.setdefault(version.form_id, version)
        fields = defaultdict(list)
        ordered = FormField.objects.filter(version__in=latest.values()).order_by("section__order", "order", "pk")
        for field in ordered:
            fields[field.version_id].append(field)
        built = {
            str(form.pk): cls(form, latest[form.pk], fields[latest[form.pk].pk]) for form in forms if form.pk in latest
        }
        token = _PRELOADED.set(built)
        try:
            yield
        finally:
            _PRELOADED.reset(token)

    @classmethod
    def for_kind(cls, param: str) -> "ReportAnswersImporter | None":
        if not param.isdigit() or len(param) > 18:
            return None
        preloaded = _PRELOADED.get()
        if preloaded is not None and param in preloaded:
            return preloaded[param]
        form = ReportForm.objects.filter(pk=int(param), is_active=True).select_related("unit").first()
        version = form.current_version() if form is not None else None
        if version is None:
            return None
        return cls(form, version, list(version.fields.order_by("section__order", "order", "pk")))

    @classmethod
    def bulk_family_params(cls, actor):
        """The ids of the active published forms of the actor's jurisdiction (defined inside it or above it)."""
        forms = ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).distinct()
        return [str(form.pk) for form in forms.select_related("unit").order_by("pk") if form_visible(actor, form)]

    def visible_to(self, actor) -> bool:
        return form_visible(actor, self.form)

    def bulk_export(self, actor, *, root, query):
        """The answers of the period `?period=` (any day of it, required) of the units under `root` expected to fill
        the form: the report sheet's rows (`exporters.answer_rows`), for the staff who may export report sheets."""
        if not units_for(actor, Report, IMPORT):
            raise PermissionDenied(_("Only township and organization-department staff export report sheets."))
        day = parse_date(query, PERIOD_KEY)
        if day is None:
            raise BadParameter(PERIOD_KEY, _("Give a day of the period, e.g. 2024-05-01."), code=ErrorCode.REQUIRED)
        start = period_bounds(self.form.period_type, day)[0]
        return answer_rows(self.form, list(self.fields.values()), start, expected_units(self.form, actor, root))

    # -- the check ----------------------------------------------------------------------------------------------

    def prepare(self, table, *, actor, options):
        self.units = units_for_sheet(actor, Report, IMPORT, [row.raw.get(UNIT_CODE) for row in table.rows])
        self.kinds = self.form.filled_by or DEFAULT_KINDS
        self.codes = {key[len(FIELD_PREFIX) :] for key in table.columns if key.startswith(FIELD_PREFIX)}
        self.unknown = [h for h in table.unmatched if h.strip() not in HARMLESS_HEADERS]
        starts = set()
        for row in table.rows:
            day = row.values.get(PERIOD_KEY)
            if day is not None:
                starts.add(period_bounds(self.form.period_type, day)[0])
        units = [unit.pk for unit in self.units.values()]
        reports = Report.objects.filter(form=self.form, unit__in=units, period_start__in=starts)
        self.reports = {(r.unit_id, r.period_start): r for r in reports}
        self.answers: dict[int, dict] = defaultdict(dict)
        answers = Answer.objects.filter(report__in=list(self.reports.values()))
        for report_id, code, value in answers.values_list("report_id", "field__code", "value"):
            self.answers[report_id][code] = value
        # The fields of the versions older reports were opened on (a field's kind or choices may differ).
        versions = {r.version_id for r in self.reports.values()} - {self.version.pk}
        self.version_fields: dict[int, dict[str, FormField]] = {self.version.pk: self.fields}
        for field in FormField.objects.filter(version__in=versions):
            self.version_fields.setdefault(field.version_id, {})[field.code] = field

    def _unit(self, row):
        text = (row.raw.get(UNIT_CODE) or "").strip()
        unit = self.units.get(text.upper()) or self.units.get(text)
        if not text:
            return None
        if unit is None:
            row.errors.setdefault(UNIT_CODE, _("No unit with the code %(code)s in your jurisdiction.") % {"code": text})
            return None
        if unit.kind not in self.kinds or not unit.path.startswith(self.form.unit.path):
            row.errors.setdefault(
                UNIT_CODE,
                _("%(unit)s (%(kind)s) does not fill this form.")
                % {"unit": unit.name, "kind": unit.get_kind_display()},
            )
            return None
        return unit

    def _values(self, row, fields: dict[str, FormField]) -> dict:
        """{field code: clean value} of the row's non-empty field cells, errors added by column."""
        values = {}
        for code in sorted(self.codes):
            key = FIELD_PREFIX + code
            if key in row.errors:
                continue
            raw = from_cell(self.fields[code], row.values.get(key))
            if raw is None:
                continue
            field = fields.get(code)
            if field is None:
                row.errors[key] = _("This period's report is on an older version of the form, without this field.")
                continue
            try:
                values[code] = clean_value(field, raw)
            except ValidationError as error:
                row.errors[key] = "；".join(error.messages)
        return values

    def check_row(self, row, ctx):
        if self.unknown:
            row.errors[""] = _(
                "The columns %(headers)s are not fields of this form: remove them or correct the headers."
            ) % {"headers": "、".join(f"“{header}”" for header in self.unknown)}
        unit = self._unit(row)
        day = row.values.get(PERIOD_KEY)
        start = period_bounds(self.form.period_type, day)[0] if day is not None else None
        report = self.reports.get((unit.pk, start)) if unit is not None and start is not None else None
        values = self._values(row, self.version_fields.get(report.version_id, {}) if report else self.fields)
        row.values.update(unit=unit, start=start, answers=values, report=report)
        if start is not None and start > timezone.localdate():
            row.errors.setdefault(PERIOD_KEY, _("This period has not begun yet."))
        if unit is None or start is None:
            return
        if (unit.pk, start) in ctx.seen:
            row.errors.setdefault(UNIT_CODE, _("This unit appears twice for the same period in the sheet."))
        ctx.seen[(unit.pk, start)] = row.number
        if report is not None and report.status not in EDITABLE_STATUSES and self._changes(report, values):
            row.errors.setdefault(
                UNIT_CODE,
                _("The report of %(unit)s for this period is %(status)s: it can no longer be changed by import.")
                % {"unit": unit.name, "status": report.get_status_display()},
            )

    def _changes(self, report: Report, values: dict) -> dict:
        stored = self.answers.get(report.pk, {})
        return {code: value for code, value in values.items() if stored.get(code) != value}

    def display(self, column, value) -> str:
        """An amount in the unit of its field (万元 stays 万元), as it will be stored."""
        field = self.fields.get(column.key.removeprefix(FIELD_PREFIX))
        if column.type == "amount" and field is not None and value not in (None, ""):
            return f"{from_cell(field, value):,.2f}"
        return super().display(column, value)

    # -- the write ------------------------------------------------------------------------------------------------

    def _action(self, row) -> str:
        """What writing a checked valid row does: "skipped" (a blank row of a unit without a report: nothing to
        open), "created" (the report is opened), "unchanged" or "updated" — for the write and the dry run alike."""
        report, values = row.values["report"], row.values["answers"]
        if report is None:
            return "created" if values else "skipped"
        return "updated" if self._changes(report, values) else "unchanged"

    def plan(self, rows, *, actor, options) -> Counts:
        counts = Counts()
        for row in rows:
            action = self._action(row)
            setattr(counts, action, getattr(counts, action) + 1)
        return counts

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            unit, start, values = row.values["unit"], row.values["start"], row.values["answers"]
            report = row.values["report"]
            action = self._action(row)
            setattr(counts, action, getattr(counts, action) + 1)
            if action in ("skipped", "unchanged"):
                continue
            if report is None:
                report = services.report_open(form=self.form, unit=unit, day=start, actor=actor)
                changes = values
            else:
                changes = self._changes(report, values)
            if changes:
                services.report_save_draft(report=report, actor=actor, values=changes)
        return counts
