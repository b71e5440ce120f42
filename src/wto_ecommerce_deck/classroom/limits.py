"""How much one device or one address may ask of the room's server (`app.py` says which limits).

A token bucket per key: `burst` requests at once, then `rate` a second. A refused request costs
nothing and stores nothing (429, with `Retry-After`). Buckets of keys that have been quiet long
enough to be full again are forgotten once there are many, so a flood of new keys cannot grow the
memory without bound.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Hashable

BODY_LIMIT = 1024  # bytes of a request body: an answer is about 60
MAX_STREAMS = 5000  # live streams (phones and trainer) at once; one laptop serves fewer in time (the bench)


class Buckets:
    def __init__(self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic, keep: int = 10_000):
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self.keep = keep
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # key → (tokens, when)

    def _tokens(self, key: Hashable, now: float) -> float:
        tokens, when = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - when) * self.rate)

    def allow(self, key: Hashable) -> bool:
        """Take one request from the key's bucket; False (and nothing taken) when it is empty."""
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < 1:
            return False
        if len(self._buckets) >= self.keep:
            self._forget(now)
        self._buckets[key] = (tokens - 1, now)
        return True

    def blocked(self, key: Hashable) -> bool:
        """Whether the key's bucket is empty, without taking anything."""
        return self._tokens(key, self.clock()) < 1

    def retry_after(self, key: Hashable) -> int:
        """Whole seconds until the key may ask again."""
        missing = 1 - self._tokens(key, self.clock())
        return max(1, math.ceil(missing / self.rate))

    def _forget(self, now: float) -> None:
        full = [key for key in self._buckets if self._tokens(key, now) >= self.burst]
        for key in full:
            del self._buckets[key]
