"""A village secretary fills a prefilled periodic report on a 390-px phone: the autosave keeps a draft through a
reload, and a blocking rule refuses a bad value with its message beside the field."""

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres.models import DevelopmentRecord
from reporting import services
from reporting.models import Report, ReportStatus
from tests.cadres import helpers as cadre_helpers
from tests.reporting.helpers import build_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_fills_a_prefilled_report_on_a_phone(live_server, phone_page, login, county, users):
    village = county["village_a1"]
    cadre_helpers.member(village)
    record = cadre_services_start(village)
    DevelopmentRecord.objects.filter(pk=record.pk).update(activist_on="2023-06-01")
    # This month's report: entry is open whatever day the test runs (a closed period is read-only for the secretary).
    report = services.report_open(form=build_form(county["city"]), unit=village, day=timezone.localdate(), actor=SYSTEM)
    login(phone_page, "secretary_a1")
    url = f"{live_server.url}/reports/{report.pk}/"
    phone_page.goto(url)
    assert "本表 5 项中 3 项已自动填写" in phone_page.content()
    assert phone_page.locator("#value-members").input_value() == "1"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    phone_page.fill("#value-meetings", "4")
    phone_page.fill("#value-developed", "3")
    phone_page.wait_for_selector("text=草稿已保存")
    assert phone_page.locator("[data-messages-for=developed]").inner_text() == "发展党员数不能超过入党积极分子数"
    phone_page.reload()
    assert phone_page.locator("#value-meetings").input_value() == "4"  # the draft survived the reload
    phone_page.click("button[name=submit]")
    phone_page.wait_for_load_state()
    assert "发展党员数不能超过入党积极分子数" in phone_page.content()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    phone_page.fill("#value-developed", "0")
    phone_page.click("button[name=submit]")
    phone_page.wait_for_load_state()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def cadre_services_start(village):
    from datetime import date

    from cadres import services as cadre_services

    return cadre_services.development_start(
        person=cadre_helpers.person(village), unit=village, applied_on=date(2023, 1, 1), actor=SYSTEM
    )
