"""The three lists (三张清单) as forms: township or county staff set, per unit, which of a form's fields the unit
reports (a community's duties list); `report_open` then creates answers for those fields only. A unit without a
list reports every field."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, require_at
from core import audit
from core.errors import Invalid

from ..errors import ErrorCode
from ..models import FormField, ReportForm, UnitItemList

DENIED = _("Only township or county staff may set a unit's item list.")


def _fills(form: ReportForm, unit) -> None:
    if not unit.path.startswith(form.unit.path) or (form.filled_by and unit.kind not in form.filled_by):
        raise Invalid(_("This unit does not fill this form."), code=ErrorCode.UNIT_NOT_FILLING, field="unit")


def form_codes(form: ReportForm) -> list[str]:
    """The field codes of the form's current published version, in the form's order."""
    version = form.current_version()
    return list(FormField.objects.filter(version=version).values_list("code", flat=True)) if version else []


@transaction.atomic
def unit_items_set(*, form: ReportForm, unit, codes, actor) -> UnitItemList:
    """The unit reports only the fields `codes` of `form` from its next report on (reports already opened keep
    their answers)."""
    require_at(actor, CHANGE, UnitItemList, unit, DENIED)
    _fills(form, unit)
    known = form_codes(form)
    chosen = {str(code) for code in codes or ()}
    if not chosen:
        raise Invalid(_("Choose at least one item."), code=ErrorCode.NO_ITEMS, field="codes")
    if chosen - set(known):
        raise Invalid(_("The form has no field with this code."), code=ErrorCode.NO_SUCH_FIELD, field="codes")
    ordered = [code for code in known if code in chosen]
    items = UnitItemList.objects.select_for_update().filter(form=form, unit=unit).first()
    before = items.codes if items else None
    if items is None:
        items = UnitItemList(form=form, unit=unit)
    items.codes = ordered
    items.full_clean()
    items.save()
    if before != ordered:
        audit.record(actor=actor, action="unit_items.set", obj=items, unit=unit, changes={"codes": [before, ordered]})
    return items


@transaction.atomic
def unit_items_clear(*, form: ReportForm, unit, actor) -> None:
    """The unit reports every field of the form again."""
    require_at(actor, CHANGE, UnitItemList, unit, DENIED)
    items = UnitItemList.objects.select_for_update().filter(form=form, unit=unit).first()
    if items is not None:
        changes = {"codes": [items.codes, None]}
        audit.record(actor=actor, action="unit_items.clear", obj=items, unit=unit, changes=changes)
        items.delete()


def unit_codes(form: ReportForm, unit) -> set[str] | None:
    """The codes the unit reports on `form`, or None for every field."""
    codes = UnitItemList.objects.filter(form=form, unit=unit).values_list("codes", flat=True).first()
    return set(codes) if codes is not None else None
