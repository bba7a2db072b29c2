"""Import and export of members, cadres and reserves as sheets (django-import-export).

Each sheet is checked whole first (a dry run inside a rolled-back transaction): every bad row is reported by its
line in the sheet (line 1 is the header) and the column, in Chinese. Nothing is written while any row fails,
unless the user explicitly chooses to import only the valid rows. Units are looked up by code and people by the
keyed hash of their ID number in one query each for the whole sheet, limited to the importer's write scope.
Writes go through the services. Exports show ID numbers and phones masked.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.permissions import IMPORT, VIEW, restrict, units_queryset
from core import crypto

from . import services
from .models import (
    CadrePost,
    Committee,
    EducationLevel,
    EmploymentType,
    MemberStatus,
    Nomination,
    PartyMember,
    Person,
    PostKind,
    ReserveCadre,
    ReservePost,
)
from .validators import normalize_mobile, parse_resident_id

COLUMN_LABELS = {
    "name": gettext_lazy("full name"),
    "id_number": gettext_lazy("resident ID number"),
    "mobile": gettext_lazy("mobile phone"),
    "education": gettext_lazy("education level"),
    "employment_type": gettext_lazy("employment type"),
    "unit_code": gettext_lazy("unit code"),
    "status": gettext_lazy("membership status"),
    "joined_on": gettext_lazy("joining date"),
    "committee": gettext_lazy("committee"),
    "post": gettext_lazy("post"),
    "is_one_shoulder": gettext_lazy("one shoulder"),
    "term_start_year": gettext_lazy("term starts (election year)"),
    "started_on": gettext_lazy("in post since"),
    "post_for": gettext_lazy("reserve for"),
    "nomination": gettext_lazy("nominated by"),
    "nominated_on": gettext_lazy("nominated on"),
    "stage": gettext_lazy("stage"),
}
# Model field names a service or full_clean() may name, and the column the user should look at.
FIELD_TO_COLUMN = {
    "unit": "unit_code",
    "person": "id_number",
    "gender": "id_number",
    "birth_date": "id_number",
    "term_end_year": "term_start_year",
    "stage_on": "nominated_on",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(upload) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (as text) of an uploaded .xlsx or .csv file."""
    name = (getattr(upload, "name", "") or "").lower()
    content = upload.read()
    try:
        if name.endswith(".csv"):
            reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
            table = [row for row in reader]
        else:
            dataset = tablib.Dataset().load(content, format="xlsx")
            table = [list(dataset.headers or [])] + [list(row) for row in dataset]
    except Exception as exc:  # noqa: BLE001 - any unreadable upload gets the same message
        raise ValueError(_("The file cannot be read; upload an .xlsx or UTF-8 .csv file.")) from exc
    if not table:
        raise ValueError(_("The sheet is empty."))
    headers = [_header_key(h) for h in table[0]]
    rows = [[_text(v) for v in row] for row in table[1:] if any(_text(v) for v in row)]
    return headers, rows


# Headers people commonly type for the same columns.
HEADER_ALIASES = {
    "姓名": "name",
    "身份证号": "id_number",
    "身份证": "id_number",
    "公民身份号码": "id_number",
    "手机": "mobile",
    "手机号": "mobile",
    "联系电话": "mobile",
    "学历": "education",
    "单位代码": "unit_code",
    "组织编码": "unit_code",
}


def _header_key(header) -> str:
    text = _text(header)
    if text in HEADER_ALIASES:
        return HEADER_ALIASES[text]
    for key, label in COLUMN_LABELS.items():
        if text in (key, str(label)):
            return key
    return text


def _choice(value: str, choices) -> str | None:
    """A choice's value from its value or its (Chinese or English) label; None when unknown."""
    value = (value or "").strip()
    for key, label in choices:
        if value in (key, str(label)):
            return key
    # A shortened label ("本科" for "大学本科") is accepted when it names exactly one choice.
    partial = [key for key, label in choices if value and value in str(label)]
    return partial[0] if len(partial) == 1 else None


def _date(value: str) -> date:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date: no time, no zone)
        except ValueError:
            continue
    raise ValidationError(_("Enter a date such as 2024-07-01."))


def _bool(value: str) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "y", "是", "√")


