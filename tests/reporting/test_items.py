"""The three lists (三张清单) as forms: a unit reports only the fields of its item list; the list is set by township
or county staff, inside their jurisdiction, on the item-list pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from reporting import services
from reporting.models import UnitItemList

from .helpers import DAY, build_form

pytestmark = pytest.mark.django_db


def _codes(report):
    return sorted(report.answers.values_list("field__code", flat=True))


def test_a_unit_reports_only_its_listed_fields(county, users, frozen_today):
    form = build_form(county["city"])
    village, other = county["village_a1"], county["village_a2"]
    services.unit_items_set(form=form, unit=village, codes=["meetings", "members"], actor=users["staff_a"])
    report = services.report_open(form=form, unit=village, day=DAY, actor=users["secretary_a1"])
    assert _codes(report) == ["meetings", "members"]
    assert report.prefilled_count == 1  # members only: developed and activists are not on the list
    # A unit without a list reports every field.
    full = services.report_open(form=form, unit=other, day=DAY, actor=SYSTEM)
    assert _codes(full) == ["activists", "developed", "done", "meetings", "members"]
    # The list is stored in the form's order, audited; the report page draws the listed fields only.
    assert UnitItemList.objects.get(form=form, unit=village).codes == ["members", "meetings"]
    assert AuditEntry.objects.filter(action="unit_items.set").count() == 1
    # Submitting: the required field on the list is checked, the rules on absent fields pass.
    services.report_save_draft(report=report, actor=users["secretary_a1"], values={"meetings": 2})
    assert services.report_submit(report=report, actor=users["secretary_a1"]).status == "submitted"


def test_clearing_the_list_brings_every_field_back(county, users):
    form = build_form(county["city"])
    village = county["village_a1"]
    services.unit_items_set(form=form, unit=village, codes=["meetings"], actor=users["city_staff"])
    services.unit_items_clear(form=form, unit=village, actor=users["staff_a"])
    assert not UnitItemList.objects.exists()
    report = services.report_open(form=form, unit=village, day=DAY, actor=SYSTEM)
    assert len(_codes(report)) == 5


def test_list_refusals(county, users):
    form = build_form(county["city"])
    village = county["village_a1"]
    for codes, code in (([], "no_items_chosen"), (["meetings", "nope"], "no_such_form_field")):
        with pytest.raises(ValidationError) as error:
            services.unit_items_set(form=form, unit=village, codes=codes, actor=users["staff_a"])
        assert error.value.error_dict["codes"][0].code == code
    with pytest.raises(ValidationError):  # a township does not fill a village form
        services.unit_items_set(form=form, unit=county["township_a"], codes=["meetings"], actor=SYSTEM)
    for actor in (users["secretary_a1"], users["staff_b"]):
        with pytest.raises(PermissionDenied):
            services.unit_items_set(form=form, unit=village, codes=["meetings"], actor=actor)
    assert not UnitItemList.objects.exists()


def test_the_list_pages_keep_to_the_jurisdiction(county, users, client_for):
    form = build_form(county["city"])
    services.unit_items_set(form=form, unit=county["village_b1"], codes=["meetings"], actor=SYSTEM)
    client = client_for(users["staff_a"])
    assert form.name in client.get(reverse("reporting:items")).content.decode()
    page = client.get(reverse("reporting:form_items", args=[form.pk])).content.decode()
    assert county["village_a1"].name in page and county["community_a"].name in page
    assert county["village_b1"].name not in page
    mine = reverse("reporting:unit_items", args=[form.pk, county["village_a1"].pk])
    theirs = reverse("reporting:unit_items", args=[form.pk, county["village_b1"].pk])
    assert client.get(theirs).status_code == 404
    assert client.post(theirs, {"codes": ["members"]}).status_code == 404
    assert UnitItemList.objects.get(unit=county["village_b1"]).codes == ["meetings"]
    assert client.get(mine).status_code == 200
    response = client.post(mine, {"codes": ["members", "done"]})
    assert response.status_code == 302
    assert UnitItemList.objects.get(unit=county["village_a1"]).codes == ["members", "done"]
    assert client.post(mine, {"save": "1"}).status_code == 400  # nothing ticked: refused with the message
    assert "请至少选择一项" in client.post(mine, {"save": "1"}).content.decode()
    assert client.post(mine, {"all": "1"}).status_code == 302
    assert not UnitItemList.objects.filter(unit=county["village_a1"]).exists()
    # A township does not fill the form: no page for it.
    township = reverse("reporting:unit_items", args=[form.pk, county["township_a"].pk])
    assert client.get(township).status_code == 404


def test_a_secretary_reads_the_list_but_does_not_change_it(county, users, client_for):
    form = build_form(county["city"])
    services.unit_items_set(form=form, unit=county["village_a1"], codes=["meetings"], actor=SYSTEM)
    client = client_for(users["secretary_a1"])
    url = reverse("reporting:unit_items", args=[form.pk, county["village_a1"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "disabled" in page.content.decode()
    assert client.post(url, {"codes": ["members"]}).status_code == 403
    assert UnitItemList.objects.get().codes == ["meetings"]
    assert client.get(reverse("reporting:unit_items", args=[form.pk, county["village_a2"].pk])).status_code == 404
