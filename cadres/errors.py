"""Error codes of the cadres app: people, party members, development, transfers, cadres and reserves
(core/errors.py explains the contract; docs/api.md lists every code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    # The resident ID number and the mobile number (cadres/validators.py).
    ID_NUMBER_FORMAT = "id_number_format", _("A resident ID number has 17 digits followed by a digit or X.")
    ID_NUMBER_BIRTH_DATE = "id_number_birth_date", _("The birth date inside the ID number is impossible.")
    ID_NUMBER_CHECK_DIGIT = "id_number_check_digit", _("The check digit of the ID number is wrong.")
    ID_NUMBER_MISMATCH = "id_number_mismatch", _("The birth date or gender does not match the ID number.")
    ID_NUMBER_TAKEN = "id_number_taken", _("A person with this ID number is already registered.")
    MOBILE_FORMAT = "mobile_format", _("The mobile number is not an 11-digit mainland number.")
    # Who and where.
    UNKNOWN_PERSON = "unknown_person", _("No such person in your jurisdiction.")
    UNKNOWN_MEMBER = "unknown_member", _("No such member in your jurisdiction.")
    UNKNOWN_POST = "unknown_post", _("No such post in your jurisdiction.")
    WRONG_UNIT_KIND = "wrong_unit_kind", _("The unit chosen is not of the kind needed here.")
    SAME_UNIT = "same_unit", _("The member already belongs to this unit.")
    # Dates and reasons.
    FUTURE_DATE = "future_date", _("The date cannot be in the future.")
    DATE_ORDER = "date_order", _("A date lies before the date it must follow.")
    WAITING_TIME = "waiting_time", _("The waiting time the rules require has not passed by this date.")
    EXTENSION_RANGE = "extension_range", _("Probation may be extended by at most one year.")
    REASON_REQUIRED = "reason_required", _("Give the reason.")
    ONE_SHOULDER_SECRETARY_ONLY = "one_shoulder_secretary_only", _("Only the secretary can also chair the committee.")
    NOT_A_SITTING_SECRETARY = "not_a_sitting_secretary", _("Elevated management applies to sitting secretaries only.")
    # The record's state (409).
    ALREADY_A_MEMBER = "already_a_member", _("The person is already a party member.")
    DEVELOPMENT_EXISTS = "development_exists", _("The person already has a development record.")
    DEVELOPMENT_CLOSED = "development_closed", _("The development record is closed.")
    STEP_NOT_ALLOWED = "step_not_allowed", _("The record's stage does not allow this step.")
    STEP_PENDING = "step_pending", _("A step of the record is already awaiting approval.")
    STEP_DECIDED = "step_decided", _("The step has already been decided.")
    NO_PENDING_STEP = "no_pending_step", _("No step of the record is awaiting approval.")
    TRANSFER_IN_PROGRESS = "transfer_in_progress", _("The member already has a transfer in progress.")
    TRANSFER_NOT_SENT = "transfer_not_sent", _("Only a transfer that has been sent out can arrive.")
    TRANSFER_NOT_ARRIVED = "transfer_not_arrived", _("The member's arrival has not been recorded.")
    TRANSFER_ARRIVED = "transfer_arrived", _("The transfer has arrived and can no longer be cancelled.")
    SECRETARY_SEATED = "secretary_seated", _("The unit already has a sitting secretary.")
    POST_ENDED = "post_ended", _("The post has already ended.")
    ALREADY_ELEVATED = "already_elevated", _("The secretary is already under elevated management.")
    VETTING_NOT_PASSED = "vetting_not_passed", _("Only a candidate who passed the vetting can be filed.")
    RESERVE_EXISTS = "reserve_exists", _("The person is already in the reserve pipeline for this post.")
    RESERVE_CLOSED = "reserve_closed", _("The reserve cadre's pipeline is closed.")


# "Not allowed in this state" (409): the request is well-formed, the record as it stands refuses it.
CONFLICTS = frozenset(
    {
        ErrorCode.ALREADY_A_MEMBER,
        ErrorCode.DEVELOPMENT_EXISTS,
        ErrorCode.DEVELOPMENT_CLOSED,
        ErrorCode.STEP_NOT_ALLOWED,
        ErrorCode.STEP_PENDING,
        ErrorCode.STEP_DECIDED,
        ErrorCode.NO_PENDING_STEP,
        ErrorCode.TRANSFER_IN_PROGRESS,
        ErrorCode.TRANSFER_NOT_SENT,
        ErrorCode.TRANSFER_NOT_ARRIVED,
        ErrorCode.TRANSFER_ARRIVED,
        ErrorCode.SECRETARY_SEATED,
        ErrorCode.POST_ENDED,
        ErrorCode.ALREADY_ELEVATED,
        ErrorCode.VETTING_NOT_PASSED,
        ErrorCode.RESERVE_EXISTS,
        ErrorCode.RESERVE_CLOSED,
    }
)
