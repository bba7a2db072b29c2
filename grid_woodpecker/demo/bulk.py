"""Bulk builders of the demo county: thousands of woodpeckers and a first year of finished clues at once.

They are demo-only (no import flow calls them; the sheet imports go through the one-by-one services), but they
keep every rule a real write keeps: the permission path (`require_at`), the person records encrypted as
`person_create` does, ledger entries with idempotency keys under the account row lock, an audit row and the
announcement of the changed figures.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, require_at
from cadres.models import Person
from cadres.validators import parse_resident_id
from core import audit, events

from ..models import (
    Clue,
    ClueEvent,
    ClueSource,
    ClueStatus,
    EntryKind,
    HandlerKind,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Rating,
    Woodpecker,
    WoodpeckerStatus,
)
from ..services.common import SOURCE, by_user, lineage_ids, units_of
from ..services.points import DEFAULT_POINTS_PER_CLUE


def _people(rows: list[dict]) -> list[Person]:
    people = []
    for row in rows:
        number, birth, gender = parse_resident_id(row["id_number"])
        person = Person(name=row["name"], gender=gender, birth_date=birth, unit=row["grid"])
        person.set_id_number(number)
        if row.get("mobile"):
            person.set_mobile(row["mobile"])
        people.append(person)
    return people


def woodpeckers_bulk_create(*, rows: list[dict], actor) -> int:
    """Register many active woodpeckers at once: rows of name, id_number, mobile, grid, group (and is_lead,
    lead_duties). Person records are encrypted exactly as person_create does; no logins are created."""
    grids = {row["grid"].pk: row["grid"] for row in rows}
    require_at(actor, CHANGE, Woodpecker, list(grids.values()))
    now = timezone.now()
    people = _people(rows)
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        peckers = [
            Woodpecker(
                person=person,
                grid=row["grid"],
                group=row["group"],
                status=WoodpeckerStatus.ACTIVE,
                confirmed_at=now,
                is_lead=row.get("is_lead", False),
                lead_duties=row.get("lead_duties", ""),
            )
            for person, row in zip(people, rows, strict=True)
        ]
        Woodpecker.objects.bulk_create(peckers, batch_size=1000)
        PointsAccount.objects.bulk_create([PointsAccount(woodpecker=w) for w in peckers], batch_size=1000)
        if peckers:
            audit.record(
                actor=actor,
                action="woodpecker.bulk_create",
                obj=peckers[0],
                unit=peckers[0].grid,
                changes={"count": len(peckers), "grids": len(grids)},
            )
        events.records_changed(source=SOURCE, unit_ids=[u for g in grids.values() for u in units_of(g)])
    return len(peckers)


def _history_clue(row: dict, by) -> tuple[Clue, list[tuple]]:
    """One finished clue of the earlier platform and the steps of its history (from, to, when)."""
    reporter, category, start = row["reporter"], row["category"], row["submitted_at"]
    if not (reporter.user_id or by):
        raise ValidationError({"reporter": [_("An imported clue needs a reporter with a login.")]})
    accepted = start + timedelta(hours=6)
    resolved = accepted + timedelta(days=max(1, category.deadline_days - 1))
    closed = row["outcome"] == ClueStatus.CLOSED
    clue = Clue(
        grid=reporter.grid,
        category=category,
        description=row["description"],
        source=ClueSource.WOODPECKER,
        reporter=reporter,
        submitted_by_id=reporter.user_id or by.pk,
        status=row["outcome"],
        reject_reason=row.get("reject_reason", ""),
        handler_kind=HandlerKind.COMMUNITY if closed else "",
        accepted_at=accepted if closed else None,
        deadline=accepted + timedelta(days=category.deadline_days) if closed else None,
        resolution=row.get("resolution", "") if closed else "",
        rating=Rating.SATISFIED if closed else "",
        resolved_at=resolved if closed else None,
        rated_at=resolved + timedelta(days=1) if closed else None,
        closed_at=resolved + timedelta(days=1) if closed else None,
        submitted_at=start,
        latitude=row.get("latitude"),
        longitude=row.get("longitude"),
    )
    clue.full_clean(
        exclude=["grid", "category", "reporter", "submitted_by", "public_id"],
        validate_unique=False,
        validate_constraints=False,
    )
    steps = [("", ClueStatus.SUBMITTED, start)]
    if closed:
        steps += [
            (ClueStatus.SUBMITTED, ClueStatus.ACCEPTED, accepted),
            (ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS, accepted),
            (ClueStatus.IN_PROGRESS, ClueStatus.RESOLVED, resolved),
            (ClueStatus.RESOLVED, ClueStatus.CLOSED, resolved + timedelta(days=1)),
        ]
    else:
        steps.append((ClueStatus.SUBMITTED, ClueStatus.REJECTED, start + timedelta(hours=6)))
    return clue, steps


def _history_points(clues: list[Clue], by) -> list[PointsEntry]:
    """Ledger entries for the accepted clues under the policy in force on their day, account by account under
    the row lock (the balances move with them)."""
    by_reporter: dict[int, list[Clue]] = {}
    for clue in clues:
        if clue.status == ClueStatus.CLOSED:
            by_reporter.setdefault(clue.reporter_id, []).append(clue)
    locked = PointsAccount.objects.select_for_update().filter(woodpecker_id__in=list(by_reporter))
    accounts = {a.woodpecker_id: a for a in locked}
    policies: dict[int, list[PointsPolicy]] = {}
    entries = []
    for woodpecker_id, own in by_reporter.items():
        account = accounts.get(woodpecker_id) or PointsAccount.objects.create(woodpecker_id=woodpecker_id)
        for clue in sorted(own, key=lambda c: c.accepted_at):
            if clue.grid_id not in policies:  # every policy above the grid, newest first
                policies[clue.grid_id] = list(
                    PointsPolicy.objects.filter(unit_id__in=lineage_ids(clue.grid)).order_by(
                        "-effective_from", "-unit__depth"
                    )
                )
            entries.append(_history_entry(account, clue, policies[clue.grid_id], by))
        account.save(update_fields=["balance", "updated_at"])
    return entries


def _history_entry(account: PointsAccount, clue: Clue, policies: list[PointsPolicy], by) -> PointsEntry:
    day = timezone.localdate(clue.accepted_at)
    policy = next((p for p in policies if p.effective_from <= day), None)
    points = policy.points_per_clue if policy else DEFAULT_POINTS_PER_CLUE
    account.balance += points
    return PointsEntry(
        account=account,
        kind=EntryKind.EARN,
        points=points,
        balance_after=account.balance,
        idempotency_key=f"earn:clue:{clue.pk}",
        clue=clue,
        policy=policy,
        actor=by,
        reason=_("Accepted clue #%(id)s") % {"id": clue.pk},
        created_at=clue.accepted_at,
        expires_on=day + timedelta(days=policy.expiry_days) if policy and policy.expiry_days else None,
    )


@transaction.atomic
def clues_import_history(*, rows: list[dict], actor) -> int:
    """Load finished clues of an earlier platform in bulk, with their history and points.

    Each row: reporter (Woodpecker), category, description, submitted_at, and outcome "closed" (accepted, handled by
    the community, resolved, rated satisfied) or "rejected" (with reject_reason). Accepted clues earn points under
    the policy in force on their day, through ledger entries with idempotency keys, so the ledger still sums to each
    balance; the account rows are locked while they move.
    """
    require_at(actor, IMPORT, Clue, list({row["reporter"].grid_id: row["reporter"].grid for row in rows}.values()))
    by = by_user(actor)
    built = [_history_clue(row, by) for row in rows]
    clues = [clue for clue, _steps in built]
    Clue.objects.bulk_create(clues, batch_size=500)
    note = _("Imported from the earlier platform")
    history = [
        ClueEvent(clue=clue, from_status=a, to_status=b, note=note, actor=by, created_at=when)
        for clue, steps in built
        for a, b, when in steps
    ]
    ClueEvent.objects.bulk_create(history, batch_size=1000)
    PointsEntry.objects.bulk_create(_history_points(clues, by), batch_size=1000)
    if clues:
        audit.record(
            actor=actor, action="clue.import_history", obj=clues[0], unit=clues[0].grid, changes={"count": len(clues)}
        )
        grids = {c.grid_id: c.grid for c in clues}
        unit_ids = [u for g in grids.values() for u in units_of(g)]
        for year in {c.submitted_at.year for c in clues} | {timezone.now().year}:
            events.records_changed(source=SOURCE, unit_ids=unit_ids, year=year)
    return len(clues)
