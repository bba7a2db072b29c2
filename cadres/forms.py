"""Portal forms. Thin: they parse; the services decide. A registered person is chosen by name with the person
picker (`cadres.picker`: people inside the user's jurisdiction, namesakes told apart by masked ID number and unit,
the chosen id checked again on the server); an ID number is typed only for someone not yet registered."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, units_queryset
from core.fields import FormDateField
from core.forms import UnitChoiceField
from organizations.models import OrganizationUnit, UnitKind

from . import selectors
from .models import (
    CadrePost,
    CapabilityAssessment,
    Committee,
    DegreeStudy,
    DevelopmentRecord,
    Direction,
    EducationLevel,
    EmploymentType,
    JointVetting,
    MemberStatus,
    Nomination,
    PartyMember,
    Person,
    PostKind,
    ReserveCadre,
    ReservePost,
    StepKind,
    TrainingLevel,
    TrainingSession,
    VettingResult,
)
from .picker import PersonPickerField, PersonPickerMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def unit_field(label=None, required=True):
    return UnitChoiceField(label=label or _("organization unit"), required=required)


class ScopedForm(PersonPickerMixin, forms.Form):
    """A form whose unit fields offer only the units the user may write, and whose `person` is picked by name."""

    unit_fields: dict = {}  # field name → kinds offered (empty tuple: any kind)
    unit_model = None  # the model the form creates: its units are those where the user may CHANGE it

    def __init__(self, *args, user, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, kinds in self.unit_fields.items():
            qs = units if units is not None else units_queryset(user, self.unit_model, CHANGE)
            if kinds:
                qs = qs.filter(kind__in=kinds)
            self.fields[name].queryset = qs.order_by("path")
        self.bind_pickers(user)


def person_field():
    return PersonPickerField(
        label=_("person"), help_text=_("Type part of the name, then choose the person; register newcomers first.")
    )


BRANCH_KINDS = (
    UnitKind.VILLAGE,
    UnitKind.COMMUNITY,
    UnitKind.GRID,
    UnitKind.AGENCY,
    UnitKind.ENTERPRISE,
    UnitKind.TWO_NEW,
    UnitKind.NEW_ECONOMY,
    UnitKind.TOWNSHIP,
    UnitKind.STREET,
    UnitKind.DEVELOPMENT_ZONE,
)
VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)


class PersonForm(ScopedForm):
    unit_fields = {"unit": ()}
    unit_model = Person
    name = forms.CharField(label=_("full name"), max_length=50)
    id_number = forms.CharField(label=_("resident ID number"), max_length=18)
    mobile = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    education = forms.ChoiceField(
        label=_("education level"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    employment_type = forms.ChoiceField(
        label=_("employment type"), choices=[("", "—"), *EmploymentType.choices], required=False
    )
    unit = unit_field()


class PersonEditForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=50)
    mobile = forms.CharField(
        label=_("mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the current number; enter a new one to replace it."),
    )
    education = forms.ChoiceField(
        label=_("education level"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    employment_type = forms.ChoiceField(
        label=_("employment type"), choices=[("", "—"), *EmploymentType.choices], required=False
    )


class MemberForm(PersonForm):
    unit_fields = {"unit": BRANCH_KINDS}
    unit_model = PartyMember
    status = forms.ChoiceField(label=_("membership status"), choices=MemberStatus.choices)
    joined_on = FormDateField(label=_("joining date"), widget=DATE)


class MemberFactsForm(ScopedForm):
    unit_fields = {"report_community": (UnitKind.COMMUNITY,), "household_building": (UnitKind.BUILDING, UnitKind.GRID)}
    status = forms.ChoiceField(label=_("membership status"), choices=MemberStatus.choices)
    is_floating = forms.BooleanField(label=_("floating member"), required=False)
    floating_location = forms.CharField(label=_("where the member is now"), max_length=100, required=False)
    floating_managing_unit_code = forms.CharField(
        label=_("code of the managing organization"),
        max_length=32,
        required=False,
        help_text=_("The organization that manages the floating member now; it may lie in another county."),
    )
    is_in_service = forms.BooleanField(label=_("in-service member"), required=False)
    report_community = unit_field(_("double-report community"), required=False)
    without_post = forms.BooleanField(label=_("member without post"), required=False)
    is_household = forms.BooleanField(label=_("member household"), required=False)
    household_building = unit_field(_("household building"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, units=OrganizationUnit.objects.restrict(user), **kwargs)

    def clean_floating_managing_unit_code(self):
        code = self.cleaned_data["floating_managing_unit_code"].strip().upper()
        if not code:
            self.cleaned_data["floating_managing_unit"] = None
            return code
        # The managing organization may lie outside the user's jurisdiction (another county): found by its code.
        unit = OrganizationUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No organization unit has this code."))
        self.cleaned_data["floating_managing_unit"] = unit
        return code


class TransferForm(forms.Form):
    to_unit_code = forms.CharField(
        label=_("code of the receiving unit"),
        max_length=32,
        help_text=_("The receiving unit may lie in another county."),
    )
    out_on = FormDateField(label=_("transferred out on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def clean_to_unit_code(self):
        code = self.cleaned_data["to_unit_code"].strip().upper()
        unit = OrganizationUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No organization unit has this code."))
        self.cleaned_data["to_unit"] = unit
        return code


class DateForm(forms.Form):
    on = FormDateField(label=_("date"), widget=DATE, initial=timezone.localdate)


class DevelopmentStartForm(ScopedForm):
    """An application: the applicant is picked by name, or registered on the spot from a name and an ID number."""

    unit_fields = {"unit": BRANCH_KINDS}
    unit_model = DevelopmentRecord
    person = PersonPickerField(
        label=_("applicant"),
        required=False,
        help_text=_("Type part of the name, then choose the person; for someone not yet registered, fill in below."),
    )
    name = forms.CharField(
        label=_("name of a new applicant"),
        max_length=50,
        required=False,
        help_text=_("Only for someone not yet registered: the person is registered with this name."),
    )
    person_id_number = forms.CharField(label=_("resident ID number of a new applicant"), max_length=18, required=False)
    unit = unit_field(_("party branch unit"))
    applied_on = FormDateField(label=_("applied on"), widget=DATE)

    def clean_person_id_number(self):
        return self.cleaned_data["person_id_number"].strip().upper()

    def clean(self):
        data = super().clean()
        if data.get("person") is not None or "person" in self.errors:
            return data
        number = data.get("person_id_number")
        if number:
            # Someone registered already, whose number the user holds: found through the keyed hash, in scope.
            data["person"] = selectors.person_in_scope_by_id_number(user=self.user, id_number=number)
        if data.get("person") is None and not (number and (data.get("name") or "").strip()):
            self.add_error(
                "person", _("Choose the applicant, or give the name and ID number of someone not yet registered.")
            )
        return data


class DevelopmentProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("step"), choices=StepKind.choices, initial=StepKind.ADVANCE)
    effective_on = FormDateField(label=_("effective date"), widget=DATE, initial=timezone.localdate)
    extended_until = FormDateField(label=_("extended until"), widget=DATE, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for sending back"), max_length=200)


class PostForm(ScopedForm):
    unit_fields = {"unit": VILLAGE_KINDS}
    unit_model = CadrePost
    person = person_field()
    unit = unit_field()
    committee = forms.ChoiceField(label=_("committee"), choices=Committee.choices)
    post = forms.ChoiceField(label=_("post"), choices=PostKind.choices)
    is_one_shoulder = forms.BooleanField(label=_("one shoulder (secretary also chairs the committee)"), required=False)
    is_dispatched = forms.BooleanField(label=_("dispatched secretary"), required=False)
    term_start_year = forms.IntegerField(label=_("term starts (election year)"), min_value=1990, max_value=2100)
    started_on = FormDateField(label=_("in post since"), widget=DATE)


class PostEndForm(forms.Form):
    ended_on = FormDateField(label=_("left post on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason for leaving"), max_length=200)


class ElevationForm(forms.Form):
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    reason = forms.CharField(label=_("reason"), max_length=200)
    started_on = FormDateField(label=_("started on"), widget=DATE)
    review_on = FormDateField(label=_("review date"), widget=DATE)


class VettingForm(ScopedForm):
    unit_fields = {"unit": VILLAGE_KINDS}
    unit_model = JointVetting
    person = person_field()
    unit = unit_field()
    vetted_on = FormDateField(label=_("vetted on"), widget=DATE)
    departments = forms.CharField(label=_("vetting departments"), max_length=200, required=False)
    result = forms.ChoiceField(label=_("result"), choices=VettingResult.choices)
    filed_on = FormDateField(label=_("filed on"), widget=DATE, required=False)


class StudyForm(ScopedForm):
    unit_fields = {"unit": VILLAGE_KINDS}
    unit_model = DegreeStudy
    person = person_field()
    unit = unit_field()
    school = forms.CharField(label=_("school"), max_length=100)
    target_level = forms.ChoiceField(label=_("degree aimed at"), choices=EducationLevel.choices)
    enrolled_on = FormDateField(label=_("enrolled on"), widget=DATE)


class AssessmentForm(ScopedForm):
    unit_fields = {"unit": VILLAGE_KINDS}
    unit_model = CapabilityAssessment
    person = person_field()
    unit = unit_field()
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    score = forms.DecimalField(label=_("score"), min_value=0, max_value=100, decimal_places=1)
    comment = forms.CharField(label=_("comment"), max_length=200, required=False)


class ReserveForm(ScopedForm):
    unit_fields = {"unit": VILLAGE_KINDS}
    unit_model = ReserveCadre
    person = person_field()
    unit = unit_field()
    post_for = forms.ChoiceField(label=_("reserve for"), choices=ReservePost.choices)
    nomination = forms.ChoiceField(label=_("nominated by"), choices=Nomination.choices)
    nominated_on = FormDateField(label=_("nominated on"), widget=DATE)


class DropForm(DateForm):
    reason = forms.CharField(label=_("reason for dropping"), max_length=200)


class TrainingForm(ScopedForm):
    unit_fields = {"organizer": ()}
    unit_model = TrainingSession
    topic = forms.CharField(label=_("topic"), max_length=150)
    organizer = unit_field(_("organizer"))
    level = forms.ChoiceField(label=_("level"), choices=TrainingLevel.choices)
    starts_on = FormDateField(label=_("starts on"), widget=DATE)
    ends_on = FormDateField(label=_("ends on"), widget=DATE)


class AttendeesForm(PersonPickerMixin, forms.Form):
    """Attendees picked by name: each search adds its results, the ones checked are kept across searches."""

    people = PersonPickerField(
        label=_("attendees"),
        multiple=True,
        help_text=_("Search by name and check the attendees; several searches may be made before saving."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.bind_pickers(user)
