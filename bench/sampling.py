"""Sampling profile of gunicorn (master and workers) with py-spy, while the benchmark runs.

py-spy is not a requirement of the repo (`pip install py-spy` into any environment, then pass
its path with --profile-with). It samples only threads that are running Python, not those blocked
in a system call, so the shares it prints are shares of CPU, not of wall time.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = f"{Path(__file__).resolve().parents[1]}/"
STDLIB = re.compile(r"^.*/lib/python3\.\d+/")


@contextmanager
def py_spy(executable: str, pid: int, output: Path, rate: int = 250) -> Iterator[None]:
    """Record while the block runs (at most 10 minutes), stopped with SIGINT as by Ctrl-C."""
    recorder = subprocess.Popen(
        [
            executable,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--gil",  # only the thread holding the GIL: running Python, not waiting
            "--nonblocking",  # never pause gunicorn to sample it
            "--format",
            "raw",
            "--rate",
            str(rate),
            "--duration",
            "600",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        try:
            _, errors = recorder.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            errors = recorder.communicate()[1]
        if not output.exists():
            print(f"py-spy wrote no profile: {errors.strip()[-500:]}")


def print_profile(output: Path, requests: int, top: int = 30) -> None:
    """The functions most often on the stack (cumulative) and at its top (self)."""
    if not output.exists():
        return
    cumulative: Counter[str] = Counter()
    own: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    total = 0
    for line in output.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_short(frame) for frame in stack.split(";")]
        for frame in set(frames):
            cumulative[frame] += count
        own[frames[-1]] += count
        lines[_short(stack.split(";")[-1], keep_line=True)] += count
    if not total:
        print("py-spy recorded no samples")
        return
    print(
        f"py-spy: {total} samples of running Python in gunicorn "
        f"({total / requests:.2f} per request)"
    )
    print(f"  top {top} by cumulative share (the function or something it called was running):")
    for frame, count in cumulative.most_common(top):
        print(f"  {100 * count / total:6.1f} %  {frame}")
    print(f"  top {top // 2} by own share (the function itself was running):")
    for frame, count in own.most_common(top // 2):
        print(f"  {100 * count / total:6.1f} %  {frame}")
    print("  hottest lines:")
    for frame, count in lines.most_common(top // 3):
        print(f"  {100 * count / total:6.1f} %  {frame}")


def _short(frame: str, *, keep_line: bool = False) -> str:
    """'function (path/to/site-packages/pkg/mod.py:12)' -> 'function (pkg/mod.py)': one entry
    per function, not per line."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")")
    if not keep_line:
        path = path.rpartition(":")[0]
    path = STDLIB.sub("", path.split("site-packages/", 1)[-1]).removeprefix(REPO)
    return f"{name} ({path})"
