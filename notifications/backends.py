"""Delivery backends, chosen by settings (NOTIFICATION_SMS_BACKEND, NOTIFICATION_WECHAT_BACKEND).

Console and file backends are the defaults (development, tests, a demo without a gateway); the HTTP backends post to
a gateway whose URL and key come from the environment. A backend raises on failure; the delivery task retries."""

import json
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class BackendError(Exception):
    """A gateway refused or could not be reached (retried by the delivery task)."""


class ConsoleSmsBackend:
    def send_text(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class FileSmsBackend:
    """One line per message appended to NOTIFICATION_FILE_DIR/sms.log (a browser test reads its codes here)."""

    name = "sms.log"

    def _write(self, line: str) -> None:
        folder = Path(settings.NOTIFICATION_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / self.name, "a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat(timespec='seconds')} {line}\n")  # noqa: DTZ005  (a log line)

    def send_text(self, phone: str, text: str) -> None:
        self._write(f"{phone} {text}")


class ConsoleWechatBackend:
    def send_template(self, openid: str, title: str, body: str, url: str) -> None:
        sys.stdout.write(f"[WeChat to {openid}] {title}: {body} {url}\n")
        sys.stdout.flush()


class FileWechatBackend(FileSmsBackend):
    name = "wechat.log"

    def send_template(self, openid: str, title: str, body: str, url: str) -> None:
        self._write(f"{openid} {title}: {body} {url}")


def _post(url: str, key: str, payload: dict) -> None:
    if not url:
        raise BackendError("gateway URL not configured")
    if not url.startswith(("https://", "http://")):
        raise BackendError("gateway URL must be http(s)")
    request = urllib.request.Request(  # noqa: S310  (the URL is the operator's setting)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        method="POST",
    )
    try:
        # nosec B310: the scheme is checked above (http/https only); the URL is the operator's setting.
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATION_HTTP_TIMEOUT) as response:  # noqa: S310 # nosec B310
            if response.status >= 300:
                raise BackendError(f"gateway answered {response.status}")
    except OSError as exc:
        raise BackendError(type(exc).__name__) from exc


class HttpSmsBackend:
    """An SMS gateway taking JSON {"phone", "text"} (NOTIFICATION_SMS_URL, NOTIFICATION_SMS_KEY)."""

    def send_text(self, phone: str, text: str) -> None:
        _post(settings.NOTIFICATION_SMS_URL, settings.NOTIFICATION_SMS_KEY, {"phone": phone, "text": text})


class HttpWechatBackend:
    """A WeChat template-message relay taking JSON {"touser", "template_id", "url", "data"}
    (NOTIFICATION_WECHAT_URL, NOTIFICATION_WECHAT_KEY, NOTIFICATION_WECHAT_TEMPLATE)."""

    def send_template(self, openid: str, title: str, body: str, url: str) -> None:
        payload = {
            "touser": openid,
            "template_id": settings.NOTIFICATION_WECHAT_TEMPLATE,
            "url": url,
            "data": {"first": {"value": title}, "remark": {"value": body}},
        }
        _post(settings.NOTIFICATION_WECHAT_URL, settings.NOTIFICATION_WECHAT_KEY, payload)


def sms_backend():
    return import_string(settings.NOTIFICATION_SMS_BACKEND)()


def wechat_backend():
    return import_string(settings.NOTIFICATION_WECHAT_BACKEND)()
