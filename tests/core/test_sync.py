"""Incremental sync (issue 15, "Consistency"): updated_since on every list, the deletion feed, ETags, stable codes
and declared ordering (core/api/filters.py, pagination.py, concurrency.py, tombstones.py; docs/api.md).

`test_every_list_honours_updated_since` is the standard test every list endpoint plugs into without a line of its
own: it walks the API routers' list routes on the sweep's world (one object of every scoped model in township A)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cadres.models import PartyMember
from core.api.filters import has_sync_field
from core.models import Tombstone
from organizations.models import OrganizationUnit, UnitKind
from tests import factories, query_counts, sweep
from tests.cadres.helpers import member

pytestmark = pytest.mark.django_db

OLD = datetime(2020, 1, 1, tzinfo=UTC)
CUTOFF = "2021-01-01T00:00:00+08:00"
# List routes that take no updated_since, and why: the indicator registry is code, not rows; the feed is itself
# paged by `since`; notifications are the caller's own inbox, not records of the jurisdiction; the reporting forms'
# `updated_at` is left to the reporting branches (a migration of that app here would clash with theirs).
NOT_SYNCED = {"indicator-list", "tombstone-list", "notification-list"}


def _api_list_routes():
    """The API's lists of rows: the routers' `list` routes and the plain list views (the notifications)."""
    found = []
    for route in query_counts.list_routes():
        actions = getattr(route.callback, "actions", None)
        is_list = actions.get("get") == "list" if actions else route.name.endswith("-list")
        if route.kind == "api" and is_list:
            found.append(route)
    return found


def _model(route):
    cls = getattr(route.callback, "cls", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is None and cls is not None and route.name == "public-clue-list":
        from grid_woodpecker.models import Clue

        return Clue
    return getattr(queryset, "model", None)


def _ids(response):
    assert response.status_code == 200, (response.status_code, getattr(response, "data", None))
    return [row["id"] for row in response.data["results"]]


@pytest.fixture
def world(db):
    return sweep.build_world()


def _own_rows_caller(route_name):
    """The caller of a list that shows only the caller's own rows (a service account's webhook subscriptions)."""
    if route_name == "webhook-subscription-list":
        from webhooks.models import Subscription

        subscription = Subscription.objects.first()
        return subscription.account if subscription is not None else None
    return None


def test_every_list_honours_updated_since(world, api_for):
    """Every list route: rows changed before the cutoff are left out, a row changed after it is the only one in."""
    admin = api_for(world.users["admin"])
    checked, empty = [], []
    for route in _api_list_routes():
        model = _model(route)
        if route.name in NOT_SYNCED:
            continue
        owner = _own_rows_caller(route.name)
        api = api_for(owner) if owner is not None else admin
        assert has_sync_field(model), f"{route.name}: its rows have no updated_at (add one, or list it above)"
        url = sweep.build_url(route, {})
        model._base_manager.update(updated_at=OLD)
        listed = _ids(api.get(url))
        if not listed:
            empty.append(route.name)
            continue
        assert _ids(api.get(url, {"updated_since": CUTOFF})) == [], route.name
        changed = listed[-1]
        model._base_manager.filter(pk=changed).update(updated_at=timezone.now())
        answer = api.get(url, {"updated_since": CUTOFF})
        assert _ids(answer) == [changed], route.name
        assert "count" not in answer.data and answer.data["next"] is None, route.name
        checked.append(route.name)
    # The world holds a row for every list (the public clues list only accepted ones, which the world has none of).
    assert set(empty) <= {"public-clue-list"}, empty
    assert {"member-list", "clue-list", "unit-list", "person-list", "income-report-list", "target-list"} <= set(checked)


@pytest.mark.parametrize("value", ["yesterday", "2026-12-01T00:00:00", "2026-13-01T00:00:00+08:00", "", "2026-12-01"])
def test_a_bad_updated_since_is_a_400_with_its_code(county, users, api_for, value):
    answer = api_for(users["staff_a"]).get("/api/v1/cadres/members/", {"updated_since": value})
    assert answer.status_code == 400
    assert answer.data["code"] == "invalid_datetime"
    assert answer.data["codes"] == {"updated_since": ["invalid_datetime"]}


def test_a_sync_walks_rows_sharing_a_timestamp_by_keyset(county, users, api_for):
    made = sorted(member(county["village_a1"]).pk for _ in range(5))
    stamp = timezone.now()
    PartyMember.objects.filter(pk__in=made).update(updated_at=stamp)  # one bulk update: ties everywhere
    api = api_for(users["staff_a"])
    since = (stamp - timedelta(seconds=1)).isoformat()
    page = api.get("/api/v1/cadres/members/", {"updated_since": since, "page_size": 2})
    seen = _ids(page)
    while page.data["next"]:
        page = api.get(page.data["next"])
        seen += _ids(page)
    assert seen == made
    wrong = api.get("/api/v1/cadres/members/", {"updated_since": since, "cursor": "not-a-cursor"})
    assert wrong.status_code == 400 and wrong.data["codes"] == {"cursor": ["invalid_cursor"]}


def test_a_sync_sees_a_change_after_the_cutoff_and_a_member_moved_into_the_subtree(county, users, api_for):
    row = member(county["village_b1"])
    PartyMember.objects.filter(pk=row.pk).update(updated_at=OLD)
    api = api_for(users["staff_a"])
    assert _ids(api.get("/api/v1/cadres/members/", {"updated_since": CUTOFF})) == []
    # A subtree move brings the member into township A: its row counts as changed there.
    from accounts.permissions import SYSTEM
    from organizations.services import unit_move

    unit_move(unit=county["village_b1"], new_parent=county["township_a"], actor=SYSTEM)
    assert _ids(api.get("/api/v1/cadres/members/", {"updated_since": CUTOFF})) == [row.pk]


def test_a_subtree_moved_away_leaves_moved_tombstones_where_it_was(county, users, api_for):
    """A village moving from township B to A: township B's clients are told its records left (reason "moved", at the
    paths they had), A's see them as changed in their lists, and whoever sees both places is told nothing."""
    from accounts.permissions import SYSTEM
    from cadres.models import CadrePost
    from organizations.services import unit_move
    from tests.cadres.helpers import secretary_post

    row = member(county["village_b1"])
    post = secretary_post(county["village_b1"])
    PartyMember.objects.filter(pk=row.pk).update(updated_at=OLD)
    CadrePost.objects.filter(pk=post.pk).update(updated_at=OLD)
    old_path = county["village_b1"].path
    before = (timezone.now() - timedelta(seconds=1)).isoformat()

    unit_move(unit=county["village_b1"], new_parent=county["township_a"], actor=SYSTEM)

    def feed(user):
        answer = api_for(user).get("/api/v1/tombstones/", {"since": before, "page_size": 500})
        assert answer.status_code == 200
        return {(r["model"], r["object_id"], r["reason"]) for r in answer.data["results"]}

    left_b = feed(users["staff_b"])
    assert {
        ("cadres.partymember", str(row.pk), "moved"),
        ("cadres.cadrepost", str(post.pk), "moved"),
        ("organizations.organizationunit", str(county["village_b1"].pk), "moved"),
        ("organizations.organizationunit", str(county["grid_b1"].pk), "moved"),
    } <= left_b
    stone = Tombstone.objects.get(model="cadres.partymember", object_id=str(row.pk))
    assert (stone.unit_path, stone.reason) == (old_path, Tombstone.MOVED)
    assert stone.moved_to_path == PartyMember.objects.get(pk=row.pk).unit_path
    # Township A and the city still have these records in their lists: not gone for them.
    assert feed(users["staff_a"]) == set()
    assert feed(users["city_staff"]) == set()
    assert feed(users["admin"]) == set()
    # Township A gets them as changed, a table scoped through a foreign key (the post) included.
    staff_a = api_for(users["staff_a"])
    assert row.pk in _ids(staff_a.get("/api/v1/cadres/members/", {"updated_since": CUTOFF}))
    assert post.pk in _ids(staff_a.get("/api/v1/cadres/posts/", {"updated_since": CUTOFF}))
    assert _ids(api_for(users["staff_b"]).get("/api/v1/cadres/posts/", {"updated_since": CUTOFF})) == []


