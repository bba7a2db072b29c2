"""Error codes of accounts, roles and sign-in (core/errors.py explains the contract; docs/api.md lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    ROLE_ALREADY_HELD = "role_already_held", _("The account already holds this role at this unit.")
    ROLE_ASSIGNMENT_GONE = "role_assignment_gone", _("The role assignment no longer exists.")
    USERNAME_TAKEN = "username_taken", _("The login name is taken.")
    ACCOUNT_HAS_HISTORY = "account_has_history", _("The account has history; deactivate it instead of deleting it.")
    OTP_ENROLMENT_STALE = "otp_enrolment_stale", _("The second-factor enrolment must be started again.")
    OTP_CODE_WRONG = "otp_code_wrong", _("The second-factor code is wrong or has expired.")
    STAFF_PASSWORD_TOO_SHORT = "staff_password_too_short", _("A staff password is too short.")
    STAFF_PASSWORD_TOO_SIMPLE = "staff_password_too_simple", _("A staff password mixes too few kinds of characters.")
    SERVICE_ACCOUNT = "service_account", _("External-system accounts cannot log into the portal.")
    # Sign-in and session states (401/403/429, from the authentication classes and middleware).
    TOKEN_EXPIRED = "token_expired", _("The API token has expired; rotate it.")
    SERVICE_ACCOUNT_SESSION = "service_account_session", _("External-system accounts use their token, not a session.")
    OTP_REQUIRED = "otp_required", _("Enter the code of your second factor first.")
    PASSWORD_CHANGE_REQUIRED = "password_change_required", _("Change your password first.")
    OTP_ENROLMENT_REQUIRED = "otp_enrolment_required", _("Set up a second factor first.")
    LOCKED_OUT = "locked_out", _("Too many failed logins: the account or address is locked.")


CONFLICTS = frozenset({ErrorCode.ROLE_ALREADY_HELD, ErrorCode.ROLE_ASSIGNMENT_GONE, ErrorCode.ACCOUNT_HAS_HISTORY})
# The HTTP status of the sign-in codes (every other code is 400, or 409 when in CONFLICTS).
STATUS = {
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.SERVICE_ACCOUNT_SESSION: 403,
    ErrorCode.OTP_REQUIRED: 403,
    ErrorCode.PASSWORD_CHANGE_REQUIRED: 403,
    ErrorCode.OTP_ENROLMENT_REQUIRED: 403,
    ErrorCode.LOCKED_OUT: 429,
}
