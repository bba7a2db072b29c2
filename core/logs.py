"""What the services and tasks log, and how.

Each services or tasks module has its own logger (`logger = logging.getLogger(__name__)`, so an operator can turn one
app up or down by name) and logs two things: failures that nobody would otherwise see (a job that skips work, a file
holding personal data that could not be deleted, a refused attempt to climb the grant ladder) and slow operations
(`timed()` below). A log line carries ids, codes, counts, years and timings only: never a name, an ID number, a
phone, a birth date, a username or any other personal data (docs/security.md). Successful writes are not logged:
the audit trail (`core.audit`) records them.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(logger: logging.Logger, operation: str, *, warn_after: float, **ids) -> Iterator[dict]:
    """Log a warning when the block takes longer than `warn_after` seconds, with `ids` (and anything the block adds
    to the dict it receives, such as a row count) in the message. A block that raises is not timed: its exception
    goes up as usual.

        with timed(logger, "roll-up", warn_after=SLOW_ROLLUP_SECONDS, root=root.pk, year=year) as details:
            ...
            details["rows"] = len(rows)
    """
    details = dict(ids)
    started = time.monotonic()
    yield details
    elapsed = time.monotonic() - started
    if elapsed > warn_after:
        described = ", ".join(f"{key} {value}" for key, value in details.items())
        logger.warning("slow %s: %s in %.1f s", operation, described, elapsed)