def test_a_member_saved_under_another_township_leaves_a_moved_tombstone_at_the_old_place(county, users, api_for):
    """A row of a cached-path table saved under another unit (a transfer's end): the old place hears it left, the
    new place and whoever sees both do not; a save that keeps the unit, or a new row, writes nothing."""
    created = member(county["village_a1"])
    assert not Tombstone.objects.exists()
    row = PartyMember.objects.get(pk=created.pk)
    row.save()  # nothing moved
    assert not Tombstone.objects.exists()
    old_path = row.unit_path
    row.unit = county["village_b1"]
    row.save()
    stone = Tombstone.objects.get()
    assert (stone.model, stone.object_id, stone.reason) == ("cadres.partymember", str(row.pk), Tombstone.MOVED)
    assert (stone.unit_path, stone.moved_to_path) == (old_path, county["village_b1"].path)
    row.save()  # saved again where it now is: nothing more
    assert Tombstone.objects.count() == 1

    def feed(user):
        return [r["object_id"] for r in api_for(user).get("/api/v1/tombstones/").data["results"]]

    assert feed(users["staff_a"]) == [str(row.pk)]
    assert feed(users["staff_b"]) == [] and feed(users["city_staff"]) == []


def test_ordering_on_declared_fields_and_400_otherwise(county, users, api_for):
    made = [member(county["village_a1"]).pk for _ in range(3)]
    api = api_for(users["staff_a"])
    assert _ids(api.get("/api/v1/cadres/members/", {"ordering": "-id"})) == sorted(made, reverse=True)
    assert _ids(api.get("/api/v1/cadres/members/", {"ordering": "updated_at"})) == sorted(made)
    for value in ["person__id_number", "nonsense", ",", "-"]:
        answer = api.get("/api/v1/cadres/members/", {"ordering": value})
        assert answer.status_code == 400, value
        assert answer.data["codes"] == {"ordering": ["invalid_ordering"]}
    # A sync's order is (updated_at, id): another one is refused rather than silently dropped.
    answer = api.get("/api/v1/cadres/members/", {"ordering": "-id", "updated_since": CUTOFF})
    assert answer.status_code == 400 and answer.data["code"] == "invalid_ordering"


