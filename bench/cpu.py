"""CPU time, read from Linux /proc: of a child process and its children, and of the machine.

What the benchmark prints next to its latencies, so a run on a busy machine shows it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path


def machine_cpu() -> dict[str, float]:
    """Core-seconds the whole machine spent busy, idle, and stolen by the hypervisor since boot.

    On a shared VM, stolen time is CPU this machine wanted and did not get: a run with much of
    it measured the neighbours as much as the portal. Linux /proc only; empty elsewhere.
    """
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    except (OSError, ValueError):
        return {}
    user, nice, system, idle, iowait, irq, softirq, steal = ticks
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "busy": (user + nice + system + irq + softirq) / hz,
        "idle": (idle + iowait) / hz,
        "stolen": steal / hz,
    }


def _stat_fields(pid: int) -> list[str]:
    # The command name in parentheses may hold spaces: the numbers start after its ")".
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def cpu_seconds(pid: int) -> float:
    """CPU time of process `pid`, its live children (gunicorn's workers) and the children it has
    reaped (recycled workers). Linux /proc only; NaN elsewhere."""
    try:
        fields = _stat_fields(pid)
        total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        for child in children.split():
            total += sum(int(v) for v in _stat_fields(int(child))[11:13])
    except (OSError, ValueError, IndexError):
        return math.nan
    return total / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Voluntary and involuntary context switches of every thread of `pid` and of its live
    children. A thread that polls while it waits switches far more often than one that blocks,
    so this tells a busy-wait from a real one. Linux /proc only; 0 elsewhere."""
    total = 0
    try:
        pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except (OSError, ValueError):
        return 0
    for process in pids:
        try:
            tasks = list(Path(f"/proc/{process}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                status = (task / "status").read_text()
            except OSError:
                continue  # the thread ended meanwhile
            for line in status.splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
    return total
