"""Child processes started from the repo root that never outlive their caller.

Each child is stopped (SIGTERM, then SIGKILL after a grace period) when its `with` block ends,
when `stop()` is called, and at interpreter exit, so even a crashed test run or an interrupted
benchmark leaves nothing behind.
"""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
import weakref
from pathlib import Path
from typing import IO, Self

REPO_ROOT = Path(__file__).resolve().parents[1]

# Every running child, so an interpreter exit still stops the ones nobody stopped.
_LIVE: weakref.WeakSet[Child] = weakref.WeakSet()


@atexit.register
def _stop_leftovers() -> None:
    for child in list(_LIVE):
        child.stop()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(proc: subprocess.Popen, *, grace_s: float) -> None:
    """SIGTERM, then SIGKILL after `grace_s`. Safe to call twice."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_until_one_exits(*children: Child, poll_s: float = 0.5) -> None:
    """Return once any of `children` has exited (the demo stops the others then)."""
    while all(child.returncode is None for child in children):
        time.sleep(poll_s)


class Child:
    """`cmd` in the repo root with exactly `env`; stdout and stderr both go to `stdout` (a pipe,
    a file, or None for this process's own stdout). No stdin: a child never waits for input."""

    grace_s: float = 5.0

    def __init__(self, cmd: list[str], *, env: dict[str, str], stdout: int | IO | None) -> None:
        self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        _LIVE.add(self)

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        """None while it runs."""
        return self._proc.poll()

    def stop(self) -> None:
        stop(self._proc, grace_s=self.grace_s)
        _LIVE.discard(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
