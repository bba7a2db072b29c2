"""Authentication (issue 9): lockout and unlock, idle sessions, TOTP, forced password change, password rules,
external-system accounts, expiring and rotating API tokens, and the login audit."""

import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
HOME = "/"
ME = "/api/v1/accounts/me/"


def login(client, username, password=PASSWORD, ip="127.0.0.1", agent="pytest-browser/1.0"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---- lockout -----------------------------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_chinese_message(client, users):
    for _i in range(30):
        response = login(client, "staff_a", "wrong-password")
    assert response.status_code == 429
    response = login(client, "staff_a")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert not logged_in(client)


def test_lockout_counts_per_account_from_any_address(client, users):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "secretary_a1", "wrong-password", ip=f"10.0.0.{i + 1}")
    # The account is locked, even from a fresh address; another account from that address is not.
    assert login(client, "secretary_a1", ip="10.0.1.1").status_code == 429
    assert login(client, "staff_b", ip="10.0.1.1").status_code == 302


def test_lockout_counts_per_address_across_accounts(client, users):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"nobody{i}", "wrong-password", ip="10.0.0.9")
    assert login(client, "staff_a", ip="10.0.0.9").status_code == 429
    assert not logged_in(client)
    assert login(client, "staff_a", ip="10.0.0.10").status_code == 302
    assert logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(client, users):
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "staff_a", "wrong-password").status_code == 200
    assert login(client, "staff_a").status_code == 302


def test_a_lockout_lifts_by_itself_after_the_cool_off(client, users):
    from axes.models import AccessAttempt

    for _i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "staff_a", "wrong-password")
    assert login(client, "staff_a").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert login(client, "staff_a").status_code == 302


def test_township_staff_unlock_an_account_of_their_township(client, users, client_for):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "secretary_a1", "wrong-password")
    assert login(client, "secretary_a1").status_code == 429

    # Staff of the other township neither see nor unlock it; a secretary may not manage accounts at all.
    other = client_for(users["staff_b"])
    assert "secretary_a1" not in other.get("/account/lockouts/").content.decode()
    assert other.post("/account/lockouts/", {"user": users["secretary_a1"].pk}).status_code == 404
    other.logout()
    assert client_for(users["woodpecker_ac"]).get("/account/lockouts/").status_code == 403
    client.logout()

    staff = client_for(users["staff_a"])
    page = staff.get("/account/lockouts/").content.decode()
    assert "secretary_a1" in page and "已锁定" in page
    assert staff.post("/account/lockouts/", {"user": users["secretary_a1"].pk}).status_code == 302
    assert staff.post("/account/lockouts/", {"user": "abc"}).status_code == 404
    entry = AuditEntry.objects.get(action="account.unlock")
    assert entry.actor == users["staff_a"] and entry.object_id == str(users["secretary_a1"].pk)
    staff.logout()
    assert login(client, "secretary_a1").status_code == 302


def test_axes_admin_lists_the_attempts_for_a_superuser(client, users, client_for):
    login(client, "staff_a", "wrong-password")
    response = client_for(users["admin"]).get("/admin/axes/accessattempt/")
    assert response.status_code == 200 and "staff_a" in response.content.decode()


# ---- login audit -------------------------------------------------------------------------------------------------


def test_every_login_success_or_failure_is_audited_with_address_and_agent(client, users):
    login(client, "staff_a", "wrong-password", ip="10.1.2.3", agent="Mozilla/5.0 test")
    login(client, "no-such-user", "whatever", ip="10.1.2.4")
    login(client, "staff_a", ip="10.1.2.5", agent="Mozilla/5.0 ok")

    failed = AuditEntry.objects.filter(action="login.failed").order_by("id")
    assert [(e.object_repr, e.changes["ip"], e.changes["reason"]) for e in failed] == [
        ("staff_a", "10.1.2.3", "bad_credentials"),
        ("no-such-user", "10.1.2.4", "unknown_user"),
    ]
    assert failed[0].changes["user_agent"] == "Mozilla/5.0 test"
    assert failed[0].unit == users["staff_a"].role_assignments.get().unit
    assert failed[1].actor is None and failed[1].object_id == ""
    success = AuditEntry.objects.get(action="login.success")
    assert success.actor == users["staff_a"]
    assert success.changes == {"ip": "10.1.2.5", "user_agent": "Mozilla/5.0 ok"}


