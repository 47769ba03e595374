"""The platform's notion of "now", which the demo seeder replaces with a simulated clock."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.utils import timezone

_simulated_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "onezone_simulated_now", default=None
)


def now() -> datetime:
    """Current aware time: real time, or the simulated time set by `simulated_time`."""
    return _simulated_now.get() or timezone.now()


def today() -> date:
    """Today's date where the platform is (TIME_ZONE, Asia/Shanghai), not in UTC."""
    return timezone.localdate(now())


@contextmanager
def simulated_time(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (used by demo generators and tests)."""
    if timezone.is_naive(moment):
        raise ValueError("simulated_time needs an aware datetime")
    token = _simulated_now.set(moment)
    try:
        yield
    finally:
        _simulated_now.reset(token)
