"""People: the record shared by every role a person can hold (member, cadre, reserve, woodpecker).

ID numbers and phones are personal information: stored encrypted, searchable through a keyed hash, shown masked.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import REVEAL
from accounts.roles import Role
from accounts.scoping import CachedScopePathMixin, ScopedQuerySet
from core import crypto

# Roles whose work needs the full ID number or phone (organization work, vetting, contacting a reporter), and so
# a person's birth date and gender: organization-department and township staff, and the secretary of the person's
# own unit (their subtree). Everyone else sees the masked values and an age band (cadres.personal).
REVEAL_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)
# Every role reads the people of its subtree except a woodpecker, which reads only its own record (through
# `scope_owner_field`): the other woodpeckers of its grid are not its business. An external system reads the people
# of its subtree too (the scope `people:read`), but only their non-sensitive fields (cadres/api/service_accounts.py).
# Who registers and corrects people attached to their unit: staff, the village/community secretary (members,
# applicants) and the grid worker (the woodpeckers of their grid).
PERSON_WRITE_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY, Role.GRID_WORKER)
PERSON_VIEW_ROLES = tuple(role for role in Role.values if role != Role.WOODPECKER)


def mask_id_number(number: str) -> str:
    """The displayed form of an ID number: its first and last character only ("4****************8").

    An 18-digit number is region (6) + birth date (8) + sequence (3, odd for men) + check digit. Showing more of
    it, beside anything a role may see, lets the number be rebuilt: the first digit says only the province group,
    and the last one (the check digit) is a function of the other 17, so together they leave every birth date of
    the age band times every sequence number open (tests/cadres/test_id_rebuild.py counts them).
    """
    return crypto.mask(number, 1, 1)


# A person's code: "P" and 8 characters without look-alikes (0/O, 1/I/L): 31**8 ≈ 8.5e11 codes.
PERSON_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_person_code() -> str:
    """A stable, non-sensitive code for a person (exports carry it so a re-imported row finds its person without
    the ID number). Random, not derived from the id: it says nothing and is set before the row is saved (bulk)."""
    return "P" + "".join(secrets.choice(PERSON_CODE_ALPHABET) for _position in range(8))


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


class Person(CachedScopePathMixin, models.Model):
    """A natural person known to the system, attached to the unit where they live or work (their scope)."""

    scope_field = "unit"
    scope_write_roles = PERSON_WRITE_ROLES
    scope_actions = {REVEAL: REVEAL_ROLES}  # see the full ID number or phone (logged), the birth date and gender
    scope_view_roles = PERSON_VIEW_ROLES
    scope_owner_field = "woodpecker__user"  # a woodpecker sees its own record
    scope_path_cache = {"unit": "unit_path"}  # scoped lists use this table's own path index (accounts.scoping)

    code = models.CharField(_("person code"), max_length=12, unique=True, default=new_person_code, editable=False)
    name = models.CharField(_("name"), max_length=50)
    # Gender and birth date come from the ID number; a woodpecker who signed up without one (the 1:10:5 scheme needs
    # none) has neither, and no ID number (hash NULL: unique among the people who gave one).
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False, null=True, blank=True)
    id_number_masked = models.CharField(_("resident ID number"), max_length=18, editable=False, blank=True)
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
    unit_path = models.CharField(max_length=255, editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["unit", "name"]),
            models.Index(fields=["unit_path"], name="person_unit_path", opclasses=["text_pattern_ops"]),
        ]

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

    def age(self, on) -> int | None:
        """Age in full years on the date `on` (the under-30 reserve rule, for instance); None without a birth date."""
        born = self.birth_date
        if born is None:
            return None
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
