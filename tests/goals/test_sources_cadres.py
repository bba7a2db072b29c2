"""The cadres indicators on the small test county, against a hand count (records built by the bulk services).

People: p1..p6 in village A1, q1..q3 in village B1, c1 in community AC.
"""

from datetime import date
from decimal import Decimal

import pytest

from accounts.permissions import SYSTEM
from cadres import services as cadres_services
from cadres.demo import builders as cadres
from goals import services
from goals.models import RollupValue
from tests.cadres.test_person import make_id

pytestmark = pytest.mark.django_db

HAND_COUNTED = {
    "members_developed",
    "activists",
    "training_person_times",
    "training_coverage",
    "reserve_cadres",
    "villages_with_young_reserve",
    "one_shoulder_rate",
    "college_degree_share",
}


@pytest.fixture
def records(county):
    seq = iter(range(100, 999))

    def person(name, unit, born="19800101", education=""):
        return cadres.people_bulk_create(
            rows=[
                {
                    "name": name,
                    "unit": unit,
                    "id_number": make_id(birth=born, seq=str(next(seq))),
                    "education": education,
                }
            ],
            actor=SYSTEM,
        )[0]

    a1, b1, ac = county["village_a1"], county["village_b1"], county["community_a"]
    p = {
        i: person(
            f"p{i}", a1, born="19990101" if i == 1 else "19800101", education="bachelor" if i in (1, 2) else "senior"
        )
        for i in range(1, 7)
    }
    q = {i: person(f"q{i}", b1, education="college" if i == 1 else "junior") for i in range(1, 4)}
    c1 = person("c1", ac, education="postgraduate")
    # Development: p3 admitted in 2024, q1 admitted in 2023; p4 activist since 2023, p5 became a target in 2024
    # (activist in 2023: not an activist at the end of 2024), p6 disqualified in 2024.
    cadres.development_bulk_create(
        rows=[
            dict(
                person=p[3],
                unit=a1,
                stage="probationary",
                applied_on=date(2021, 1, 1),
                activist_on=date(2022, 1, 1),
                target_on=date(2023, 3, 1),
                admitted_on=date(2024, 5, 1),
            ),
            dict(
                person=q[1],
                unit=b1,
                stage="probationary",
                applied_on=date(2020, 1, 1),
                activist_on=date(2021, 1, 1),
                target_on=date(2022, 3, 1),
                admitted_on=date(2023, 5, 1),
            ),
            dict(person=p[4], unit=a1, stage="activist", applied_on=date(2022, 1, 1), activist_on=date(2023, 1, 1)),
            dict(
                person=p[5],
                unit=a1,
                stage="target",
                applied_on=date(2022, 1, 1),
                activist_on=date(2023, 1, 1),
                target_on=date(2024, 2, 1),
            ),
            dict(
                person=p[6],
                unit=a1,
                stage="disqualified",
                applied_on=date(2022, 1, 1),
                activist_on=date(2023, 1, 1),
                disqualified_on=date(2024, 6, 1),
                disqualified_reason="不符合条件",
            ),
        ],
        actor=SYSTEM,
    )
    # Members (joined by 2024): p1, p2 in A1; q2, q3 in B1. Training in 2024: p1 twice, q2 once; p3 once in 2023.
    cadres.members_bulk_create(
        rows=[
            dict(person=p[1], unit=a1, status="full", joined_on=date(2010, 1, 1)),
            dict(person=p[2], unit=a1, status="full", joined_on=date(2012, 1, 1)),
            dict(person=q[2], unit=b1, status="full", joined_on=date(2015, 1, 1)),
            dict(person=q[3], unit=b1, status="full", joined_on=date(2025, 1, 1)),  # joined after 2024
        ],
        actor=SYSTEM,
    )
    s1 = cadres_services.training_create(
        topic="一",
        organizer=county["city"],
        level="city",
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 3, 2),
        actor=SYSTEM,
    )
    s2 = cadres_services.training_create(
        topic="二",
        organizer=county["township_a"],
        level="township",
        starts_on=date(2024, 9, 1),
        ends_on=date(2024, 9, 1),
        actor=SYSTEM,
    )
    s0 = cadres_services.training_create(
        topic="旧",
        organizer=county["city"],
        level="city",
        starts_on=date(2023, 3, 1),
        ends_on=date(2023, 3, 1),
        actor=SYSTEM,
    )
    cadres_services.training_add_attendees(session=s1, people=[p[1], q[2]], actor=SYSTEM)
    cadres_services.training_add_attendees(session=s2, people=[p[1]], actor=SYSTEM)
    cadres_services.training_add_attendees(session=s0, people=[p[3]], actor=SYSTEM)
    # Posts at the end of 2024: A1 secretary p1 (one shoulder), member p2; B1 secretary q1 (not one shoulder),
    # member q2; AC secretary c1 (one shoulder); p6 left A1's committee in 2024 (does not count).
    post = dict(committee="party", term_start_year=2021, term_end_year=2026, started_on=date(2021, 6, 1))
    cadres.posts_bulk_create(
        rows=[
            dict(person=p[1], unit=a1, post="secretary", is_one_shoulder=True, **post),
            dict(person=p[2], unit=a1, post="member", **post),
            dict(person=p[6], unit=a1, post="member", ended_on=date(2024, 6, 1), end_reason="调整", **post),
            dict(person=q[1], unit=b1, post="secretary", is_one_shoulder=False, **post),
            dict(person=q[2], unit=b1, post="member", **post),
            dict(person=c1, unit=ac, post="secretary", is_one_shoulder=True, **post),
        ],
        actor=SYSTEM,
    )
    # Reserves: p1 (born 1999: under 30 in 2024) in reserve for A1; q3 (1980) trained for B1; p2 only nominated.
    reserve = dict(post_for="secretary", nomination="recommended", nominated_on=date(2023, 1, 1))
    cadres.reserves_bulk_create(
        rows=[
            dict(person=p[1], unit=a1, stage="in_reserve", stage_on=date(2023, 6, 1), **reserve),
            dict(person=q[3], unit=b1, stage="trained", stage_on=date(2024, 6, 1), **reserve),
            dict(person=p[2], unit=a1, stage="nominated", stage_on=date(2023, 1, 1), **reserve),
        ],
        actor=SYSTEM,
    )
    services.rollup_year(year=2024)
    return county


def figure(key, unit):
    row = RollupValue.objects.get(indicator=key, unit=unit, year=2024)
    return row.numerator, row.denominator


@pytest.mark.parametrize(
    ("key", "unit", "expected"),
    [
        ("members_developed", "city", (1, None)),
        ("members_developed", "township_b", (0, None)),
        ("activists", "city", (1, None)),
        ("training_person_times", "city", (3, None)),
        ("training_person_times", "village_a1", (2, None)),
        ("training_coverage", "city", (2, 3)),
        ("training_coverage", "township_b", (1, 1)),
        ("reserve_cadres", "city", (2, None)),
        ("villages_with_young_reserve", "city", (1, 3)),
        ("villages_with_young_reserve", "township_a", (1, 2)),
        ("one_shoulder_rate", "city", (2, 3)),
        ("one_shoulder_rate", "township_a", (2, 2)),
        ("college_degree_share", "city", (4, 5)),
        ("college_degree_share", "township_b", (1, 2)),
    ],
)
def test_cadres_indicator_matches_hand_count(records, key, unit, expected):
    numerator, denominator = figure(key, records[unit])
    assert (numerator, denominator) == (
        Decimal(expected[0]),
        None if expected[1] is None else Decimal(expected[1]),
    )
