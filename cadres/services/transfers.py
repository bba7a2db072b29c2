"""Organization-relationship transfers between branches (any county): out, arrival, reception, cancel."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from core.services import save_new, transition

from ..errors import ErrorCode
from ..models import (
    MemberTransfer,
    PartyMember,
    TransferStatus,
)
from .base import _changed, _require_write


@transaction.atomic
def transfer_start(*, member: PartyMember, to_unit, out_on: date, actor, reason: str = "") -> MemberTransfer:
    """The sending branch transfers a member's organization relationship out to `to_unit` (any county)."""
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_write(actor, PartyMember, member.unit)  # the sending side; the receiving side may lie anywhere
    if to_unit.pk == member.unit_id:
        raise Invalid(_("The member already belongs to this unit."), code=ErrorCode.SAME_UNIT, field="to_unit")
    if MemberTransfer.objects.filter(member=member, status__in=[TransferStatus.OUT, TransferStatus.IN]).exists():
        raise Conflict(
            _("This member already has a transfer in progress."), code=ErrorCode.TRANSFER_IN_PROGRESS, field="member"
        )
    transfer = MemberTransfer(
        member=member,
        from_unit=member.unit,
        to_unit=to_unit,
        out_on=out_on,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    save_new(transfer, actor=actor, audit_action="transfer.out", unit=member.unit)
    return transfer


def _receiving_side(actor):
    def guard(transfer):
        message = _("Only the receiving organization may record this step.")
        _require_write(actor, MemberTransfer, transfer.to_unit, message)

    return guard


def _not_before(day: date, earlier: str, message, field: str):
    """The step's date comes no earlier than the transfer's `earlier` date."""

    def check(transfer):
        if day < getattr(transfer, earlier):
            raise Invalid(message, code=ErrorCode.DATE_ORDER, field=field)

    return check


@transaction.atomic
def transfer_arrive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side records that the member has reported with the introduction letter."""
    transfer, _diff = transition(
        transfer,
        actor=actor,
        allowed_from=(TransferStatus.OUT,),
        to=TransferStatus.IN,
        changes={"in_on": on},
        guard=_receiving_side(actor),
        check=_not_before(on, "out_on", _("The member cannot arrive before being transferred out."), "in_on"),
        unit=lambda transfer: transfer.to_unit,
        audit_action="transfer.in",
        error_code=ErrorCode.TRANSFER_NOT_SENT,
        message=_("Only a transfer that has been sent out can arrive."),
    )
    return transfer


@transaction.atomic
def transfer_receive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side accepts the member: from now on the member belongs to the receiving unit."""
    transfer, _diff = transition(
        transfer,
        actor=actor,
        allowed_from=(TransferStatus.IN,),
        to=TransferStatus.RECEIVED,
        changes={"received_on": on},
        guard=_receiving_side(actor),
        check=_not_before(on, "in_on", _("The member cannot be received before arriving."), "received_on"),
        unit=lambda transfer: transfer.to_unit,
        audit_action="transfer.received",
        error_code=ErrorCode.TRANSFER_NOT_ARRIVED,
        message=_("Record the member's arrival before receiving them."),
    )
    PartyMember.objects.filter(pk=transfer.member_id).update(
        unit=transfer.to_unit,
        unit_path=transfer.to_unit.path,
        updated_at=timezone.now(),
        is_floating=False,
        floating_location="",
        floating_managing_unit=None,
        floating_path="",
    )
    _changed([transfer.from_unit_id, transfer.to_unit_id], on)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: MemberTransfer, actor) -> MemberTransfer:
    """The sending side withdraws a transfer the receiving side has not yet seen arrive."""
    message = _("Only the sending organization may cancel the transfer.")
    transfer, _diff = transition(
        transfer,
        actor=actor,
        allowed_from=(TransferStatus.OUT,),
        to=TransferStatus.CANCELLED,
        guard=lambda transfer: _require_write(actor, MemberTransfer, transfer.from_unit, message),
        unit=lambda transfer: transfer.from_unit,
        audit_action="transfer.cancel",
        error_code=ErrorCode.TRANSFER_ARRIVED,
        message=_("Only a transfer not yet arrived can be cancelled."),
    )
    return transfer
