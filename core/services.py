"""The one update helper every update service uses (lock, refuse unknown fields, set, full_clean, save, audit), and
the one state-transition helper built on it (the same, with the "only from these states, else 409" rule)."""

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .errors import Conflict, ErrorCode, Invalid

logger = logging.getLogger(__name__)

UNKNOWN_FIELD = str(ErrorCode.UNKNOWN_FIELD)
_DEFAULT = object()
M = TypeVar("M", bound=models.Model)

Hook = Callable[[models.Model], object]


def _refuse_unknown(instance: models.Model, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        # A caller passing a field it may not set is a programming error or a crafted request: worth a line.
        logger.warning("update_fields: %s refused %s", instance._meta.label, unknown)
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s."),
            code=UNKNOWN_FIELD,
            params={"fields": ", ".join(unknown)},
        )


def _lock(instance: M, related: Iterable[str]) -> M:
    queryset = type(instance)._default_manager
    related = tuple(related)
    if related:
        # Lock the row itself only: the related rows are read, not locked (and a nullable join cannot be locked).
        return queryset.select_for_update(of=("self",)).select_related(*related).get(pk=instance.pk)
    return queryset.select_for_update().get(pk=instance.pk)


def given(text, message, *, code, field: str) -> str:
    """`text` stripped, or `Invalid(message, code=code, field=field)` when it is blank (the reason a return, a
    drop or an end needs)."""
    text = (text or "").strip()
    if not text:
        raise Invalid(message, code=code, field=field)
    return text


def save_new(instance: M, *, actor, audit_action: str, unit=_DEFAULT, changes: dict | None = None, **clean) -> M:
    """The create path: `full_clean(**clean)`, save, and an audit row `audit_action` at `unit` (by default the
    row's own `unit`) with `changes`. Returns the saved row."""
    instance.full_clean(**clean)
    instance.save()
    if unit is _DEFAULT:
        unit = getattr(instance, "unit", None)
    audit.record(actor=actor, action=audit_action, obj=instance, unit=unit, changes=changes)
    return instance


def update_fields(
    instance: M,
    *,
    actor,
    fields: dict,
    allowed: Iterable[str],
    audit_action: str,
    unit=_DEFAULT,
    guard: Hook | None = None,
    check: Callable[[models.Model], dict | None] | None = None,
    also: dict | None = None,
    audit_fields: Iterable[str] | None = None,
    related: Iterable[str] = (),
    exclude: Iterable[str] = (),
    validate_unique: bool = True,
    save: Hook | None = None,
    only_changed: bool = False,
) -> tuple[M, dict]:
    """Change `fields` of `instance` and return (the saved row, the diff written to the audit row).

    1. a name outside `allowed` is refused with a ValidationError of code `unknown_field` (the only exception
       type for it; nothing is written);
    2. the row is locked (`select_for_update`, with `related` rows read alongside) and read again, so two editors
       never overwrite each other; `guard(locked)` — who may act, whether the record's state allows a change —
       runs on it before any value is set (so a refusal is a 403 or 409 whatever the values);
    3. the values are set, and `also` (what the service sets itself: a status, a "submitted at"; neither refused
       nor in the diff); `check(locked)` — the domain rules on the new values — may raise (PermissionDenied,
       ValidationError) or return {field: [messages]} to refuse;
    4. `full_clean(exclude=exclude, validate_unique=validate_unique)`, then `save(locked)` (default: the model's
       `save()`), and an audit row `audit_action` with `core.audit.diff` of the allowed fields, at `unit` (a unit,
       a function of the locked row, or by default the row's own `unit`); `audit_fields` narrows the diff (never
       ciphertexts or hashes of personal data: name the masked copy instead);
    5. `only_changed`: only the changed fields are saved (a column another writer sets without the lock, such as
       `last_login`, is not written back), and nothing at all — no save, no audit row — when nothing changed.
    """
    allowed = tuple(allowed)
    _refuse_unknown(instance, fields, allowed)
    with transaction.atomic():
        locked = _lock(instance, related)
        if guard is not None:
            guard(locked)
        before = {name: getattr(locked, name) for name in allowed}
        for name, value in {**fields, **(also or {})}.items():
            setattr(locked, name, value)
        errors = check(locked) if check is not None else None
        if errors:
            raise ValidationError(errors)
        locked.full_clean(exclude=list(exclude), validate_unique=validate_unique)
        changed = audit.diff(locked, before, allowed)
        if only_changed and not changed:
            return locked, {}
        if save is not None:
            save(locked)
        else:
            # A partial save still marks the change time, which incremental sync (updated_since) reads.
            touched = [*changed, *(["updated_at"] if hasattr(locked, "updated_at") else [])]
            locked.save(update_fields=touched if only_changed else None)
        audited = set(allowed if audit_fields is None else audit_fields)
        changes = {name: values for name, values in changed.items() if name in audited}
        if unit is _DEFAULT:
            unit = getattr(locked, "unit", None)
        elif callable(unit):
            unit = unit(locked)
        audit.record(actor=actor, action=audit_action, obj=locked, unit=unit, changes=changes)
    return locked, changes


def transition(
    instance: M,
    *,
    actor,
    allowed_from: Iterable,
    to,
    audit_action: str,
    error_code: str,
    message: str,
    field: str = "status",
    error_field: str | None = None,
    changes: dict | None = None,
    also: dict | None = None,
    guard: Hook | None = None,
    check: Hook | None = None,
    related: Iterable[str] = (),
    unit=_DEFAULT,
    only_changed: bool = False,
) -> tuple[M, dict]:
    """Move `instance` from one of the states `allowed_from` to `to` and return (the saved row, the audit diff).

    The same path as `update_fields` (lock, set, full_clean, save, one audit row `audit_action` with the diff of
    `field` and `changes`), with the state rule in one place: on the locked row, `guard(locked)` (who may act) runs
    first, then a state outside `allowed_from` is refused with `Conflict(message, code=error_code)` on
    `error_field` (default `field`), then `check(locked)` (the step's own rules on the row as it stands: a date
    after the previous one, a reason given) may raise. `to` may be a function of the locked row (the next stage).
    `also` is set but not audited (who decided, when).
    """
    allowed_from = tuple(allowed_from)
    fields = {field: to, **(changes or {})}

    def refuse(locked):
        if guard is not None:
            guard(locked)
        state = getattr(locked, field)
        if state not in allowed_from:
            logger.info("%s refused: %s %s is %r", audit_action, instance._meta.label, locked.pk, state)
            raise Conflict(message, code=error_code, field=error_field or field)
        if check is not None:
            check(locked)
        if callable(to):
            fields[field] = to(locked)  # update_fields sets the values after this guard

    return update_fields(
        instance,
        actor=actor,
        fields=fields,
        allowed=tuple(fields),
        audit_action=audit_action,
        unit=unit,
        guard=refuse,
        also=also,
        related=related,
        only_changed=only_changed,
    )
