"""Rate limits, all on DRF's throttles (the cache is Redis in production and in the tests).

- `UserThrottle`: per signed-in user (`user` rate), every API request.
- `AnonThrottle`: per client address (`anon` rate) for requests without a user.
- `ClientThrottle`: per API token (`client` rate): an external system sharing its token between several machines is
  still one client.
- `SystemClientThrottle`: per OAuth2 system client, at the client's own rate (requests a minute, set in the portal;
  `clients.auth` puts `throttle_ident` and `throttle_rate` on the token). Such a request is not counted by
  `UserThrottle`: the client's own rate replaces its service account's user rate.
- `WindowThrottle`: the base of the throttles used outside DRF views (Open311 filing per key, clue filing per
  woodpecker), with several windows per scope, e.g. "5/10m" and "30/1d". `check` counts every call; `peek` and
  `count` apart count only some outcomes (the token endpoint's failed client credentials, clients/token_view.py).

Rates are read from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` at request time (DRF reads them once at import), so
`override_settings` in the tests changes them. A rate is "N/period" where the period may carry a multiple
("5/10m", "30/1d"); DRF's own parser accepts only one unit.
"""

import hashlib
import re
from typing import cast

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    match = _RATE.match(rate or "")
    if not match:
        raise ImproperlyConfigured(f"Bad throttle rate {rate!r}: use 'N/period' such as '60/m' or '5/10m'.")
    number, multiple, unit = match.groups()
    return int(number), int(multiple or 1) * _UNITS[unit]


class LiveRatesMixin:
    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}.") from None

    def parse_rate(self, rate):
        if rate is None:
            return (None, None)
        return parse_rate(rate)

    def allow_request(self, request, view):
        # Re-read the rate every time: the settings may have changed since this class was first used.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(LiveRatesMixin, throttling.UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if getattr(getattr(request, "auth", None), "throttle_rate", None):
            return None  # a system client: SystemClientThrottle, at its own rate
        return super().get_cache_key(request, view)


class AnonThrottle(LiveRatesMixin, throttling.AnonRateThrottle):
    scope = "anon"


class ClientThrottle(LiveRatesMixin, throttling.SimpleRateThrottle):
    """One bucket per API token, whoever uses it; requests signed in by session are not counted here."""

    scope = "client"

    def get_cache_key(self, request, view):
        auth = getattr(request, "auth", None)
        key = getattr(auth, "key", None) or (auth if isinstance(auth, str) else None)
        if not key:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # never the token itself in the cache
        return self.cache_format % {"scope": self.scope, "ident": digest}


class SystemClientThrottle(throttling.SimpleRateThrottle):
    """One bucket per system client (all its tokens), at the rate stored on the client."""

    scope = "system_client"

    def get_rate(self):
        return None  # set per request from the token (DRF would otherwise read DEFAULT_THROTTLE_RATES at init)

    def allow_request(self, request, view):
        auth = getattr(request, "auth", None)
        rate, ident = getattr(auth, "throttle_rate", None), getattr(auth, "throttle_ident", None)
        if not rate or not ident:
            return True
        self.rate = rate
        self.num_requests, self.duration = parse_rate(rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.throttle_ident}


class WindowThrottle(throttling.SimpleRateThrottle):
    """Several windows for one scope (the rate setting may be a list, e.g. ["5/10m", "30/1d"]), keyed by `ident`.

    For code outside DRF's views: `WindowThrottle.check(scope, ident)` returns None when allowed, else the refusing
    window (`num_requests`, `duration`, `wait()`); each window keeps DRF's sliding history in the cache.
    """

    def __init__(self, scope: str, ident: str, rate: str):
        self.scope = scope
        self.ident = ident
        self.rate = rate
        self.num_requests, self.duration = parse_rate(rate)

    def get_cache_key(self, request=None, view=None):
        return f"throttle_{self.scope}_{self.duration}_{self.ident}"

    @staticmethod
    def _rates(scope: str) -> list[str]:
        # A scope's rate is a string or, for WindowThrottle, a list of them (DRF's stubs only know numbers).
        rates = cast("str | list[str] | None", api_settings.DEFAULT_THROTTLE_RATES.get(scope))
        if rates is None:
            raise ImproperlyConfigured(f"No throttle rate set for scope {scope!r}.")
        return [rates] if isinstance(rates, str) else list(rates)

    def _load(self) -> None:
        # DRF's sliding history, without counting this call (allow_request would).
        self.key = self.get_cache_key()
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    @classmethod
    def peek(cls, scope: str, ident) -> "WindowThrottle | None":
        """The window of `scope` that is already full for `ident` (the longest wait), or None; counts nothing."""
        refused = None
        for rate in cls._rates(scope):
            throttle = cls(scope, str(ident), rate)
            throttle._load()
            full = len(throttle.history) >= throttle.num_requests
            if full and (refused is None or (throttle.wait() or 0) > (refused.wait() or 0)):
                refused = throttle
        return refused

    @classmethod
    def count(cls, scope: str, ident) -> None:
        """Count one event for `ident` in every window of `scope` (refused or not: `peek` decides)."""
        for rate in cls._rates(scope):
            throttle = cls(scope, str(ident), rate)
            throttle._load()
            throttle.throttle_success()

    @classmethod
    def check(cls, scope: str, ident) -> "WindowThrottle | None":
        refused = None
        for rate in cls._rates(scope):
            throttle = cls(scope, str(ident), rate)
            # The window is keyed by `ident`: DRF's request and view are not needed (nor available) here.
            allowed = throttle.allow_request(None, None)  # type: ignore[arg-type]
            if not allowed and (refused is None or (throttle.wait() or 0) > (refused.wait() or 0)):
                refused = throttle
        return refused