def test_deletions_reach_the_feed_only_within_scope(county, users, api_for):
    grid_a = factories.unit("待删网格甲", UnitKind.GRID, county["village_a1"], code="DELA-G01")
    grid_b = factories.unit("待删网格乙", UnitKind.GRID, county["village_b1"], code="DELB-G01")
    before = timezone.now() - timedelta(seconds=1)
    for grid in (grid_a, grid_b):
        answer = api_for(users["city_staff"]).delete(f"/api/v1/organizations/units/{grid.pk}/")
        assert answer.status_code == 204
    assert not OrganizationUnit.objects.filter(pk__in=[grid_a.pk, grid_b.pk]).exists()
    staff_a = api_for(users["staff_a"])
    feed = staff_a.get("/api/v1/tombstones/", {"model": "organizations.organizationunit", "since": before.isoformat()})
    assert feed.status_code == 200
    assert [(row["object_id"], row["code"]) for row in feed.data["results"]] == [(str(grid_a.pk), "DELA-G01")]
    everything = api_for(users["city_staff"]).get("/api/v1/tombstones/", {"since": before.isoformat()})
    assert {row["object_id"] for row in everything.data["results"]} == {str(grid_a.pk), str(grid_b.pk)}
    # Later than the deletions: nothing; another model: nothing.
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert _ids(staff_a.get("/api/v1/tombstones/", {"since": later})) == []
    assert _ids(staff_a.get("/api/v1/tombstones/", {"model": "cadres.partymember"})) == []
    # A tombstone row is as out of reach as the record was.
    row_b = Tombstone.objects.get(object_id=str(grid_b.pk))
    assert staff_a.get(f"/api/v1/tombstones/{row_b.pk}/").status_code == 404


def test_a_deleted_members_tombstone_follows_the_members_view_roles(county, users, api_for):
    record = member(county["village_a1"])
    PartyMember.objects.filter(pk=record.pk).delete()
    row = Tombstone.objects.get(model="cadres.partymember", object_id=str(record.pk))
    assert row.unit_path == county["village_a1"].path
    assert _ids(api_for(users["staff_a"]).get("/api/v1/tombstones/")) == [row.pk]
    assert _ids(api_for(users["staff_b"]).get("/api/v1/tombstones/")) == []


@pytest.mark.parametrize(("model", "since"), [("nope.model", None), (None, "yesterday"), (None, "2026-12-01")])
def test_bad_feed_parameters_are_400(county, users, api_for, model, since):
    params = {key: value for key, value in (("model", model), ("since", since)) if value is not None}
    answer = api_for(users["staff_a"]).get("/api/v1/tombstones/", params)
    assert answer.status_code == 400
    assert set(answer.data["codes"]) == set(params)


