"""Training sessions and attendances (person-times)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet

from .people import Person
from .roles import STAFF_ONLY


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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

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
