"""Stopping the child processes tests start (the emulator, gunicorn portals)."""

import subprocess


def stop(proc: subprocess.Popen, *, grace_s: float) -> None:
    """SIGTERM, then SIGKILL after `grace_s`: a test run must never leave a process behind.
    Safe to call twice."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