def test_an_etag_conflict_is_a_412_and_a_matching_if_match_succeeds(county, users, api_for):
    api = api_for(users["staff_a"])
    url = f"/api/v1/organizations/units/{county['village_a1'].pk}/"
    etag = api.get(url)["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert api.get(url)["ETag"] == etag  # stable while the record is
    OrganizationUnit.objects.filter(pk=county["village_a1"].pk).update(updated_at=timezone.now())  # someone else
    stale = api.patch(url, {"name": "改名一"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.data["code"] == "precondition_failed" and stale.data["detail"]
    assert OrganizationUnit.objects.get(pk=county["village_a1"].pk).name != "改名一"
    fresh = api.get(url)["ETag"]
    assert fresh != etag
    done = api.patch(url, {"name": "改名二"}, format="json", HTTP_IF_MATCH=fresh)
    assert done.status_code == 200 and done.data["name"] == "改名二"
    assert done["ETag"] not in (fresh, etag) and done["ETag"] == api.get(url)["ETag"]
    assert api.patch(url, {"name": "改名三"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api.patch(url, {"name": "改名四"}, format="json").status_code == 200  # without If-Match: as before
    # Out of scope stays a 404 whatever If-Match says.
    other = f"/api/v1/organizations/units/{county['village_b1'].pk}/"
    assert api.patch(other, {"name": "x"}, format="json", HTTP_IF_MATCH='"x"').status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_between_the_check_and_the_write_is_not_overwritten(county, users, api_for):
    """Another writer holds the row when the conditional PATCH arrives, then commits a change: the PATCH's check
    waits for that row and answers 412, rather than passing on the old tag and overwriting the change."""
    import threading
    import time

    from django.db import connection, transaction

    api = api_for(users["staff_a"])
    pk = county["village_a1"].pk
    url = f"/api/v1/organizations/units/{pk}/"
    etag = api.get(url)["ETag"]
    locked = threading.Event()

    def other_writer():
        try:
            with transaction.atomic():
                OrganizationUnit.objects.select_for_update().get(pk=pk)
                locked.set()
                time.sleep(1.5)  # the PATCH arrives meanwhile and must wait for the row
                OrganizationUnit.objects.filter(pk=pk).update(name="别人改的", updated_at=timezone.now())
        finally:
            connection.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert locked.wait(10)
    answer = api.patch(url, {"name": "我改的"}, format="json", HTTP_IF_MATCH=etag)
    writer.join(10)
    assert answer.status_code == 412, answer.data
    assert OrganizationUnit.objects.get(pk=pk).name == "别人改的"


def test_units_and_people_by_their_codes(county, users, api_for):
    api = api_for(users["staff_a"])
    village = county["village_a1"]
    by_id = api.get(f"/api/v1/organizations/units/{village.pk}/")
    assert api.get(f"/api/v1/organizations/units/{village.code}/").data == by_id.data
    assert api.get(f"/api/v1/organizations/units/code:{village.code}/").data == by_id.data
    # A national division code is all digits, like an id: it is written code:<code>.
    division = factories.unit("数字码村", UnitKind.VILLAGE, county["township_a"], code="421081001001")
    assert api.get(f"/api/v1/organizations/units/code:{division.code}/").data["id"] == division.pk
    assert api.get(f"/api/v1/organizations/units/{county['village_b1'].code}/").status_code == 404
    assert api.get("/api/v1/organizations/units/NO-SUCH-CODE/").status_code == 404
    renamed = api.patch(f"/api/v1/organizations/units/{village.code}/", {"name": "按编码改名"}, format="json")
    assert renamed.status_code == 200 and renamed.data["id"] == village.pk
    person = member(village).person
    assert api.get(f"/api/v1/cadres/people/{person.code}/").data["id"] == person.pk
    assert api_for(users["staff_b"]).get(f"/api/v1/cadres/people/{person.code}/").status_code == 404


def test_the_roles_of_the_feed_come_from_the_rule_layer(county, users):
    """A woodpecker sees units' deletions (it may read the tree) but no other person's (it reads only its own
    record); an external system sees both (it reads the people of its subtree, their non-sensitive fields)."""
    from accounts.scoping import restrict

    unit_row = Tombstone.objects.create(
        model="organizations.organizationunit", object_id="1", unit_path=county["grid_ac"].path
    )
    person_row = Tombstone.objects.create(model="cadres.person", object_id="2", unit_path=county["grid_ac"].path)
    assert list(restrict(Tombstone.objects.all(), users["woodpecker_ac"])) == [unit_row]
    assert set(restrict(Tombstone.objects.all(), users["external"])) == {unit_row, person_row}
