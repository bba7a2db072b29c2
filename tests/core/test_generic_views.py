"""The generic portal views (core.views.generic), through a configured app (cadres): scoped list with filters,
declared sorting and pagination, the card layout's labels, detail 404 outside the jurisdiction, a form through a
service, and an action with a confirmation page and a 403 for a visible record the user may not change."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import JointVetting, MemberTransfer
from core.errors import Conflict
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


def _vetting(unit, name, on):
    person = h.person(unit, name)
    return services.vetting_create(person=person, unit=unit, vetted_on=on, result="passed", actor=SYSTEM)


def test_list_is_scoped_sorted_on_declared_fields_and_labelled_for_cards(client_for, county, users):
    _vetting(county["village_a1"], "甲乙", date(2024, 3, 1))
    _vetting(county["village_a1"], "甲甲", date(2024, 5, 1))
    _vetting(county["village_b1"], "乙丙", date(2024, 4, 1))
    client = client_for(users["staff_a"])
    page = client.get(reverse("cadres:vetting_list"), {"sort": "vetted_on"})
    names = [cells[0][1] for _url, cells in page.context["rows"]]
    assert names == ["甲乙", "甲甲"]  # scoped (no 乙丙) and ascending by date
    assert client.get(reverse("cadres:vetting_list"), {"sort": "-vetted_on"}).context["rows"][0][1][0][1] == "甲甲"
    # An undeclared sort key is ignored (the default order), never a 500.
    assert client.get(reverse("cadres:vetting_list"), {"sort": "person__id_number_hash"}).status_code == 200
    html = page.content.decode()
    assert 'class="object-list"' in html and 'data-label="' in html


def test_list_filters_and_paginates(client_for, county, users):
    for i in range(3):
        h.member(county["village_a1"], f"成员{i}")
    client = client_for(users["staff_a"])
    page = client.get(reverse("cadres:member_list"), {"q": "成员1"})
    assert [cells[0][1] for _u, cells in page.context["rows"]] == ["成员1"]
    assert client.get(reverse("cadres:member_list"), {"status": "bogus"}).status_code == 200
    assert client.get(reverse("cadres:member_list"), {"page": "999"}).status_code == 200


def test_detail_is_404_outside_the_jurisdiction(client_for, county, users):
    vetting = _vetting(county["village_b1"], "乙丁", date(2024, 4, 1))
    assert client_for(users["staff_a"]).get(reverse("cadres:vetting_detail", args=[vetting.pk])).status_code == 404
    page = client_for(users["staff_b"]).get(reverse("cadres:vetting_detail", args=[vetting.pk]))
    assert page.status_code == 200 and "乙丁" in [value for _label, value in page.context["facts"]]


def test_form_calls_the_service_and_shows_its_errors(client_for, county, users):
    person = h.person(county["village_a1"], "丁")
    client = client_for(users["staff_a"])
    data = {
        "person_id_number": person.id_number_masked,  # not a full number: the form refuses it
        "unit": county["village_a1"].pk,
        "vetted_on": "2024-04-01",
        "result": "passed",
        "post": "secretary",
    }
    assert client.post(reverse("cadres:vetting_create"), data).status_code == 200
    assert not JointVetting.objects.exists()


def test_action_confirms_on_get_then_posts_to_the_service(client_for, county, users):
    member = h.member(county["village_a1"])
    transfer = services.transfer_start(
        member=member, to_unit=county["village_a2"], out_on=date(2024, 9, 1), actor=SYSTEM
    )
    url = reverse("cadres:transfer_action", args=[transfer.pk, "cancel"])
    secretary = client_for(users["secretary_a1"])
    confirm = secretary.get(url)
    assert confirm.status_code == 200 and 'method="post"' in confirm.content.decode()
    assert secretary.post(url).status_code == 302
    assert MemberTransfer.objects.get(pk=transfer.pk).status == "cancelled"
    assert client_for(users["staff_b"]).post(url).status_code == 404  # outside: not found


def test_action_is_403_for_a_visible_record_without_the_permission(client_for, county, users):
    record = h.activist(county["village_a1"], "戊", activist_days_ago=430)
    step = services.development_propose(record=record, effective_on=timezone.localdate(), actor=SYSTEM)
    url = reverse("cadres:development_approve", args=[step.pk])
    assert client_for(users["secretary_a1"]).post(url).status_code == 403  # sees it, may not approve
    assert client_for(users["secretary_a1"]).get(url).status_code == 403
    assert client_for(users["staff_a"]).post(url).status_code == 302
    record.refresh_from_db()
    assert record.stage == "target"


def test_submit_form_calls_the_service_with_the_actor_and_puts_a_refusal_on_the_form(rf, users):
    from django import forms as django_forms
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import ValidationError as Refusal

    from core.views import submit_form

    class NameForm(django_forms.Form):
        name = django_forms.CharField()

    calls = []

    def service(*, actor, unit, name):
        calls.append((actor, unit, name))
        if name == "bad":
            raise Refusal({"name": ["not this one"]})
        return name.upper()

    def post(name):
        request = rf.post("/", {"name": name})
        request.user, request.session = users["staff_a"], {}
        request._messages = FallbackStorage(request)
        form = NameForm(request.POST)
        return submit_form(request, form, service, lambda result: f"saved {result}", unit=7), form, request

    (done, result), _form, request = post("good")
    assert (done, result) == (True, "GOOD") and calls == [(users["staff_a"], 7, "good")]
    assert [str(m) for m in request._messages] == ["saved GOOD"]
    (done, result), form, _request = post("bad")
    assert (done, result) == (False, None) and form.errors["name"] == ["not this one"]
    get = rf.get("/")
    get.user = users["staff_a"]
    assert submit_form(get, NameForm(), service, "x") == (False, None) and len(calls) == 2


def test_submit_form_prepares_the_arguments_names_the_actor_and_takes_a_refusal_of_the_user_on_a_field(rf, users):
    from django import forms as django_forms
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import PermissionDenied

    from core.views import submit_form

    class NameForm(django_forms.Form):
        name = django_forms.CharField()

    def service(*, reviewer, label):
        if label == "NO":
            raise PermissionDenied("不可以")
        return label

    def post(name, **options):
        request = rf.post("/", {"name": name})
        request.user, request.session = users["staff_a"], {}
        request._messages = FallbackStorage(request)
        form = NameForm(request.POST)
        prepare = lambda data: {"label": data["name"].upper()}  # noqa: E731
        return submit_form(request, form, service, "ok", prepare=prepare, actor_arg="reviewer", **options), form

    done, _form = post("yes")
    assert tuple(done) == (True, "YES") and done.status == 200
    refused, form = post("no", refusal_field="name")
    assert tuple(refused) == (False, None) and refused.status == 403 and form.errors["name"] == ["不可以"]
    with pytest.raises(PermissionDenied):
        post("no")


def test_action_refused_by_the_service_for_the_user_is_403_and_for_the_state_a_message(client_for, county, users):
    record = h.activist(county["village_a1"], "己", activist_days_ago=430)
    step = services.development_propose(record=record, effective_on=timezone.localdate(), actor=SYSTEM)
    url = reverse("cadres:development_approve", args=[step.pk])
    staff = client_for(users["staff_a"])
    with mock.patch.object(services, "development_approve", side_effect=PermissionDenied("不可以")):
        assert staff.post(url).status_code == 403
    conflict = Conflict("该步骤已处理。", code="invalid")
    with mock.patch.object(services, "development_approve", side_effect=conflict):
        response = staff.post(url, follow=True)
    assert response.redirect_chain[-1][1] == 302 and "该步骤已处理。" in response.content.decode()
