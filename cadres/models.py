"""People: the record shared by every role a person can hold (member, cadre, reserve, woodpecker).

ID numbers and phones are personal information: stored encrypted, searchable through a keyed hash, shown masked.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import APPROVE, IMPORT, REVEAL
from accounts.roles import Role
from accounts.scoping import ScopedQuerySet
from core import crypto

# Roles whose work needs the full ID number or phone (organization work, vetting, contacting a reporter), and so
# a person's birth date and gender: organization-department and township staff, and the secretary of the person's
# own unit (their subtree). Everyone else sees the masked values and an age band (cadres.personal).
REVEAL_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)
# Every role reads the people of its subtree except a woodpecker, which reads only its own record (through
# `scope_owner_field`): the other woodpeckers of its grid are not its business; and an external system, which reads
# the hierarchy and figures and exchanges clues, never people (DOMAIN "Who uses it").
# Who registers and corrects people attached to their unit: staff, the village/community secretary (members,
# applicants) and the grid worker (the woodpeckers of their grid).
PERSON_WRITE_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY, Role.GRID_WORKER)
PERSON_VIEW_ROLES = tuple(role for role in Role.values if role not in (Role.WOODPECKER, Role.EXTERNAL_SYSTEM))


def mask_id_number(number: str) -> str:
    """The displayed form of an ID number: its first and last character only ("4****************8").

    An 18-digit number is region (6) + birth date (8) + sequence (3, odd for men) + check digit. Showing more of
    it, beside anything a role may see, lets the number be rebuilt: the first digit says only the province group,
    and the last one (the check digit) is a function of the other 17, so together they leave every birth date of
    the age band times every sequence number open (tests/cadres/test_id_rebuild.py counts them).
    """
    return crypto.mask(number, 1, 1)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class EducationLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


COLLEGE_OR_ABOVE = (EducationLevel.COLLEGE, EducationLevel.BACHELOR, EducationLevel.POSTGRADUATE)


class EmploymentType(models.TextChoices):
    FARMER = "farmer", _("Farmer")
    EMPLOYEE = "employee", _("Employee")
    CIVIL_SERVANT = "civil_servant", _("Civil servant / public institution")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
    COURIER = "courier", _("Courier")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    OTHER_NEW_ECONOMY = "new_economy", _("Other new-economy worker")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Person(models.Model):
    """A natural person known to the system, attached to the unit where they live or work (their scope)."""

    scope_field = "unit"
    scope_write_roles = PERSON_WRITE_ROLES
    scope_actions = {REVEAL: REVEAL_ROLES}  # see the full ID number or phone (logged), the birth date and gender
    scope_view_roles = PERSON_VIEW_ROLES
    scope_owner_field = "woodpecker__user"  # a woodpecker sees its own record

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18, editable=False)
    mobile_encrypted = models.TextField(editable=False, blank=True)
    mobile_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    mobile_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)
    education = models.CharField(_("education level"), max_length=16, choices=EducationLevel.choices, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=16, choices=EmploymentType.choices, blank=True)
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self):
        return self.name

    def set_id_number(self, number: str) -> None:
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.search_hash(number)
        self.id_number_masked = mask_id_number(number)

    def set_mobile(self, number: str) -> None:
        self.mobile_encrypted = crypto.encrypt(number)
        self.mobile_hash = crypto.search_hash(number)
        self.mobile_masked = crypto.mask(number, 3, 4)

    def age(self, on) -> int:
        """Age in full years on the date `on` (the under-30 reserve rule, for instance)."""
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class PersonalDataReveal(models.Model):
    """One showing of a full ID number or phone to a user whose role needs it: who, whose, which field, when."""

    scope_field = "person__unit"

    FIELDS = (("id_number", _("resident ID number")), ("mobile", _("mobile phone")))

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="reveals")
    field = models.CharField(_("field"), max_length=16, choices=FIELDS)
    actor = models.ForeignKey("accounts.User", verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.actor} · {self.person} · {self.field}"


# ---------------------------------------------------------------------------------------------------------------
# Who may write the records of this app: staff of the township and the organization department, and the village
# or community secretary for their own unit (DOMAIN.md: secretaries "maintain members and cadres of their village").
CADRES_WRITE_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)
# Decisions of the township or the county: approving development steps, reviewing and appointing reserves,
# vetting, assessments, elevated management and training.
STAFF_ONLY = CADRES_WRITE_ROLES[:2]
# Who imports sheets of members, cadres and reserves (each row is still checked against their scope).
CADRES_IMPORT_ROLES = CADRES_WRITE_ROLES


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMember(models.Model):
    """A party member (党员) of a branch: full or probationary, with floating, double-report and household facts.

    Visible from the member's own unit and, for a floating member, from the organization that manages them now
    (possibly in another county), which sees only what the list and detail show (masked personal data).
    """

    scope_field = ("unit", "floating_managing_unit")
    scope_write_roles = CADRES_WRITE_ROLES  # the services ask at the home unit (require_at): see services.py
    scope_actions = {IMPORT: CADRES_IMPORT_ROLES}

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_member"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("party branch unit"),
        on_delete=models.PROTECT,
        related_name="party_members",
    )
    status = models.CharField(_("membership status"), max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField(_("joining date"), help_text=_("The political birthday is its anniversary."))
    full_on = models.DateField(_("became full member on"), null=True, blank=True)
    is_floating = models.BooleanField(_("floating member"), default=False)
    floating_location = models.CharField(_("where the member is now"), max_length=100, blank=True)
    floating_managing_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("managing organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_floating_members",
        help_text=_("The organization that manages the floating member now; it may lie in another county."),
    )
    is_in_service = models.BooleanField(_("in-service member"), default=False)
    report_community = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("double-report community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_members",
    )
    without_post = models.BooleanField(_("member without post"), default=False)
    is_household = models.BooleanField(_("member household"), default=False)
    household_building = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("household building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_households",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["joined_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_floating=True) | models.Q(floating_managing_unit__isnull=True),
                name="member_managing_unit_only_floating",
            ),
        ]

    def __str__(self):
        return self.person.name


class TransferStatus(models.TextChoices):
    OUT = "out", _("Transferred out")
    IN = "in", _("Arrived, awaiting receipt")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class MemberTransfer(models.Model):
    """Transfer of a member's organization relationship (组织关系转接): out → in → received.

    Both sides see the transfer itself (name, masked ID, units, dates) and nothing else of the other side.
    """

    scope_field = ("from_unit", "to_unit")
    scope_write_roles = CADRES_WRITE_ROLES

    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("from unit"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("to unit"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.OUT)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    out_on = models.DateField(_("transferred out on"))
    in_on = models.DateField(_("arrived on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization relationship transfer")
        verbose_name_plural = _("organization relationship transfers")
        ordering = ["-out_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status__in=["out", "in"]), name="one_open_transfer_per_member"
            ),
            models.CheckConstraint(condition=~models.Q(from_unit=models.F("to_unit")), name="transfer_units_differ"),
        ]

    def __str__(self):
        return f"{self.member} · {self.from_unit} → {self.to_unit}"


class DevelopmentStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")
    DISQUALIFIED = "disqualified", _("Disqualified")


STAGE_ORDER = [
    DevelopmentStage.APPLICANT,
    DevelopmentStage.ACTIVIST,
    DevelopmentStage.TARGET,
    DevelopmentStage.PROBATIONARY,
    DevelopmentStage.FULL,
]


class DevelopmentRecord(models.Model):
    """One person's way through member development (发展党员): applicant → activist → target → probationary → full."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    scope_actions = {APPROVE: STAFF_ONLY}  # the branch proposes a step, the township approves it

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="development_records"
    )
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("party branch unit"),
        on_delete=models.PROTECT,
        related_name="development_records",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=DevelopmentStage.choices, default=DevelopmentStage.APPLICANT
    )
    applied_on = models.DateField(_("applied on"))
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    target_on = models.DateField(_("development target since"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted as probationary member on"), null=True, blank=True)
    full_on = models.DateField(_("became full member on"), null=True, blank=True)
    probation_extended_until = models.DateField(_("probation extended until"), null=True, blank=True)
    disqualified_on = models.DateField(_("disqualified on"), null=True, blank=True)
    disqualified_reason = models.CharField(_("reason for disqualification"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development record")
        verbose_name_plural = _("development records")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [models.Index(fields=["stage", "unit"]), models.Index(fields=["admitted_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=~models.Q(stage="disqualified"), name="one_open_development_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(activist_on__isnull=True) | models.Q(activist_on__gte=models.F("applied_on")),
                name="development_activist_after_application",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_stage_display()}"

    @property
    def pending_step(self):
        return next((s for s in self.steps.all() if s.status == StepStatus.PROPOSED), None)


class StepKind(models.TextChoices):
    ADVANCE = "advance", _("Advance to the next stage")
    EXTEND = "extend", _("Extend probation")
    DISQUALIFY = "disqualify", _("Disqualify")


class StepStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Sent back")


class ApprovalLevel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    TOWNSHIP = "township", _("Township party committee")
    COUNTY = "county", _("County organization department")


class DevelopmentStep(models.Model):
    """One dated step of a development record: proposed by the branch, approved (or sent back) above it."""

    scope_field = "record__unit"
    scope_write_roles = CADRES_WRITE_ROLES

    record = models.ForeignKey(
        DevelopmentRecord, verbose_name=_("development record"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices, default=StepKind.ADVANCE)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=DevelopmentStage.choices)
    effective_on = models.DateField(_("effective date"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.PROPOSED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(_("approval level"), max_length=16, choices=ApprovalLevel.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for sending back"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["record_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=models.Q(status="proposed"), name="one_pending_step_per_record"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(return_reason=""), name="returned_step_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.record.person.name} → {self.get_to_stage_display()} ({self.get_status_display()})"


class Committee(models.TextChoices):
    PARTY = "party", _("Village party organization committee")
    VILLAGERS = "villagers", _("Villagers' / residents' committee")
    WORK_TEAM = "work_team", _("Village work team")


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "member", _("Committee member")
    CHAIR = "chair", _("Chair of the villagers' committee")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    WORK_TEAM_MEMBER = "work_team_member", _("Work team member")


class CadrePost(models.Model):
    """A post a person holds in a unit's committees (村"两委") for a term; ended posts are the adjustment history."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    scope_actions = {IMPORT: CADRES_IMPORT_ROLES}

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="cadre_posts",
    )
    committee = models.CharField(_("committee"), max_length=16, choices=Committee.choices, default=Committee.PARTY)
    post = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    is_one_shoulder = models.BooleanField(_("one shoulder (secretary also chairs the committee)"), default=False)
    is_dispatched = models.BooleanField(_("dispatched secretary"), default=False)
    term_start_year = models.PositiveSmallIntegerField(_("term starts (election year)"))
    term_end_year = models.PositiveSmallIntegerField(_("term ends"))
    started_on = models.DateField(_("in post since"))
    ended_on = models.DateField(_("left post on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre post")
        verbose_name_plural = _("cadre posts")
        ordering = ["unit_id", "committee", "post", "id"]
        indexes = [models.Index(fields=["post", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(post="secretary", ended_on__isnull=True),
                name="one_sitting_secretary_per_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(term_end_year__gt=models.F("term_start_year")), name="post_term_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(is_one_shoulder=False) | models.Q(post="secretary"),
                name="one_shoulder_only_secretary",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_post_display()}"


class Direction(models.TextChoices):
    POSITIVE = "positive", _("Positive (promote the strong)")
    NEGATIVE = "negative", _("Negative (rectify the weak)")


class ElevatedManagement(models.Model):
    """Elevated management (提级管理) of a village secretary by the county: direction, reason, start, review."""

    scope_field = "post__unit"
    scope_write_roles = STAFF_ONLY

    post = models.ForeignKey(
        CadrePost, verbose_name=_("secretary post"), on_delete=models.PROTECT, related_name="elevations"
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=200)
    started_on = models.DateField(_("started on"))
    review_on = models.DateField(_("review date"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("elevated management")
        verbose_name_plural = _("elevated management")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gt=models.F("started_on")), name="elevation_review_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.post} · {self.get_direction_display()}"


class VettingResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class JointVetting(models.Model):
    """Joint vetting and filing (联审备案) of a secretary candidate by the departments, then filed with the county."""

    scope_field = "unit"
    scope_write_roles = STAFF_ONLY

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="vettings")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="vettings",
    )
    post = models.CharField(_("post"), max_length=20, choices=PostKind.choices, default=PostKind.SECRETARY)
    vetted_on = models.DateField(_("vetted on"))
    departments = models.CharField(_("vetting departments"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=VettingResult.choices)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint vetting")
        verbose_name_plural = _("joint vettings")
        ordering = ["-vetted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="passed") | models.Q(filed_on__isnull=True), name="only_passed_vetting_filed"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.vetted_on}"


class DegreeStudy(models.Model):
    """A cadre studying for a degree (学历能力"双提升"): school, level aimed at, enrolment and graduation."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="studies")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="degree_studies",
    )
    school = models.CharField(_("school"), max_length=100)
    target_level = models.CharField(_("degree aimed at"), max_length=16, choices=EducationLevel.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("degree study")
        verbose_name_plural = _("degree studies")
        ordering = ["-enrolled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(graduated_on__isnull=True) | models.Q(graduated_on__gt=models.F("enrolled_on")),
                name="study_graduation_after_enrolment",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.school}"


class CapabilityAssessment(models.Model):
    """A secretary's yearly capability assessment score; the ranking (序位管理) is computed from the scores."""

    scope_field = "unit"
    scope_write_roles = STAFF_ONLY

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability assessment")
        verbose_name_plural = _("capability assessments")
        ordering = ["-year", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "unit", "year"], name="one_assessment_per_year"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="assessment_score_range"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.year}"


class ReservePost(models.TextChoices):
    SECRETARY = "secretary", _("Village secretary")
    OTHER = "other", _("Other committee post")


class Nomination(models.TextChoices):
    SELF = "self", _("Self-nominated")
    RECOMMENDED = "recommended", _("Recommended")
    OPEN = "open", _("Open recruitment")


class ReserveStage(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    REVIEWED = "reviewed", _("Qualification reviewed")
    INSPECTED = "inspected", _("Inspected")
    IN_RESERVE = "in_reserve", _("In reserve")
    TRAINED = "trained", _("Trained")
    APPOINTED = "appointed", _("Appointed")
    DROPPED = "dropped", _("Dropped")


RESERVE_ORDER = [
    ReserveStage.NOMINATED,
    ReserveStage.REVIEWED,
    ReserveStage.INSPECTED,
    ReserveStage.IN_RESERVE,
    ReserveStage.TRAINED,
    ReserveStage.APPOINTED,
]
# Reserves that count as held in reserve for a village (the under-30 rule, the yearly figures).
ACTIVE_RESERVE_STAGES = (ReserveStage.IN_RESERVE, ReserveStage.TRAINED)


class ReserveCadre(models.Model):
    """A reserve cadre (后备干部) of a village: how nominated, which post reserved for, where in the pipeline."""

    scope_field = "unit"
    scope_write_roles = CADRES_WRITE_ROLES
    # Review, inspection and appointment are decisions of the township ("township manages").
    scope_actions = {APPROVE: STAFF_ONLY, IMPORT: CADRES_IMPORT_ROLES}

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="reserves")
    unit = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organization unit"),
        on_delete=models.PROTECT,
        related_name="reserve_cadres",
    )
    post_for = models.CharField(_("reserve for"), max_length=16, choices=ReservePost.choices)
    nomination = models.CharField(_("nominated by"), max_length=16, choices=Nomination.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=ReserveStage.choices, default=ReserveStage.NOMINATED)
    nominated_on = models.DateField(_("nominated on"))
    stage_on = models.DateField(_("stage reached on"))
    dropped_reason = models.CharField(_("reason for dropping"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["unit_id", "person__name", "id"]
        indexes = [models.Index(fields=["stage", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "post_for"],
                condition=~models.Q(stage__in=["dropped", "appointed"]),
                name="one_open_reserve_per_person_post",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="dropped") | ~models.Q(dropped_reason=""), name="dropped_reserve_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_post_for_display()}"


class ReserveStep(models.Model):
    """One step of a reserve cadre's pipeline, kept as history: from which stage to which, when, by whom, why."""

    scope_field = "reserve__unit"
    scope_write_roles = CADRES_WRITE_ROLES

    reserve = models.ForeignKey(
        ReserveCadre, verbose_name=_("reserve cadre"), on_delete=models.CASCADE, related_name="steps"
    )
    from_stage = models.CharField(_("from stage"), max_length=16, choices=ReserveStage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=ReserveStage.choices)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve step")
        verbose_name_plural = _("reserve steps")
        ordering = ["reserve_id", "on", "id"]

    def __str__(self):
        return f"{self.reserve} → {self.get_to_stage_display()}"


class TrainingLevel(models.TextChoices):
    CITY = "city", _("City")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class TrainingSession(models.Model):
    """A training session (培训): topic, dates, organizing unit and level; attendees make its person-times."""

    scope_field = "organizer"
    scope_write_roles = STAFF_ONLY

    topic = models.CharField(_("topic"), max_length=150)
    organizer = models.ForeignKey(
        "organizations.OrganizationUnit",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    level = models.CharField(_("level"), max_length=16, choices=TrainingLevel.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.topic


class TrainingAttendance(models.Model):
    """One person attending one training session: one person-time."""

    scope_field = "session__organizer"
    scope_write_roles = STAFF_ONLY

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        ordering = ["session_id", "person__name"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_person")]

    def __str__(self):
        return f"{self.session} · {self.person.name}"
