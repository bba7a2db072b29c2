"""The busy tables cache their unit's path (accounts.scoping, `scope_path_cache`): restrict() filters on that
column's own index, the column follows every save, bulk creation, transfer and subtree move; big lists count by
estimate past a threshold and API clients may page by cursor."""

import pytest
from django.db import connection

from accounts.permissions import SYSTEM
from accounts.roles import Role
from accounts.scoping import restrict
from cadres.models import PartyMember, Person
from core import paginator
from grid_woodpecker.models import Clue
from organizations.services import unit_move
from tests import factories
from tests.cadres.helpers import member, person

pytestmark = pytest.mark.django_db


def test_a_person_carries_its_units_path_and_follows_a_change_of_unit(county):
    someone = person(county["village_a1"])
    assert Person.objects.get(pk=someone.pk).unit_path == county["village_a1"].path
    someone.unit = county["village_b1"]
    someone.save(update_fields=["unit"])
    assert Person.objects.get(pk=someone.pk).unit_path == county["village_b1"].path


def test_bulk_created_rows_carry_their_paths(county):
    template = person(county["village_a1"])
    Person.objects.filter(pk=template.pk).delete()
    template.pk, template.id_number_hash = None, "x" * 64
    template.unit = county["grid_b1"]
    (created,) = Person.objects.bulk_create([template])
    assert Person.objects.get(pk=created.pk).unit_path == county["grid_b1"].path


def test_a_floating_member_caches_both_sides(county):
    floating = member(
        county["village_a1"], is_floating=True, floating_location="武汉", floating_managing_unit=county["village_b1"]
    )
    row = PartyMember.objects.get(pk=floating.pk)
    assert (row.unit_path, row.floating_path) == (county["village_a1"].path, county["village_b1"].path)
    staff_b = factories.user_with_role("staff_b_cache", Role.TOWNSHIP_STAFF, county["township_b"])
    assert list(restrict(PartyMember.objects.all(), staff_b).values_list("pk", flat=True)) == [floating.pk]


def test_restrict_filters_the_busy_tables_on_their_own_column(county, users):
    member(county["village_a1"])
    member(county["village_b1"])
    sql = str(restrict(PartyMember.objects.order_by(), users["staff_a"]).values("pk").query)
    assert '"cadres_partymember"."unit_path"' in sql and "organizations_organizationunit" not in sql
    assert '"grid_woodpecker_clue"."grid_path"' in str(restrict(Clue.objects.order_by(), users["staff_a"]).query)
    seen = restrict(PartyMember.objects.all(), users["staff_a"])
    assert {m.unit_id for m in seen} == {county["village_a1"].pk}


def test_a_subtree_move_rewrites_the_cached_paths(county, users):
    moved = member(county["village_a1"])
    unit_move(unit=county["village_a1"], new_parent=county["township_b"], actor=SYSTEM)
    county["village_a1"].refresh_from_db()
    row = PartyMember.objects.get(pk=moved.pk)
    assert row.unit_path == county["village_a1"].path
    assert Person.objects.get(pk=moved.person_id).unit_path == county["village_a1"].path
    assert not restrict(PartyMember.objects.filter(pk=moved.pk), users["staff_a"]).exists()
    assert restrict(PartyMember.objects.filter(pk=moved.pk), users["staff_b"]).exists()


def test_a_big_list_counts_by_the_planners_estimate(county, monkeypatch):
    for _ in range(4):
        member(county["village_a1"])
    small = paginator.EstimatedCountPaginator(PartyMember.objects.all(), 2)
    assert (small.count, small.estimated) == (4, False)
    monkeypatch.setattr(paginator, "EXACT_LIMIT", 2)
    big = paginator.EstimatedCountPaginator(PartyMember.objects.all(), 2)
    assert big.count >= 3 and big.estimated is (connection.vendor == "postgresql")


def test_api_clients_may_page_by_cursor(county, users, api_for):
    made = [member(county["village_a1"]).pk for _ in range(3)]
    first = api_for(users["staff_a"]).get("/api/v1/cadres/members/", {"cursor": "", "page_size": 2})
    assert first.status_code == 200 and "count" not in first.data
    assert [row["id"] for row in first.data["results"]] == sorted(made, reverse=True)[:2]
    second = api_for(users["staff_a"]).get(first.data["next"])
    assert [row["id"] for row in second.data["results"]] == sorted(made)[:1]
