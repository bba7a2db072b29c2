"""The counter's lookup of a woodpecker by phone: throttled per keeper and audited.

Its own module because it reads through `grid_woodpecker.selectors`, which imports from the services package: a
module the package's `__init__` does not import keeps the two free of an import cycle."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.api.throttling import WindowThrottle
from notifications.text import mask_phone

from ..errors import ErrorCode
from ..models import Redemption, Station
from ..selectors import counter_by_phone

audit.ACTION_LABELS.update({"counter.phone_lookup": gettext_lazy("Looked up a woodpecker by phone at the counter")})


def counter_phone_lookup(*, station: Station, mobile: str, actor) -> list[Redemption]:
    """The redemptions ready at the station for the woodpecker with this phone (`counter_by_phone`), for
    the counter keeper. A phone number is personal data and the lookup an oracle of who has goods waiting, so each
    lookup is audited (the number masked, the count found) and a keeper's lookups are limited per user
    (THROTTLE_COUNTER_LOOKUP, every window applies; code `counter_lookup_throttled`, 429)."""
    refused = WindowThrottle.check("counter_lookup", actor.pk)
    if refused is not None:
        minutes = max(1, math.ceil((refused.wait() or 60) / 60))
        raise ValidationError(
            _("Too many phone lookups at the counter; try again in %(minutes)d minutes, or ask for the pickup code.")
            % {"minutes": minutes},
            code=ErrorCode.COUNTER_LOOKUP_THROTTLED,
        )
    found = list(counter_by_phone(user=actor, station=station, mobile=mobile))
    audit.record(
        actor=actor,
        action="counter.phone_lookup",
        obj=station,
        unit=station.unit,
        changes={"phone": mask_phone(mobile), "found": len(found)},
    )
    return found
