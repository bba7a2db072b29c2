"""Small builders for collective-economy tests, all through the services."""

from decimal import Decimal

from accounts.permissions import SYSTEM
from collective_economy import services
from collective_economy.models import DevelopmentModel


def figures(total, *, operating=None, debt="0", assets="1000000"):
    total = Decimal(str(total))
    return {
        "total_income": total,
        "operating_income": Decimal(str(operating)) if operating is not None else total,
        "income_sources": "土地发包",
        "development_model": DevelopmentModel.RESOURCE,
        "assets": Decimal(assets),
        "debt": Decimal(debt),
    }


def approved(village, year, total, *, actor=SYSTEM, **kwargs):
    """An approved report (recorded by the system unless an actor is given)."""
    report, _action = services.income_report_record_approved(
        village=village, year=year, actor=actor, **figures(total, **kwargs)
    )
    return report
