from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import User
from cadres import selectors
from cadres.models import CadrePost, ReserveCadre

pytestmark = pytest.mark.django_db


def test_demo_figures_follow_the_shishou_2024_seeds():
    call_command("load_demo", quiet_users=True)
    orgdept = User.objects.get(username="orgdept")
    figures = selectors.development_figures(user=orgdept, year=2024)
    assert figures["developed"] == 210 and 400 <= figures["activists"] <= 415
    assert selectors.reserve_figures(user=orgdept) == {"secretary": 143, "other": 241}
    assert ReserveCadre.objects.filter(nomination="open").count() == 103
    training = selectors.training_figures(user=orgdept, year=2024)
    assert (training["sessions"], training["person_times"]) == (6, 547)
    cadres = selectors.cadre_figures(user=orgdept, year=2024)
    # One secretary in each of Shishou's 203 villages and communities (153 + 50 in the national division list).
    assert cadres["secretaries"] == 203 and cadres["one_shoulder_rate"] >= 95
    young = selectors.villages_missing_young_reserve(user=orgdept, on=date(2024, 12, 31))
    assert 1 <= young["missing"] <= 15 and young["villages"] == 153
    assert CadrePost.objects.filter(ended_on__isnull=False).count() == 18
    # The demo secretary's village has an activist of more than a year, ready to be proposed as target.
    secretary = User.objects.get(username="secretary")
    ready = selectors.development_list(user=secretary, stage="activist")
    assert any(r.activist_on <= date(2024, 9, 1) for r in ready)