class SheetResource(resources.ModelResource):
    """Shared import logic: lookups for the whole sheet, a person per row (new or existing), field errors."""

    name = fields.Field(attribute="name_", column_name="name")
    id_number = fields.Field(attribute="id_number_", column_name="id_number")
    unit_code = fields.Field(attribute="unit_code_", column_name="unit_code")

    columns: list[str] = []
    required: tuple = ("name", "id_number", "unit_code")
    # Whether a person already registered may be named (cadres, reserves) or is a duplicate (members).
    reuse_person = True

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self._units, self._people, self._seen = {}, {}, {}

    # -- lookups for the whole sheet --------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        codes = {str(c).strip().upper() for c in dataset["unit_code"]} if "unit_code" in dataset.headers else set()
        # The units where the importing user may import records of this model (nothing without an actor).
        units = units_queryset(self.actor, self._meta.model, IMPORT).filter(code__in=codes)
        self._units = {u.code: u for u in units}
        hashes = {crypto.search_hash(str(n)) for n in dataset["id_number"]} if "id_number" in dataset.headers else set()
        self._people = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=hashes)}
        self._members = set(
            PartyMember.objects.filter(person__id_number_hash__in=hashes).values_list(
                "person__id_number_hash", flat=True
            )
        )
        self._visible = set(
            restrict(Person.objects.filter(id_number_hash__in=hashes), self.actor, VIEW).values_list("pk", flat=True)
        )

    # -- one row ------------------------------------------------------------------------------------------------
    def get_or_init_instance(self, instance_loader, row):
        # Every row of these sheets registers something new; updates go through the pages and the API.
        return self.init_instance(row), True

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        data = {key: _text(row.get(key)) for key in self.columns}
        for key in self.required:
            if not data.get(key):
                errors.setdefault(key, []).append(_("This column is required."))
        number = None
        if data.get("id_number"):
            try:
                number, _birth, _gender = parse_resident_id(data["id_number"])
            except ValidationError as exc:
                errors.setdefault("id_number", []).extend(exc.messages)
        if number:
            key = crypto.search_hash(number)
            line = kwargs.get("row_number", 0) + 1
            if key in self._seen:
                errors.setdefault("id_number", []).append(
                    _("This ID number already appears on line %(line)d of the sheet.") % {"line": self._seen[key]}
                )
            else:
                self._seen[key] = line
            existing = self._people.get(key)
            if existing is not None and (not self.reuse_person or key in self._members):
                errors.setdefault("id_number", []).append(self.duplicate_message(existing, key))
            elif existing is not None and existing.pk not in self._visible:
                errors.setdefault("id_number", []).append(
                    _("A person with this ID number is registered outside your jurisdiction.")
                )
            instance.existing_person_ = existing
        if data.get("unit_code"):
            unit = self._units.get(data["unit_code"].upper())
            if unit is None:
                errors.setdefault("unit_code", []).append(
                    _("No unit with code %(code)s in your jurisdiction.") % {"code": data["unit_code"]}
                )
            instance.unit = unit
        if data.get("mobile"):
            try:
                data["mobile"] = normalize_mobile(data["mobile"])
            except ValidationError as exc:
                errors.setdefault("mobile", []).extend(exc.messages)
        for key, choices in (("education", EducationLevel.choices), ("employment_type", EmploymentType.choices)):
            if data.get(key):
                value = _choice(data[key], choices)
                if value is None:
                    errors.setdefault(key, []).append(_("Unknown value “%(value)s”.") % {"value": data[key]})
                data[key] = value or ""
        self.parse_row(instance, data, errors)
        instance.data_ = data
        instance.id_number_clean_ = number
        if errors:
            raise ValidationError(errors)

    def duplicate_message(self, person, key):
        return _("A person with this ID number is already registered.")

    def parse_row(self, instance, data, errors):
        raise NotImplementedError

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=["person", "unit", *errors.keys()], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def person_for(self, instance):
        if instance.existing_person_ is not None:
            return instance.existing_person_
        data = instance.data_
        return services.person_create(
            name=data["name"],
            id_number=instance.id_number_clean_,
            unit=instance.unit,
            actor=self.actor,
            mobile=data.get("mobile", ""),
            education=data.get("education", ""),
            employment_type=data.get("employment_type", ""),
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        saved = self.write(instance, self.person_for(instance))
        instance.pk = saved.pk

    def save_m2m(self, instance, row, **kwargs):
        return None

    # -- export -------------------------------------------------------------------------------------------------
    def get_queryset(self):
        return restrict(self._meta.model.objects.select_related("person", "unit"), self.actor, VIEW)

    def dehydrate_name(self, obj):
        return obj.person.name

    def dehydrate_id_number(self, obj):
        return obj.person.id_number_masked

    def dehydrate_unit_code(self, obj):
        return obj.unit.code


class PartyMemberResource(SheetResource):
    mobile = fields.Field(attribute="mobile_", column_name="mobile")
    education = fields.Field(attribute="education_", column_name="education")
    status = fields.Field(attribute="status", column_name="status")
    joined_on = fields.Field(attribute="joined_on", column_name="joined_on")

    columns = ["name", "id_number", "mobile", "education", "employment_type", "unit_code", "status", "joined_on"]
    required = ("name", "id_number", "unit_code", "status", "joined_on")
    reuse_person = True

    class Meta:
        model = PartyMember
        fields = ["name", "id_number", "mobile", "education", "unit_code", "status", "joined_on"]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def duplicate_message(self, person, key):
        return _("This person is already registered as a party member.")

    def parse_row(self, instance, data, errors):
        if data.get("status"):
            status = _choice(data["status"], MemberStatus.choices)
            if status is None:
                errors.setdefault("status", []).append(_("Use 正式党员 or 预备党员."))
            instance.status = status or ""
        if data.get("joined_on"):
            try:
                instance.joined_on = _date(data["joined_on"])
            except ValidationError as exc:
                errors.setdefault("joined_on", []).extend(exc.messages)

    def write(self, instance, person):
        return services.member_create(
            person=person, unit=instance.unit, status=instance.status, joined_on=instance.joined_on, actor=self.actor
        )

    def dehydrate_mobile(self, obj):
        return obj.person.mobile_masked

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_status(self, obj):
        return obj.get_status_display()


class CadrePostResource(SheetResource):
    education = fields.Field(attribute="education_", column_name="education")
    committee = fields.Field(attribute="committee", column_name="committee")
    post = fields.Field(attribute="post", column_name="post")
    is_one_shoulder = fields.Field(attribute="is_one_shoulder", column_name="is_one_shoulder")
    term_start_year = fields.Field(attribute="term_start_year", column_name="term_start_year")
    started_on = fields.Field(attribute="started_on", column_name="started_on")

    columns = [
        "name",
        "id_number",
        "mobile",
        "education",
        "unit_code",
        "committee",
        "post",
        "is_one_shoulder",
        "term_start_year",
        "started_on",
    ]
    required = ("name", "id_number", "unit_code", "post", "term_start_year", "started_on")

    class Meta:
        model = CadrePost
        fields = [
            "name",
            "id_number",
            "education",
            "unit_code",
            "committee",
            "post",
            "is_one_shoulder",
            "term_start_year",
            "started_on",
        ]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def parse_row(self, instance, data, errors):
        for key, choices, default in (
            ("committee", Committee.choices, Committee.PARTY),
            ("post", PostKind.choices, None),
        ):
            value = _choice(data.get(key, ""), choices) if data.get(key) else default
            if value is None and data.get(key):
                errors.setdefault(key, []).append(_("Unknown value “%(value)s”.") % {"value": data[key]})
            setattr(instance, key, value or "")
        instance.is_one_shoulder = _bool(data.get("is_one_shoulder", ""))
        if data.get("term_start_year"):
            try:
                instance.term_start_year = int(data["term_start_year"])
                instance.term_end_year = instance.term_start_year + 5
            except ValueError:
                errors.setdefault("term_start_year", []).append(_("Enter a year such as 2021."))
        if data.get("started_on"):
            try:
                instance.started_on = _date(data["started_on"])
            except ValidationError as exc:
                errors.setdefault("started_on", []).extend(exc.messages)

    def write(self, instance, person):
        return services.post_create(
            person=person,
            unit=instance.unit,
            post=instance.post,
            committee=instance.committee,
            term_start_year=instance.term_start_year,
            started_on=instance.started_on,
            is_one_shoulder=instance.is_one_shoulder,
            actor=self.actor,
        )

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_committee(self, obj):
        return obj.get_committee_display()

    def dehydrate_post(self, obj):
        return obj.get_post_display()


class ReserveCadreResource(SheetResource):
    education = fields.Field(attribute="education_", column_name="education")
    post_for = fields.Field(attribute="post_for", column_name="post_for")
    nomination = fields.Field(attribute="nomination", column_name="nomination")
    nominated_on = fields.Field(attribute="nominated_on", column_name="nominated_on")
    stage = fields.Field(attribute="stage", column_name="stage", readonly=True)

    columns = ["name", "id_number", "mobile", "education", "unit_code", "post_for", "nomination", "nominated_on"]
    required = ("name", "id_number", "unit_code", "post_for", "nomination", "nominated_on")

    class Meta:
        model = ReserveCadre
        fields = ["name", "id_number", "education", "unit_code", "post_for", "nomination", "nominated_on", "stage"]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def parse_row(self, instance, data, errors):
        for key, choices in (("post_for", ReservePost.choices), ("nomination", Nomination.choices)):
            if data.get(key):
                value = _choice(data[key], choices)
                if value is None:
                    errors.setdefault(key, []).append(_("Unknown value “%(value)s”.") % {"value": data[key]})
                setattr(instance, key, value or "")
        if data.get("nominated_on"):
            try:
                instance.nominated_on = instance.stage_on = _date(data["nominated_on"])
            except ValidationError as exc:
                errors.setdefault("nominated_on", []).extend(exc.messages)

    def write(self, instance, person):
        return services.reserve_nominate(
            person=person,
            unit=instance.unit,
            post_for=instance.post_for,
            nomination=instance.nomination,
            nominated_on=instance.nominated_on,
            actor=self.actor,
        )

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_post_for(self, obj):
        return obj.get_post_for_display()

    def dehydrate_nomination(self, obj):
        return obj.get_nomination_display()

    def dehydrate_stage(self, obj):
        return obj.get_stage_display()


SHEETS = {
    "members": {
        "resource": PartyMemberResource,
        "title": gettext_lazy("Import party members"),
        "list_url": reverse_lazy("cadres:member_list"),
    },
    "posts": {
        "resource": CadrePostResource,
        "title": gettext_lazy("Import cadres"),
        "list_url": reverse_lazy("cadres:post_list"),
    },
    "reserves": {
        "resource": ReserveCadreResource,
        "title": gettext_lazy("Import reserve cadres"),
        "list_url": reverse_lazy("cadres:reserve_list"),
    },
}
for _spec in SHEETS.values():
    _spec["columns"] = [COLUMN_LABELS[key] for key in _spec["resource"].columns]


@dataclass
class ImportReport:
    """What an import found and did: every bad row by sheet line and column, and how many rows were written."""

    dry_run: bool
    total: int = 0
    valid: int = 0
    written: int = 0
    errors: list = field(default_factory=list)  # {"row": line, "field": label, "message": text}
    token: str = ""

    @property
    def invalid_count(self) -> int:
        return len({e["row"] for e in self.errors})


def _label(key: str) -> str:
    key = FIELD_TO_COLUMN.get(key, key)
    if key == NON_FIELD_ERRORS:
        return _("whole row")
    return str(COLUMN_LABELS.get(key, key))


def run_import(
    kind: str, rows: list[list[str]], headers: list[str], *, actor, dry_run: bool, valid_only: bool = False
) -> ImportReport:
    """Check (dry run) or import a sheet. Without `valid_only`, any bad row means nothing is written."""
    resource = SHEETS[kind]["resource"](actor=actor)
    dataset = tablib.Dataset(
        *[tuple(r + [""] * (len(headers) - len(r)))[: len(headers)] for r in rows], headers=headers
    )
    for key in resource.columns:
        if key not in dataset.headers:
            dataset.append_col([""] * len(dataset), header=key)
    report = ImportReport(dry_run=dry_run, total=len(dataset))
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, use_transactions=True)
        for invalid in result.invalid_rows:
            for key, messages in invalid.error_dict.items():
                for message in messages:
                    report.errors.append({"row": invalid.number + 1, "field": _label(key), "message": message})
        for number, errors in result.row_errors():
            for error in errors:
                report.errors.append(
                    {
                        "row": number + 1,
                        "field": _("whole row"),
                        "message": _("This row could not be processed: %(error)s") % {"error": error.error},
                    }
                )
        report.errors.sort(key=lambda e: e["row"])
        report.valid = report.total - report.invalid_count
        if not dry_run:
            if report.errors and not valid_only:
                transaction.set_rollback(True)
            else:
                report.written = report.valid
    return report