def test_login_audit_rows_are_visible_to_staff_above_the_user(client, users):
    from accounts.scoping import restrict

    login(client, "secretary_a1")
    rows = AuditEntry.objects.filter(action="login.success")
    assert restrict(rows, users["staff_a"]).count() == 1
    assert restrict(rows, users["staff_b"]).count() == 0


def test_no_job_deletes_audit_rows():
    # Kept at least 180 days: nothing in the beat schedule deletes or prunes the audit trail.
    tasks = " ".join(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())
    assert "audit" not in tasks


# ---- idle sessions -----------------------------------------------------------------------------------------------


def test_session_expires_after_thirty_idle_minutes_and_slides_with_activity(client, users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert login(client, "staff_a").status_code == 302
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=29)):
        assert client.get(HOME).status_code == 200  # active: the expiry moves to 29 + 30 minutes
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=58)):
        assert client.get(HOME).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=58 + 31)):
        response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_an_active_session_is_written_at_most_once_a_minute(client, users):
    from django.contrib.sessions.models import Session

    login(client, "staff_a")
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=30)):
        client.get(HOME)
    assert Session.objects.get(session_key=key).expire_date == expiry
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=2)):
        client.get(HOME)
    assert Session.objects.get(session_key=key).expire_date >= expiry + timedelta(minutes=1)


