"""Periodic reports (定期报表): forms that organization-department staff define without code, their published
versions, sections, fields and validation rules; the report a village or community fills for a period, and its
answers, some prefilled from what the portal already holds (`reporting.prefill`).

A published version never changes: changing a form makes a new version, and reports keep the version they were
opened on. A report goes draft → submitted → approved (locked) or sent back (editable again); only an approver
reopens an approved report.
"""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import APPROVE, IMPORT
from accounts.roles import ORG_DEPARTMENT_ROLES, SECRETARY_ROLES, STAFF_ROLES, VILLAGE_ROLES
from accounts.scoping import ScopedQuerySet

SUBMIT = "submit"  # the village/community secretary submits the unit's report
REOPEN = "reopen"  # the approver reopens an approved report


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


MONTHS_IN_PERIOD = {PeriodType.MONTHLY: 1, PeriodType.QUARTERLY: 3, PeriodType.HALF_YEARLY: 6, PeriodType.YEARLY: 12}


def period_bounds(period_type: str, day: date) -> tuple[date, date]:
    """The first and last day of the period of `period_type` holding `day`."""
    months = MONTHS_IN_PERIOD[PeriodType(period_type)]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + months
    end = date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def previous_period_start(period_type: str, start: date) -> date:
    return period_bounds(period_type, date.fromordinal(start.toordinal() - 1))[0]


def due_date(due_day: int, period_end: date) -> date:
    """The day a period's report is due: day `due_day` of the month after the period ends (a report submitted on
    or before it is on time, after it late)."""
    following = date.fromordinal(period_end.toordinal() + 1)
    return date(following.year, following.month, due_day)


def closing_date(due_day: int, open_days: int, period_end: date) -> date:
    """The last day entry stays open: `open_days` after the due day. After it a unit's report can no longer be
    opened, saved or submitted (a late report is accepted until then)."""
    return date.fromordinal(due_date(due_day, period_end).toordinal() + open_days)


class ReportForm(models.Model):
    """A form (报表) defined by an organization department for the units of its subtree."""

    scope_field = "unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("defined by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    filled_by = models.JSONField(_("unit kinds that fill it"), default=list, blank=True)
    period_type = models.CharField(_("period type"), max_length=12, choices=PeriodType.choices)
    due_day = models.PositiveSmallIntegerField(_("due day after the period ends"), default=5)
    open_days = models.PositiveSmallIntegerField(_("days entry stays open after the due day"), default=10)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="uniq_report_form_code"),
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="report_form_due_day"),
        ]

    def __str__(self):
        return self.name

    def due_on(self, period_end: date) -> date:
        return due_date(self.due_day, period_end)

    def closes_on(self, period_end: date) -> date:
        return closing_date(self.due_day, self.open_days, period_end)

    def current_version(self):
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class FormVersion(models.Model):
    """One version of a form: a draft while staff edit it, frozen once published."""

    scope_field = "form__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="uniq_form_version"),
            models.UniqueConstraint(
                fields=["form"], condition=Q(published_at__isnull=True), name="uniq_form_draft_version"
            ),
        ]

    def __str__(self):
        return f"{self.form} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FormSection(models.Model):
    """A titled group of fields of a form version."""

    scope_field = "version__form__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    version = models.ForeignKey(
        FormVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["version", "order", "pk"]

    def __str__(self):
        return self.title


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")
    FILE = "file", _("Attached file")
    TABLE = "table", _("Table of rows")


NUMERIC_KINDS = (FieldKind.INTEGER, FieldKind.DECIMAL)
CHOICE_KINDS = (FieldKind.CHOICE, FieldKind.MULTIPLE)


class ColumnKind(models.TextChoices):
    """The kinds of a table field's columns (`FormField.columns`)."""

    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")


