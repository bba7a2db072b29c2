"""Organization-relationship transfers between branches (any county): out, arrival, reception, cancel."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import Conflict, Invalid

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
    transfer.full_clean()
    transfer.save()
    audit.record(actor=actor, action="transfer.out", obj=transfer, unit=member.unit)
    return transfer


def _receiving_side(transfer, actor):
    _require_write(actor, MemberTransfer, transfer.to_unit, _("Only the receiving organization may record this step."))


@transaction.atomic
def transfer_arrive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side records that the member has reported with the introduction letter."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _receiving_side(transfer, actor)
    if transfer.status != TransferStatus.OUT:
        raise Conflict(
            _("Only a transfer that has been sent out can arrive."), code=ErrorCode.TRANSFER_NOT_SENT, field="status"
        )
    if on < transfer.out_on:
        raise Invalid(
            _("The member cannot arrive before being transferred out."), code=ErrorCode.DATE_ORDER, field="in_on"
        )
    transfer.status, transfer.in_on = TransferStatus.IN, on
    transfer.save(update_fields=["status", "in_on"])
    audit.record(actor=actor, action="transfer.in", obj=transfer, unit=transfer.to_unit)
    return transfer


@transaction.atomic
def transfer_receive(*, transfer: MemberTransfer, on: date, actor) -> MemberTransfer:
    """The receiving side accepts the member: from now on the member belongs to the receiving unit."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _receiving_side(transfer, actor)
    if transfer.status != TransferStatus.IN:
        raise Conflict(
            _("Record the member's arrival before receiving them."), code=ErrorCode.TRANSFER_NOT_ARRIVED, field="status"
        )
    if on < transfer.in_on:
        raise Invalid(
            _("The member cannot be received before arriving."), code=ErrorCode.DATE_ORDER, field="received_on"
        )
    transfer.status, transfer.received_on = TransferStatus.RECEIVED, on
    transfer.save(update_fields=["status", "received_on"])
    PartyMember.objects.filter(pk=transfer.member_id).update(
        unit=transfer.to_unit,
        unit_path=transfer.to_unit.path,
        is_floating=False,
        floating_location="",
        floating_managing_unit=None,
        floating_path="",
    )
    audit.record(actor=actor, action="transfer.received", obj=transfer, unit=transfer.to_unit)
    _changed([transfer.from_unit_id, transfer.to_unit_id], on)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: MemberTransfer, actor) -> MemberTransfer:
    """The sending side withdraws a transfer the receiving side has not yet seen arrive."""
    transfer = MemberTransfer.objects.select_for_update().get(pk=transfer.pk)
    _require_write(
        actor, MemberTransfer, transfer.from_unit, _("Only the sending organization may cancel the transfer.")
    )
    if transfer.status != TransferStatus.OUT:
        raise Conflict(
            _("Only a transfer not yet arrived can be cancelled."), code=ErrorCode.TRANSFER_ARRIVED, field="status"
        )
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    audit.record(actor=actor, action="transfer.cancel", obj=transfer, unit=transfer.from_unit)
    return transfer
