"""Error codes of the grid woodpecker app: clues, points, redemptions, stations and tasks
(core/errors.py explains the contract; docs/api.md lists every code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    # Filing a clue.
    RATE_LIMITED = "rate_limited", _("Clues are filed too often; the API answers 429 with code throttled.")
    ABUSE_LISTED = "abuse_listed", _("The account may not file clues at present.")
    TOO_MANY_PHOTOS = "too_many_photos", _("Too many photos for one clue.")
    BUILDING_NOT_IN_GRID = "building_not_in_grid", _("The building is not in the grid.")
    CATEGORY_NOT_CONFIGURED = "category_not_configured", _("The category is not configured for the grid's city.")
    DESCRIPTION_TOO_SHORT = "description_too_short", _("The description is too short.")
    COORDINATES_INCOMPLETE = "coordinates_incomplete", _("Give both latitude and longitude, or neither.")
    TASK_NOT_OPEN = "task_not_open", _("The inspection task is not open for this grid today.")
    ATTRIBUTE_REQUIRED = "attribute_required", _("A required question of the category is not answered.")
    ATTRIBUTE_INVALID = "attribute_invalid", _("An answer to a question of the category is not valid.")
    ATTRIBUTE_UNKNOWN = "attribute_unknown", _("The category has no question with this code.")
    # Configuring a category.
    ATTRIBUTES_INVALID = "attributes_invalid", _("The category's questions are not well formed.")
    QUESTION_GONE = "question_gone", _("The category has no such question any more (changed meanwhile).")
    # Clearing a photo for the public.
    PHOTO_NOT_CLEARED = "photo_not_cleared", _("Confirm that the photo shows no face and no personal information.")
    # Handling a clue.
    DEPARTMENT_REQUIRED = "department_required", _("Choose a department (a municipal agency or a township).")
    DEPARTMENT_NOT_SERVING = "department_not_serving", _("The department does not serve this area.")
    DEPARTMENT_OUTSIDE_JURISDICTION = (
        "department_outside_jurisdiction",
        _("The department lies outside your jurisdiction."),
    )
    MERGE_TARGET_INVALID = "merge_target_invalid", _("Choose an earlier clue of the same grid.")
    DEADLINE_PAST = "deadline_past", _("The deadline must lie in the future.")
    NOTE_REQUIRED = "note_required", _("Give a reason or say what was done.")
    FIELD_NOT_EDITABLE = "field_not_editable", _("The field cannot be changed here.")
    ENDS_BEFORE_START = "ends_before_start", _("The period ends before it starts.")
    SERVICE_USER_REQUIRED = "service_user_required", _("The key must belong to an external system's service user.")
    # Points.
    ADJUSTMENT_ZERO = "adjustment_zero", _("The adjustment cannot be zero.")
    ADJUSTMENT_RANGE = "adjustment_range", _("The adjustment is too large.")
    # The counter.
    PICKUP_CODE_WRONG = "pickup_code_wrong", _("No redemption waits at the station under this pickup code.")
    PICKUP_PHONE_WRONG = "pickup_phone_wrong", _("The phone number is not the woodpecker's of the redemption.")
    PICKUP_LOCKED = "pickup_locked", _("Too many wrong pickup codes at the station; try again later.")
    STOCK_NEGATIVE = "stock_negative", _("The stock cannot go below zero.")
    COUNTER_LOOKUP_THROTTLED = "counter_lookup_throttled", _("Too many phone lookups at the counter; try again later.")
    # Signing up and resetting a password by phone.
    PHONE_REGISTERED = "phone_registered", _("The mobile phone number is already registered.")
    SMS_CODE_WRONG = "sms_code_wrong", _("The SMS verification code is wrong, used or expired.")
    SIGNUP_THROTTLED = "signup_throttled", _("Too many sign-up or password-reset requests from this address.")
    # The record's state (409).
    CLUE_TRANSITION_NOT_ALLOWED = "clue_transition_not_allowed", _("The clue's current status does not allow this.")
    CLUE_FINISHED = "clue_finished", _("The clue is finished.")
    MERGE_TARGET_CLOSED = "merge_target_closed", _("A clue cannot be merged into a rejected or merged clue.")
    WOODPECKER_INACTIVE = "woodpecker_inactive", _("The woodpecker's registration is not confirmed or is deactivated.")
    ALREADY_A_WOODPECKER = "already_a_woodpecker", _("The login already belongs to a woodpecker.")
    TASK_ENDED = "task_ended", _("The task has ended.")
    POLICY_EXISTS = "policy_exists", _("A points policy already starts on this date.")
    INSUFFICIENT_POINTS = "insufficient_points", _("The points balance is too low.")
    GOODS_WITHDRAWN = "goods_withdrawn", _("The goods are not offered any more.")
    OUT_OF_STOCK = "out_of_stock", _("The goods are out of stock.")
    REDEMPTION_SETTLED = "redemption_settled", _("The redemption is already settled.")
    PHOTO_ALREADY_PUBLIC = "photo_already_public", _("The photo is already public.")
    PHOTO_NOT_PUBLIC = "photo_not_public", _("The photo is not public.")


# "Not allowed in this state" (409): the request is well-formed, the clue, account, goods or task as it stands
# refuses it (it could succeed in another state).
CONFLICTS = frozenset(
    {
        ErrorCode.CLUE_TRANSITION_NOT_ALLOWED,
        ErrorCode.CLUE_FINISHED,
        ErrorCode.MERGE_TARGET_CLOSED,
        ErrorCode.WOODPECKER_INACTIVE,
        ErrorCode.PHONE_REGISTERED,
        ErrorCode.ALREADY_A_WOODPECKER,
        ErrorCode.TASK_ENDED,
        ErrorCode.POLICY_EXISTS,
        ErrorCode.INSUFFICIENT_POINTS,
        ErrorCode.GOODS_WITHDRAWN,
        ErrorCode.OUT_OF_STOCK,
        ErrorCode.PHOTO_ALREADY_PUBLIC,
        ErrorCode.PHOTO_NOT_PUBLIC,
        ErrorCode.REDEMPTION_SETTLED,
        ErrorCode.QUESTION_GONE,
    }
)
# Not answered with 400 by the API: the clue-filing limit becomes DRF's Throttled (grid_woodpecker/api/views.py).
STATUS = {
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.PICKUP_LOCKED: 429,
    ErrorCode.SIGNUP_THROTTLED: 429,
    ErrorCode.COUNTER_LOOKUP_THROTTLED: 429,
}
