"""CPU and memory of this process, without extra dependencies (Linux /proc, else getrusage)."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

_STATM = Path("/proc/self/statm")


def resident_bytes() -> int:
    """Current resident set size; the peak where the current one cannot be read."""
    try:
        return int(_STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB else


class ProcessSampler:
    """CPU use since the previous sample, as a percentage of one core."""

    def __init__(self) -> None:
        self._cpu = time.process_time()
        self._wall = time.monotonic()

    def sample(self) -> tuple[float, int]:
        cpu, wall = time.process_time(), time.monotonic()
        elapsed = wall - self._wall
        percent = 100.0 * (cpu - self._cpu) / elapsed if elapsed > 0 else 0.0
        self._cpu, self._wall = cpu, wall
        return percent, resident_bytes()
