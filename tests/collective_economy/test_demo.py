"""The demo county's collective economy matches the seeds (computed, not typed in)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from collective_economy import selectors
from collective_economy.models import IncomeReport, ReportStatus, VillageReward
from organizations.demo import CITY_CODE
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db


def test_demo_income_lands_on_the_seed_shares_and_rewards():
    call_command("load_demo", quiet_users=True)
    city = OrganizationUnit.objects.get(code=CITY_CODE)  # Shishou; Jingzhou's other county-level cities are empty
    orgdept = User.objects.get(username="orgdept")
    assert IncomeReport.objects.filter(status=ReportStatus.APPROVED).count() == 153 * 3
    table = selectors.income_table(user=orgdept, scope=city, year=2024)
    shares = {share.threshold: share for share in table.shares}
    over_100k, over_200k = shares[Decimal("100000.00")], shares[Decimal("200000.00")]
    assert (over_100k.over, over_100k.villages, over_100k.share_of_all) == (141, 153, Decimal("92.16"))
    assert over_200k.share_of_all > 50
    assert over_200k.target.target_share == Decimal("70.00")  # the Jingzhou default for 2024
    rewards = list(VillageReward.objects.filter(year=2024).select_related("village"))
    assert len(rewards) == 22
    assert len({r.village.parent_id for r in rewards}) == 10
    total = sum((r.amount for r in rewards), Decimal("0.00"))
    assert Decimal("450000") < total < Decimal("600000")  # Shishou paid 517,000
    assert table.debt_flags  # some villages' debt grew in 2024
    # The demo township has the secretary's correction to review.
    township = User.objects.get(username="township")
    assert selectors.reports_awaiting_review(user=township).count() == 1
