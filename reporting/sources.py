"""The prefill sources the apps' records provide (`reporting.prefill`): each counts a unit's subtree for a period
in one query. Stock figures are taken at the period's end."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import ACTIVE_RESERVE_STAGES, DevelopmentRecord, PartyMember, ReserveCadre, TrainingAttendance
from collective_economy.models import IncomeReport
from collective_economy.models import ReportStatus as IncomeStatus
from grid_woodpecker.models import Clue, Woodpecker, WoodpeckerStatus

from .prefill import prefill_source


def _instant(day: date, *, end: bool) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@prefill_source("members", _("Party members at period end"))
def members(unit, start, end):
    return PartyMember.objects.filter(unit_path__startswith=unit.path, joined_on__lte=end).count()


@prefill_source("members_developed", _("Members developed in the period"))
def members_developed(unit, start, end):
    return DevelopmentRecord.objects.filter(
        unit__path__startswith=unit.path, admitted_on__gte=start, admitted_on__lte=end
    ).count()


@prefill_source("activists", _("Activists at period end"))
def activists(unit, start, end):
    held = DevelopmentRecord.objects.filter(unit__path__startswith=unit.path, activist_on__lte=end).filter(
        Q(target_on__isnull=True) | Q(target_on__gt=end),
        Q(disqualified_on__isnull=True) | Q(disqualified_on__gt=end),
    )
    return held.count()


@prefill_source("training_person_times", _("Training person-times in the period"))
def training_person_times(unit, start, end):
    return TrainingAttendance.objects.filter(
        person__unit__path__startswith=unit.path, session__starts_on__gte=start, session__starts_on__lte=end
    ).count()


@prefill_source("woodpeckers", _("Active woodpeckers at period end"))
def woodpeckers(unit, start, end):
    return Woodpecker.objects.filter(
        grid__path__startswith=unit.path,
        status=WoodpeckerStatus.ACTIVE,
        confirmed_at__lte=_instant(end, end=True),
    ).count()


def _clues(unit):
    return Clue.objects.filter(grid_path__startswith=unit.path)


@prefill_source("clues_filed", _("Clues filed in the period"))
def clues_filed(unit, start, end):
    return _clues(unit).filter(submitted_at__range=(_instant(start, end=False), _instant(end, end=True))).count()


@prefill_source("clues_handled", _("Clues handled in the period"))
def clues_handled(unit, start, end):
    return _clues(unit).filter(resolved_at__range=(_instant(start, end=False), _instant(end, end=True))).count()


@prefill_source("clues_overdue", _("Clues overdue at period end"))
def clues_overdue(unit, start, end):
    moment = _instant(end, end=True)
    late = Q(resolved_at__isnull=True) | Q(resolved_at__gt=moment)
    return _clues(unit).filter(late, deadline__lt=moment).count()


@prefill_source("collective_income", _("Approved collective income of the year (yuan)"))
def collective_income(unit, start, end):
    total = IncomeReport.objects.filter(
        village__path__startswith=unit.path, year=end.year, status=IncomeStatus.APPROVED
    ).aggregate(total=Sum("total_income"))["total"]
    return str(total or Decimal("0.00"))


@prefill_source("young_reserves", _("Reserve cadres under 30 at period end"))
def young_reserves(unit, start, end):
    born_after = date(end.year - 30, end.month, min(end.day, 28))
    return ReserveCadre.objects.filter(
        unit__path__startswith=unit.path,
        stage__in=ACTIVE_RESERVE_STAGES,
        stage_on__lte=end,
        person__birth_date__gt=born_after,
    ).count()
