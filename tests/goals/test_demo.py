"""The demo county's 2024 dashboard shows the seeds' figures, computed from the generated records."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from goals.models import ReportConfirmation, RollupValue, Target
from organizations.demo import CITY_CODE, PREFECTURE_CODE
from organizations.models import DemonstrationTitle, OrganizationUnit, PartyOrganization

pytestmark = pytest.mark.django_db


def test_demo_dashboard_figures_come_from_the_records(client):
    call_command("load_demo", quiet_users=True)
    city = OrganizationUnit.objects.get(code=CITY_CODE)

    def city_value(key, year=2024):
        return RollupValue.objects.get(indicator=key, unit=city, year=year).value

    # docs/domain.md: weak-and-lax organizations rectified, 10 of 10 in 2024.
    assert city_value("weak_lax_rectified") == 10
    assert city_value("weak_lax_rectification_rate") == Decimal("100.00")
    assert PartyOrganization.objects.filter(rectified_on__year=2024).count() == 10
    titled = DemonstrationTitle.objects.filter(year=2024, title="village").count()
    assert city_value("demonstration_villages") == titled > 0
    # The Jingzhou table is Jingzhou's default target; Shishou's fit its own base (24% of its 153 villages in 2024,
    # never Jingzhou's 300; percentages unchanged; no demonstration-county target for a county), and go down to its
    # townships shared by their own villages, adding up to the county's.
    jingzhou = OrganizationUnit.objects.get(code=PREFECTURE_CODE)
    assert Target.objects.get(indicator="demonstration_villages", unit=jingzhou, year=2024).value == 300
    assert Target.objects.get(indicator="demonstration_counties", unit=jingzhou, year=2024).value == 2
    _assert_targets_fit_the_county(city)
    # A few of the 203 villages and communities have not confirmed 2024: completeness lists them.
    assert ReportConfirmation.objects.filter(year=2024).count() == 203 - 7

    # Through the login page: django-axes needs the request that Client.login() does not pass.
    assert client.post("/login/", {"username": "orgdept", "password": "Shishou@2024"}).status_code == 302
    response = client.get(f"/goals/units/{city.pk}/?year=2024")
    assert response.status_code == 200
    rows = {row.indicator.key: row for row in response.context["rows"]}
    assert rows["weak_lax_rectified"].value == 10
    # docs/domain.md's Shishou 2024 figures, computed from the generated members, cadres, reserves, training and income.
    assert city_value("members_developed") == 210
    assert city_value("training_person_times") == 547
    assert city_value("villages_income_over_100k") == Decimal("92.16")  # 141 of 153 villages
    assert city_value("villages_income_over_200k") > 50
    assert rows["members_developed"].value == 210

    # Jingzhou's dashboard, for its own organization department: its county-level units, Shishou with the figures
    # above and the others (empty) listed as not reporting; the prefecture's figures are its counties' sums.
    client.logout()
    jingzhou = OrganizationUnit.objects.get(code=PREFECTURE_CODE)
    assert client.post("/login/", {"username": "jingzhou", "password": "Shishou@2024"}).status_code == 302
    assert client.get("/goals/").url == f"/goals/units/{jingzhou.pk}/"
    response = client.get(f"/goals/units/{jingzhou.pk}/?year=2024")
    assert response.status_code == 200
    children = {child.code: values for child, values in response.context["children"]}
    assert set(children) == set(OrganizationUnit.objects.filter(parent=jingzhou).values_list("code", flat=True))
    assert len(children) == 9
    silent = {OrganizationUnit.objects.get(pk=pk).code for pk in response.context["not_reporting"]}
    assert silent == set(children) - {CITY_CODE}
    assert response.content.decode().count('not-reporting">未报送<') == len(silent)
    assert children[CITY_CODE]["members_developed"] == 210
    rows = {row.indicator.key: row for row in response.context["rows"]}
    assert rows["members_developed"].value == 210
    assert rows["villages_income_over_100k"].value == city_value("villages_income_over_100k")
    # The prefecture's own indicator: Shishou holds 示范县 in 2024, against Jingzhou's target of two.
    assert rows["demonstration_counties"].value == 1 and rows["demonstration_counties"].target.value == 2
    assert rows["demonstration_counties"].status == "behind"
    assert client.get(f"/goals/units/{city.pk}/?year=2024").status_code == 200


def _assert_targets_fit_the_county(city):
    villages = OrganizationUnit.objects.filter(kind="village", path__startswith=city.path, is_active=True)
    assert villages.count() == 153
    county_target = Target.objects.get(indicator="demonstration_villages", unit=city, year=2024)
    assert county_target.value == 37 <= villages.count()
    assert Target.objects.get(indicator="villages_income_over_200k", unit=city, year=2022).value == 50
    assert not Target.objects.filter(indicator="demonstration_counties", unit=city).exists()
    handed = Target.objects.filter(origin=county_target).select_related("unit")
    assert (
        handed.count() == OrganizationUnit.objects.filter(parent=city, kind__in=["township", "street", "zone"]).count()
    )
    assert sum(t.value for t in handed) == county_target.value
    for target in handed:
        assert target.value <= villages.filter(path__startswith=target.unit.path).count()
    assert {
        t.value for t in Target.objects.filter(indicator="villages_income_over_200k", year=2024, origin__unit=city)
    } == {70}
