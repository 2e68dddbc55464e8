"""What the machine was doing while a benchmark ran.

Why: the benchmark machine is shared (2 cores, other jobs running), so a number without
the load it was measured under cannot be compared with anything. Every section of the
report records the load average before and after it ran.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # not available on this platform
        return (0.0, 0.0, 0.0)


def machine_info() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_average": load_average(),
    }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc), 0.0 where unavailable,
    so that a worker's work can be counted in CPU time rather than contended wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14, 15)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]