class FormField(models.Model):
    """A field of a form version, with its stable code and, optionally, the prefill source that fills it."""

    scope_field = "version__form__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    version = models.ForeignKey(FormVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fields")
    section = models.ForeignKey(FormSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=FieldKind.choices)
    unit_label = models.CharField(_("unit of measure"), max_length=10, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # A table field's columns: [{"code", "label", "kind" (ColumnKind)}]; its answer is a list of {code: value} rows.
    columns = models.JSONField(_("columns"), default=list, blank=True)
    prefill = models.CharField(_("prefill source"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["version", "section__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_form_field_code")]

    def __str__(self):
        return self.label


class RuleOperator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="
    NE = "!=", "≠"


class Severity(models.TextChoices):
    BLOCKING = "blocking", _("Blocking")
    WARNING = "warning", _("Warning")


class ValidationRule(models.Model):
    """A rule on a field: compared with another field or a constant (`left op right`), or, with `growth_factor`,
    a value over that many times last period's needs a comment. Blocking rules refuse the submission."""

    scope_field = "version__form__unit"
    scope_write_roles = ORG_DEPARTMENT_ROLES

    version = models.ForeignKey(FormVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules")
    left = models.SlugField(_("field code"), max_length=40)
    operator = models.CharField(_("operator"), max_length=2, choices=RuleOperator.choices, blank=True)
    right_field = models.SlugField(_("compared field code"), max_length=40, blank=True)
    right_constant = models.DecimalField(_("compared constant"), max_digits=16, decimal_places=2, null=True, blank=True)
    growth_factor = models.DecimalField(
        _("times last period's value"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.BLOCKING)
    message = models.CharField(_("message"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["version", "pk"]

    def __str__(self):
        return self.message


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Sent back")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(models.Model):
    """A unit's report on one form version for one period."""

    scope_field = "unit"
    # CHANGE: save the draft (the secretary, or staff on the unit's behalf). IMPORT: staff fill drafts in bulk from
    # the form's sheet (reporting.importers).
    scope_write_roles = VILLAGE_ROLES
    scope_actions = {SUBMIT: SECRETARY_ROLES, APPROVE: STAFF_ROLES, REOPEN: STAFF_ROLES, IMPORT: STAFF_ROLES}

    version = models.ForeignKey(FormVersion, verbose_name=_("form version"), on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    prefilled_count = models.PositiveSmallIntegerField(_("fields prefilled"), default=0)
    confirmed_count = models.PositiveSmallIntegerField(_("prefilled fields confirmed unchanged"), default=0)
    typed_count = models.PositiveSmallIntegerField(_("fields typed"), default=0)
    return_reason = models.TextField(_("reason for sending back"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The first submission: on time or late is judged by it, so a report sent back and submitted again after the
    # due date stays on time.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "period_start"], name="uniq_report_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
        ]

    def __str__(self):
        return f"{self.form} {self.unit} {self.period_start:%Y-%m}"

    @property
    def due_on(self) -> date:
        return self.form.due_on(self.period_end)

    @property
    def closes_on(self) -> date:
        return self.form.closes_on(self.period_end)


class AnswerOrigin(models.TextChoices):
    PREFILLED = "prefilled", _("Prefilled")
    CONFIRMED = "confirmed", _("Prefilled, confirmed unchanged")
    TYPED = "typed", _("Typed")


class Answer(models.Model):
    """One field's answer in a report: the typed value and, for a prefilled field, the computed value beside it."""

    scope_field = "report__unit"
    scope_write_roles = VILLAGE_ROLES

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(FormField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(_("value"), null=True, blank=True)
    computed = models.JSONField(_("computed value"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=AnswerOrigin.choices, default=AnswerOrigin.TYPED)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["report", "field__section__order", "field__order"]
        constraints = [models.UniqueConstraint(fields=["report", "field"], name="uniq_report_answer")]

    def __str__(self):
        return f"{self.field.code}={self.value}"


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before the due date")
    OVERDUE = "overdue", _("After the due date")
    CLOSING = "closing", _("Before entry closes")


class ReportReminder(models.Model):
    """A reminder sent to a unit's secretaries for a form's period (one of each kind at most: the unique key makes
    the daily job idempotent). Written only by the reminder job."""

    scope_field = "unit"
    scope_write_roles = ()

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "period_start", "kind"], name="uniq_report_reminder")
        ]

    def __str__(self):
        return f"{self.form} {self.unit} {self.period_start:%Y-%m} {self.kind}"


class UnitItemList(models.Model):
    """The items a unit reports on a form (三张清单: a community reports only what its duties list holds): the codes
    of the form's fields, set by township or county staff. A unit without a list reports every field; the codes
    are field codes, stable across versions, so a list outlives a new version of the form."""

    scope_field = "unit"
    scope_write_roles = STAFF_ROLES

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="item_lists")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    codes = models.JSONField(_("field codes reported"), default=list)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit item list")
        verbose_name_plural = _("unit item lists")
        ordering = ["form", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["form", "unit"], name="uniq_unit_item_list")]

    def __str__(self):
        return f"{self.form} · {self.unit}"


def attachment_path(instance, filename):
    return f"reporting/attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class ReportAttachment(models.Model):
    """The file of a `file` field's answer (checked by `reporting.services.attachments`); the answer's value holds
    its id and name. Served by `reporting:attachment` to whoever may view the report, nobody else (404)."""

    scope_field = "answer__report__unit"
    scope_write_roles = VILLAGE_ROLES

    answer = models.ForeignKey(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["answer", "-pk"]

    def __str__(self):
        return self.name
