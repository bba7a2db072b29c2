"""The one update helper every update service uses (lock, refuse unknown fields, set, full_clean, save, audit)."""

import logging
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit

logger = logging.getLogger(__name__)

UNKNOWN_FIELD = "unknown_field"
_DEFAULT = object()


def update_fields(
    instance: models.Model,
    *,
    actor,
    fields: dict,
    allowed: Iterable[str],
    audit_action: str,
    unit=_DEFAULT,
    check: Callable[[models.Model], dict | None] | None = None,
    audit_fields: Iterable[str] | None = None,
) -> tuple[models.Model, dict]:
    """Change `fields` of `instance` and return (the saved row, the diff written to the audit row).

    1. a name outside `allowed` is refused with a ValidationError of code `unknown_field` (the only exception
       type for it; nothing is written);
    2. the row is locked (`select_for_update`) and read again, so two editors never overwrite each other;
    3. `check(locked)` — the service's permission and domain rules, run on the locked row after the new values
       are set — may raise (PermissionDenied, ValidationError) or return {field: [messages]} to refuse;
    4. `full_clean()`, `save()`, and an audit row `audit_action` with `core.audit.diff` of the allowed fields,
       at `unit` (default: the row's own `unit`); `audit_fields` narrows the diff (never ciphertexts or
       hashes of personal data: name the masked copy instead).
    """
    allowed = tuple(allowed)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        # A caller passing a field it may not set is a programming error or a crafted request: worth a line.
        logger.warning("update_fields: %s refused %s", instance._meta.label, unknown)
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s."),
            code=UNKNOWN_FIELD,
            params={"fields": ", ".join(unknown)},
        )
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        before = {name: getattr(locked, name) for name in allowed}
        for name, value in fields.items():
            setattr(locked, name, value)
        errors = check(locked) if check is not None else None
        if errors:
            raise ValidationError(errors)
        locked.full_clean()
        locked.save()
        changes = audit.diff(locked, before, allowed if audit_fields is None else tuple(audit_fields))
        audit.record(
            actor=actor,
            action=audit_action,
            obj=locked,
            unit=getattr(locked, "unit", None) if unit is _DEFAULT else unit,
            changes=changes,
        )
    return locked, changes
