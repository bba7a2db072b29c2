"""Figures read from the village collective economy: shares of villages over an income threshold (administrative
villages only; a village without an approved report stays in the denominator) and rewards paid."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from collective_economy.models import IncomeReport, ReportStatus, VillageReward
from organizations.models import OrganizationUnit, UnitKind

from ..indicators import EVERY_LEVEL, FROM_TOWNSHIP, Aggregation, Measure, indicator, reported
from .base import ratio_by_path, sums_by_path

SOURCE = "collective_economy"


def _villages_over(threshold: Decimal, key: str, name, sort: int):
    # A share of villages: listed from the township up (one village's own is 0 or 100%).
    @indicator(key, name, Measure.PERCENT, Aggregation.RATIO, SOURCE, sort=sort, levels=FROM_TOWNSHIP)
    def compute(root, year):
        over = IncomeReport.objects.filter(
            village=OuterRef("pk"), year=year, status=ReportStatus.APPROVED, total_income__gte=threshold
        )
        villages = OrganizationUnit.objects.filter(kind=UnitKind.VILLAGE, is_active=True).annotate(over=Exists(over))
        return ratio_by_path(villages, "path", root, Q(over=True))

    compute.__name__ = f"villages_over_{int(threshold)}"
    return compute


villages_over_200k = _villages_over(
    Decimal("200000"),
    "villages_income_over_200k",
    _("Share of villages with collective income over 200,000 yuan"),
    20,
)
villages_over_100k = _villages_over(
    Decimal("100000"),
    "villages_income_over_100k",
    _("Share of villages with collective income over 100,000 yuan"),
    52,
)


@indicator(
    "reward_paid",
    _("Performance rewards paid to village cadres"),
    Measure.YUAN,
    Aggregation.SUM,
    SOURCE,
    sort=53,
    levels=EVERY_LEVEL,
    base="villages",
)
def reward_paid(root, year):
    """Performance-linked rewards computed for the villages for the year, in yuan."""
    return sums_by_path(VillageReward.objects.filter(year=year), "village__path", root, "amount")


@reported(SOURCE)
def reported_villages(unit, year):
    """Villages under `unit` with an approved income report for the year."""
    return IncomeReport.objects.filter(
        year=year, status=ReportStatus.APPROVED, village__path__startswith=unit.path
    ).values_list("village_id", flat=True)
