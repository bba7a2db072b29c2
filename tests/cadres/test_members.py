"""Party members: floating members seen from both counties, transfers between units, masking and the reveal log."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM
from accounts.roles import Role
from cadres import services
from cadres.models import MemberTransfer, PartyMember, PersonalDataReveal, TransferStatus
from organizations.models import UnitKind
from tests import factories
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_county(county):
    """A second county (Huarong, say) with one township and one village, and its township staff."""
    city = factories.unit("华容县", UnitKind.CITY, None, code="HUARONG01")
    township = factories.unit("华容镇", UnitKind.TOWNSHIP, city, code="HUARONGT1")
    village = factories.unit("华容村", UnitKind.VILLAGE, township, code="HUARONGV1")
    staff = factories.user_with_role("huarong_staff", Role.TOWNSHIP_STAFF, township, staff=True)
    return {"city": city, "township": township, "village": village, "staff": staff}


def test_floating_member_is_seen_from_both_counties_with_masked_data_only(
    county, users, other_county, api_for, client_for
):
    floating = h.member(
        county["village_a1"],
        "流动党员甲",
        is_floating=True,
        floating_location="华容县华容镇",
        floating_managing_unit=other_county["village"],
    )
    at_home = h.member(county["village_a1"], "在家党员乙")
    number = services.person_reveal(person=floating.person, field="id_number", actor=users["staff_a"])

    # The managing county sees the floating member (and only them), masked.
    api = api_for(other_county["staff"])
    rows = api.get("/api/v1/cadres/members/").json()["results"]
    assert [row["id"] for row in rows] == [floating.pk]
    assert rows[0]["person"]["id_number_masked"] == floating.person.id_number_masked
    assert number not in str(rows)
    page = client_for(other_county["staff"]).get(reverse("cadres:member_list")).content.decode()
    assert "流动党员甲" in page and "在家党员乙" not in page
    assert api.get(f"/api/v1/cadres/members/{at_home.pk}/").status_code == 404
    # ...but may neither reveal the full ID number nor change the member: that is the home branch's business.
    assert api.post(f"/api/v1/cadres/people/{floating.person_id}/reveal/", {"field": "id_number"}).status_code == 404
    assert api.patch(f"/api/v1/cadres/members/{floating.pk}/", {"without_post": True}, format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        services.member_update(member=floating, actor=other_county["staff"], without_post=True)

    # The home county sees both.
    home = {row["id"] for row in api_for(users["staff_a"]).get("/api/v1/cadres/members/").json()["results"]}
    assert home == {floating.pk, at_home.pk}
    # A county in neither role sees nothing.
    assert api_for(users["staff_b"]).get("/api/v1/cadres/members/").json()["count"] == 0


def test_member_facts_are_checked(county):
    person = h.person(county["village_a1"])
    with pytest.raises(ValidationError) as info:
        services.member_create(
            person=person,
            unit=county["village_a1"],
            status="full",
            joined_on=date(2020, 1, 1),
            actor=SYSTEM,
            is_in_service=True,
            is_household=True,
            is_floating=True,
        )
    assert {"report_community", "household_building", "floating_location"} <= set(info.value.message_dict)
    member = services.member_create(
        person=person,
        unit=county["village_a1"],
        status="full",
        joined_on=date(2020, 1, 1),
        actor=SYSTEM,
        is_in_service=True,
        report_community=county["community_a"],
        is_household=True,
        household_building=county["building_ac"],
    )
    assert member.report_community == county["community_a"]
    with pytest.raises(ValidationError):
        services.member_create(
            person=person, unit=county["village_a1"], status="full", joined_on=date(2020, 1, 1), actor=SYSTEM
        )


def test_transfer_out_in_received_each_side_doing_its_part(county, users, client_for):
    member = h.member(county["village_a1"], "转出党员")
    transfer = services.transfer_start(
        member=member, to_unit=county["village_b1"], out_on=h.days_ago(5), actor=users["secretary_a1"]
    )
    # The receiving township sees the transfer, not the member's record in the sending branch.
    client = client_for(users["staff_b"])
    assert client.get(reverse("cadres:transfer_detail", args=[transfer.pk])).status_code == 200
    assert client.get(reverse("cadres:member_detail", args=[member.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.transfer_arrive(transfer=transfer, on=h.days_ago(3), actor=users["staff_a"])
    with pytest.raises(ValidationError):
        services.transfer_receive(transfer=transfer, on=h.days_ago(3), actor=users["staff_b"])
    services.transfer_arrive(transfer=transfer, on=h.days_ago(3), actor=users["staff_b"])
    with pytest.raises(ValidationError):
        services.transfer_cancel(transfer=transfer, actor=users["staff_a"])
    services.transfer_receive(transfer=transfer, on=h.days_ago(2), actor=users["staff_b"])
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED and member.unit == county["village_b1"]
    # The sending side still sees the transfer (its history), no longer the member.
    assert MemberTransfer.objects.restrict(users["staff_a"]).filter(pk=transfer.pk).exists()
    assert not PartyMember.objects.restrict(users["staff_a"]).filter(pk=member.pk).exists()


def test_second_open_transfer_refused_and_cancel_by_sender(county, users):
    member = h.member(county["village_a1"])
    transfer = services.transfer_start(member=member, to_unit=county["village_b1"], out_on=h.days_ago(5), actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.transfer_start(member=member, to_unit=county["village_a2"], out_on=h.days_ago(5), actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        services.transfer_cancel(transfer=transfer, actor=users["staff_b"])
    assert services.transfer_cancel(transfer=transfer, actor=users["staff_a"]).status == TransferStatus.CANCELLED


def test_person_page_shows_masked_values_and_logs_each_reveal(county, users, client_for):
    number = h.make_id()
    person = services.person_create(
        name="钱七", id_number=number, mobile="13712345678", unit=county["village_a1"], actor=SYSTEM
    )
    client = client_for(users["secretary_a1"])
    page = client.get(reverse("cadres:person_detail", args=[person.pk])).content.decode()
    assert person.id_number_masked in page and number not in page and "137****5678" in page
    response = client.post(reverse("cadres:person_reveal", args=[person.pk, "id_number"]), follow=True)
    assert number in response.content.decode()
    # Shown once: reloading the page masks it again.
    assert number not in client.get(reverse("cadres:person_detail", args=[person.pk])).content.decode()
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.person, reveal.field, reveal.actor) == (person, "id_number", users["secretary_a1"])
    # Someone outside the jurisdiction: 404, and no log row.
    assert (
        client_for(users["staff_b"]).post(reverse("cadres:person_reveal", args=[person.pk, "id_number"])).status_code
        == 404
    )
    assert PersonalDataReveal.objects.count() == 1


def test_search_by_full_id_number_uses_the_keyed_hash(county, users, client_for, api_for):
    number = h.make_id()
    person = services.person_create(name="孙八", id_number=number, unit=county["village_a1"], actor=SYSTEM)
    h.person(county["village_a1"], "孙九")
    page = client_for(users["staff_a"]).get(reverse("cadres:person_list"), {"q": number.lower()}).content.decode()
    assert "孙八" in page and "孙九" not in page
    rows = api_for(users["staff_a"]).get("/api/v1/cadres/people/", {"q": number}).json()["results"]
    assert [row["id"] for row in rows] == [person.pk] and "id_number" not in rows[0]
    assert api_for(users["staff_b"]).get("/api/v1/cadres/people/", {"q": number}).json()["count"] == 0


def test_api_reveal_is_logged_and_refused_to_roles_that_do_not_need_it(county, users, api_for):
    number = h.make_id()
    person = services.person_create(name="周十", id_number=number, unit=county["grid_ac"], actor=SYSTEM)
    body = api_for(users["staff_a"]).post(f"/api/v1/cadres/people/{person.pk}/reveal/", {"field": "id_number"})
    assert body.json() == {"field": "id_number", "value": number}
    grid_worker = factories.user_with_role("grid_worker_ac", Role.GRID_WORKER, county["grid_ac"])
    refused = api_for(grid_worker).post(f"/api/v1/cadres/people/{person.pk}/reveal/", {"field": "id_number"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    # A woodpecker of the grid no longer sees the person record at all (issue 9): not found, not refused.
    hidden = api_for(users["woodpecker_ac"]).post(f"/api/v1/cadres/people/{person.pk}/reveal/", {"field": "id_number"})
    assert hidden.status_code == 404
    assert PersonalDataReveal.objects.filter(person=person).count() == 1


def test_political_birthdays_listed_by_branch_for_the_month(county, users, client_for):
    h.member(county["village_a1"], "七月党员")
    services.member_create(
        person=h.person(county["village_a2"], "三月党员"),
        unit=county["village_a2"],
        status="full",
        joined_on=date(2001, 3, 9),
        actor=SYSTEM,
    )
    page = client_for(users["staff_a"]).get(reverse("cadres:birthdays"), {"month": 7}).content.decode()
    assert "七月党员" in page and "三月党员" not in page and "甲一村" in page


def test_api_create_member_with_bad_id_gives_chinese_field_error(county, users, api_for):
    body = {
        "name": "吴一",
        "id_number": "420000199001011234",
        "unit_code": county["village_a1"].code,
        "status": "full",
        "joined_on": "2020-07-01",
    }
    response = api_for(users["secretary_a1"]).post("/api/v1/cadres/members/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == ["身份证号码校验位错误，请核对。"]
    assert not PartyMember.objects.exists()


def test_person_corrections_keep_the_id_number_and_are_audited(county, users, client_for, api_for):
    from core.models import AuditEntry

    person = h.person(county["village_a1"], "错名字", mobile="13700000000")
    client = client_for(users["secretary_a1"])
    response = client.post(
        reverse("cadres:person_edit", args=[person.pk]),
        {"name": "对名字", "mobile": "13811112222", "education": "bachelor"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.mobile_masked, person.education) == ("对名字", "138****2222", "bachelor")
    assert AuditEntry.objects.filter(action="person.update", object_id=str(person.pk)).exists()
    bad = api_for(users["staff_a"]).patch(f"/api/v1/cadres/people/{person.pk}/", {"mobile": "12345"}, format="json")
    assert bad.status_code == 400 and "mobile" in bad.json()["errors"]
    assert client_for(users["staff_b"]).get(reverse("cadres:person_edit", args=[person.pk])).status_code == 404
