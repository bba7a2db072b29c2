"""A day's work in township A for the workbench and notification tests: clues in every state of grid A1, goods
reserved, an income report and a development step awaiting approval, a reserve due for its next step. Everyone of
the role matrix (tests/roles.py) holds their role where the matrix says."""

from datetime import timedelta

from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres import services as cadres_services
from cadres.models import Nomination, ReservePost
from collective_economy.services import income_report_submit
from grid_woodpecker.models import Clue, OverdueFlag
from grid_woodpecker.services.clues import (
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_resolve,
    clue_submit,
)
from grid_woodpecker.services.redemptions import redemption_reserve
from tests import factories, roles
from tests.cadres import helpers as cadres_helpers
from tests.collective_economy.helpers import figures
from tests.grid_woodpecker import helpers


def matrix_users(county, users) -> dict:
    """A user per role of the matrix (the anonymous visitor aside), made where the matrix says."""
    reuse = {
        "org_department": users["city_staff"],
        "township_staff_a": users["staff_a"],
        "township_staff_b": users["staff_b"],
        "secretary_a": users["secretary_a1"],
        "external_system": users["external"],
    }
    found = {}
    for spec in roles.MATRIX:
        if spec.role is None:
            continue
        if spec.name == "woodpecker_a":
            found[spec.name] = helpers.woodpecker(county[spec.unit_key], username="wb_woodpecker").user
        else:
            found[spec.name] = reuse.get(spec.name) or factories.user_with_role(
                f"wb_{spec.name}", spec.role, county[spec.unit_key]
            )
    return found


def build_day(county, users) -> dict:
    people = matrix_users(county, users)
    category = helpers.category(county["city"])
    reporter, worker = people["woodpecker_a"], people["grid_worker_a"]

    def submitted(text):
        return clue_submit(actor=reporter, category=category, description=text, check_limits=False)

    waiting = submitted("路灯不亮了请尽快修理")
    overdue = clue_accept(clue=submitted("垃圾堆放在路口很久了"), actor=worker)
    Clue.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(days=5), flag=OverdueFlag.RED)
    soon = clue_accept(clue=submitted("井盖缺失非常危险啊"), actor=worker)
    soon = clue_dispatch(
        clue=soon, department=county["agency"], actor=worker, deadline=timezone.now() + timedelta(hours=20)
    )
    resolved = clue_handle_in_community(
        clue=clue_accept(clue=submitted("路面破损需要修补"), actor=worker), actor=worker
    )
    resolved = clue_resolve(clue=resolved, resolution="已修补路面", actor=worker)
    _station, goods = helpers.station_with_goods(county["village_a1"], price="5.00", stock=5)
    reporter_woodpecker = reporter.woodpecker
    redemption = redemption_reserve(woodpecker=reporter_woodpecker, goods=goods, actor=reporter)
    year = timezone.localdate().year - 1
    report = income_report_submit(
        village=county["village_a1"], year=year, actor=people["secretary_a"], **figures(150000)
    )
    record = cadres_helpers.activist(county["village_a1"], "李积极", activist_days_ago=400)
    step = cadres_services.development_propose(
        record=record, effective_on=cadres_helpers.days_ago(10), actor=people["secretary_a"]
    )
    reserve = cadres_services.reserve_nominate(
        person=cadres_helpers.person(county["village_a1"], "王后备"),
        unit=county["village_a1"],
        post_for=ReservePost.SECRETARY,
        nomination=Nomination.SELF,
        nominated_on=cadres_helpers.days_ago(90),
        actor=SYSTEM,
    )
    return {
        "people": people,
        "clues": {"waiting": waiting, "overdue": overdue, "soon": soon, "resolved": resolved},
        "redemption": redemption,
        "report": report,
        "step": step,
        "reserve": reserve,
        "category": category,
    }