def test_idle_minutes_come_from_the_environment():
    code = (
        "import os; os.environ['SESSION_IDLE_MINUTES'] = '5'; "
        "from dangjian import settings as s; print(s.SESSION_COOKIE_AGE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    assert out.stdout.strip() == "300"


# ---- TOTP --------------------------------------------------------------------------------------------------------


def enrol(client):
    """Enrol through the page; returns the confirmed device and the backup codes shown."""
    page = client.get("/account/otp/enrol/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "otpauth://totp/" in body and "data:image/svg+xml;base64," in body
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    response = client.post("/account/otp/enrol/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    return device, response.context["codes"]


def test_staff_enrol_totp_and_then_need_a_code_at_every_login(client, users):
    assert login(client, "staff_a").status_code == 302
    device, codes = enrol(client)
    assert len(codes) == 10
    assert AuditEntry.objects.filter(action="account.otp_enrol", actor=users["staff_a"]).exists()
    client.post("/logout/")

    # Password right: the session is held at the second step until a valid code.
    assert login(client, "staff_a").status_code == 302
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/")
    assert client.get(ME).status_code == 403
    response = client.post("/account/otp/", {"token": "000000"})
    assert "验证码错误" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.failed", changes__reason="otp_token").count() == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows guessing down; lift it for the next try
    device.throttle_reset()
    # The enrolment used the current step; the next step's code is still within the tolerance.
    good = f"{totp(device.bin_key, drift=1):06d}"
    assert client.post("/account/otp/", {"token": good, "next": "/org/"})["Location"] == "/org/"
    assert client.get("/org/").status_code == 200
    assert client.get(ME).status_code == 200
    assert AuditEntry.objects.filter(action="login.otp_verified").exists()


def test_a_backup_code_works_once(client, users):
    login(client, "city_staff")
    _device, codes = enrol(client)
    client.post("/logout/")
    login(client, "city_staff")
    client.post("/account/otp/", {"token": codes[0]})
    assert client.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.post("/logout/")
    login(client, "city_staff")
    client.post("/account/otp/", {"token": codes[0]})
    assert client.get(HOME).status_code == 302


def test_an_admin_login_does_not_skip_the_second_factor(client, users):
    login(client, "staff_a")
    enrol(client)
    client.post("/logout/")
    client.post("/admin/login/", {"username": "staff_a", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/")


def test_only_staff_enrol_a_second_factor(users, client_for):
    assert client_for(users["secretary_a1"]).get("/account/otp/enrol/").status_code == 403


def test_a_wrong_enrolment_code_confirms_nothing(users, client_for):
    client = client_for(users["staff_a"])
    client.get("/account/otp/enrol/")
    response = client.post("/account/otp/enrol/", {"token": "12345x"})
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=users["staff_a"], confirmed=True).exists()


@pytest.mark.parametrize("required", [True, False])
def test_organization_department_staff_must_enrol_when_the_setting_says_so(settings, users, client_for, required):
    settings.OTP_REQUIRED_FOR_ORG_DEPARTMENT = required
    city = client_for(users["city_staff"])
    response = city.get("/org/")
    if required:
        assert response.status_code == 302 and response["Location"].startswith("/account/otp/enrol/")
        assert city.get(ME).json()["code"] == "otp_enrolment_required"
        enrol(city)
        assert city.get("/org/").status_code == 200
    else:
        assert response.status_code == 200
    city.logout()
    # Township staff are never forced (they may still enrol).
    assert client_for(users["staff_a"]).get("/org/").status_code == 200


def test_staff_reset_a_lost_second_factor_in_their_jurisdiction(client, users, client_for):
    login(client, "staff_a")
    enrol(client)
    client.post("/logout/")
    other = client_for(users["staff_b"])
    assert other.post("/account/lockouts/", {"user": users["staff_a"].pk, "action": "otp_remove"}).status_code == 404
    other.logout()
    city = client_for(users["city_staff"])
    assert "staff_a" in city.get("/account/lockouts/").content.decode()
    assert city.post("/account/lockouts/", {"user": users["staff_a"].pk, "action": "otp_remove"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["staff_a"]).exists()
    assert AuditEntry.objects.filter(action="account.otp_remove").count() == 1


# ---- forced password change ----------------------------------------------------------------------------------------


def test_an_account_created_by_staff_changes_its_password_at_first_login(client, county, users):
    from grid_woodpecker import services
    from tests.grid_woodpecker.helpers import id_number, mobile

    woodpecker = services.woodpecker_create(
        name="王五",
        id_number=id_number(),
        mobile=mobile(),
        grid=county["grid_ac"],
        group="resident",
        actor=users["staff_a"],
        username="wangwu",
        password="Given-by-staff-1",
    )
    user = woodpecker.user
    assert user.must_change_password
    assert login(client, "wangwu", "Given-by-staff-1").status_code == 302
    response = client.get("/woodpecker/")
    assert response.status_code == 302 and response["Location"].startswith("/account/password/")
    assert client.get(ME).json()["code"] == "password_change_required"
    weak = client.post(
        "/account/password/",
        {"old_password": "Given-by-staff-1", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    response = client.post(
        "/account/password/",
        {"old_password": "Given-by-staff-1", "new_password1": "Mine-own-2024", "new_password2": "Mine-own-2024"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Mine-own-2024")
    assert client.get(HOME).status_code == 200  # still logged in after the change
    assert AuditEntry.objects.filter(action="account.password_change", actor=user).exists()


def test_self_registered_and_demo_style_accounts_are_not_forced(client, county, users):
    from grid_woodpecker import services
    from tests.grid_woodpecker.helpers import id_number, mobile

    woodpecker = services.woodpecker_create(
        name="赵六",
        id_number=id_number(),
        mobile=mobile(),
        grid=county["grid_ac"],
        group="resident",
        actor=SYSTEM,
        username="zhaoliu",
        password="Chosen-by-me-1",
    )
    assert not woodpecker.user.must_change_password
    assert not users["staff_a"].must_change_password


# ---- password rules ------------------------------------------------------------------------------------------------


def test_staff_passwords_need_ten_characters_of_three_classes(users):
    staff = users["staff_a"]
    with pytest.raises(ValidationError) as exc:
        validate_password("plainpass", staff)
    messages = " ".join(exc.value.messages)
    assert "至少需要 10 个字符" in messages and "3 类" in messages
    with pytest.raises(ValidationError):
        validate_password("lowercaseonly1", staff)  # two classes
    validate_password("Lower-case9", staff)
    # A secretary keeps Django's rules only.
    validate_password("lowercaseonly1", users["secretary_a1"])


# ---- external-system accounts --------------------------------------------------------------------------------------


def test_external_system_account_cannot_log_into_the_portal(client, users):
    response = login(client, "external_sys")
    assert response.status_code == 200
    assert "外部系统账号不能登录门户" in response.content.decode()
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="login.failed", changes__reason="service_account").exists()


def test_external_system_session_is_refused_on_pages_and_api_but_its_token_works(users, client_for):
    client = client_for(users["external"])
    assert client.get(ME).status_code == 403
    client.force_login(users["external"])
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not logged_in(client)

    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from accounts.auth import PortalSessionAuthentication

    request = APIRequestFactory().get(ME)
    request.user = users["external"]
    request._dont_enforce_csrf_checks = True
    with pytest.raises(AuthenticationFailed):
        PortalSessionAuthentication().authenticate(Request(request))

    token = Token.objects.create(user=users["external"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(ME).json()["username"] == "external_sys"


# ---- API tokens ----------------------------------------------------------------------------------------------------


def test_an_expired_token_answers_401_in_chinese(users):
    token = Token.objects.create(user=users["external"])
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS, seconds=1)
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired" and "已过期" in response.json()["detail"]
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS - 1))
    assert api.get(ME).status_code == 200


def test_a_system_rotates_its_own_token(users):
    old = Token.objects.create(user=users["external"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old.key}")
    response = api.post("/api/v1/accounts/token/rotate/")
    assert response.status_code == 200
    new_key = response.json()["token"]
    assert new_key != old.key and response.json()["expires_at"]
    assert api.get(ME).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api.get(ME).status_code == 200
    entry = AuditEntry.objects.get(action="account.token_rotate")
    assert entry.actor == users["external"] and entry.object_id == str(users["external"].pk)
    assert entry.changes["expires_at"]


def test_staff_rotate_the_token_of_an_external_system_in_their_jurisdiction(users, client_for):
    old = Token.objects.create(user=users["external"])
    township = client_for(users["staff_a"])
    assert "external_sys" not in township.get("/account/tokens/").content.decode()
    assert township.post("/account/tokens/", {"user": users["external"].pk}).status_code == 404
    # A non-service account is not rotated from this page.
    assert township.post("/account/tokens/", {"user": users["secretary_a1"].pk}).status_code == 404
    township.logout()
    city = client_for(users["city_staff"])
    response = city.post("/account/tokens/", {"user": users["external"].pk})
    assert response.status_code == 200
    new = Token.objects.get(user=users["external"])
    assert new.key != old.key and new.key in response.content.decode()
    assert AuditEntry.objects.get(action="account.token_rotate").actor == users["city_staff"]


def test_demo_token_is_issued_again_when_expired(users):
    from accounts.security import token_ensure_fresh

    token = token_ensure_fresh(user=users["external"])
    assert token_ensure_fresh(user=users["external"]).key == token.key
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS + 1))
    assert token_ensure_fresh(user=users["external"]).key != token.key


def test_login_rows_keep_a_snapshot_of_the_account(client, county, users):
    client.post("/login/", {"username": "staff_a", "password": "wrong-password"})
    entry = AuditEntry.objects.filter(action="login.failed").latest("id")
    assert entry.actor_username == "staff_a" and entry.unit_code == county["township_a"].code


def test_township_staff_neither_unlock_nor_rotate_a_peer_of_their_own_level_county_staff_do(client, users, client_for):
    from django.core.exceptions import PermissionDenied

    from accounts import security
    from accounts.roles import Role
    from tests.factories import user_with_role

    peer = user_with_role("staff_a2", Role.TOWNSHIP_STAFF, users["staff_a"].role_assignments.get().unit, staff=True)
    for _i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "staff_a2", "wrong-password")
    assert login(client, "staff_a2").status_code == 429

    township = client_for(users["staff_a"])
    assert "staff_a2" not in township.get("/account/lockouts/").content.decode()
    assert township.post("/account/lockouts/", {"user": peer.pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        security.account_unlock(user=peer, actor=users["staff_a"])
    with pytest.raises(PermissionDenied):
        security.token_rotate(user=peer, actor=users["staff_a"])
    assert not AuditEntry.objects.filter(action__in=["account.unlock", "account.token_rotate"]).exists()
    township.logout()

    county = client_for(users["city_staff"])
    assert "staff_a2" in county.get("/account/lockouts/").content.decode()
    assert county.post("/account/lockouts/", {"user": peer.pk}).status_code == 302
    assert security.token_rotate(user=peer, actor=users["city_staff"]).user == peer
    assert AuditEntry.objects.get(action="account.unlock").actor == users["city_staff"]
    county.logout()
    assert login(client, "staff_a2").status_code == 302
