"""Order ids unique across runs and machines: time-ordered, with random bits, short to read.

An id is ``<prefix>-<time><random>``: the millisecond it was made (9 Crockford base-32
characters, good until the year 3084) and 40 random bits (8 characters), like a shortened
ULID — ``T-1KC3F8ZQ47X2M9PQA``. Ids made in one process sort in the order they were made
(within one millisecond the random part counts up), so two of them are never equal; two
processes, on one machine or many, would have to draw the same 40 bits in the same millisecond.
The process id or a per-run counter is not enough: both repeat from one run to the next, and
the order book refuses an id it already holds (an order restored from an earlier run).
"""

from __future__ import annotations

import secrets
import threading
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O or U to misread
TIME_CHARS = 9
RANDOM_BITS = 40
RANDOM_CHARS = RANDOM_BITS // 5

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, random part) of the latest id made in this process


_PAIRS = [high + low for high in ALPHABET for low in ALPHABET]  # ten bits → two characters


def _base32(value: int, width: int) -> str:
    """The low ``5 × width`` bits of ``value`` as ``width`` characters, most significant first
    (ten bits a step: every order id makes two of these)."""
    chunks = []
    if width % 2:
        chunks.append(ALPHABET[value & 31])
        value >>= 5
    for _ in range(width // 2):
        chunks.append(_PAIRS[value & 1023])
        value >>= 10
    return "".join(reversed(chunks))


def new_order_id(prefix: str = "O") -> str:
    """A fresh order id: ``prefix`` says who made it (``T`` the ticket, ``O`` the engine)."""
    global _last
    now_ms = time.time_ns() // 1_000_000
    with _lock:
        last_ms, last_random = _last
        if now_ms > last_ms:
            stamp = (now_ms, secrets.randbits(RANDOM_BITS))
        elif last_random + 1 < 1 << RANDOM_BITS:  # same millisecond (or the clock went back)
            stamp = (last_ms, last_random + 1)
        else:  # this millisecond's random part is used up: borrow the next millisecond
            stamp = (last_ms + 1, secrets.randbits(RANDOM_BITS))
        _last = stamp
    return f"{prefix}-{_base32(stamp[0], TIME_CHARS)}{_base32(stamp[1], RANDOM_CHARS)}"
