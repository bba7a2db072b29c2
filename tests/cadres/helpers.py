"""Builders for cadres tests, all through the services."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres import services
from cadres.validators import id_check_digit

_seq = count(100)


def make_id(birth: str = "19900307", region: str = "421081") -> str:
    first17 = f"{region}{birth}{next(_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


def birth_for_age(age: int) -> str:
    today = timezone.localdate()
    return f"{today.year - age}0101"


def person(unit, name=None, *, age=34, mobile="", education=""):
    return services.person_create(
        name=name or f"人员{next(_seq)}",
        id_number=make_id(birth_for_age(age)),
        unit=unit,
        actor=SYSTEM,
        mobile=mobile,
        education=education,
    )


def member(unit, name=None, **facts):
    return services.member_create(
        person=person(unit, name), unit=unit, status="full", joined_on=date(2010, 7, 1), actor=SYSTEM, **facts
    )


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def activist(unit, name=None, *, activist_days_ago=400):
    """A development record whose person became an activist `activist_days_ago` days ago (approved)."""
    record = services.development_start(
        person=person(unit, name), unit=unit, applied_on=days_ago(activist_days_ago + 200), actor=SYSTEM
    )
    step = services.development_propose(record=record, effective_on=days_ago(activist_days_ago), actor=SYSTEM)
    return services.development_approve(step=step, actor=SYSTEM)


def secretary_post(unit, name=None, **kwargs):
    return services.post_create(
        person=person(unit, name),
        unit=unit,
        post="secretary",
        term_start_year=2021,
        started_on=date(2021, 5, 1),
        actor=SYSTEM,
        is_one_shoulder=True,
        **kwargs,
    )
