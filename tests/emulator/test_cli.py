"""``python -m canvas_emulator`` command line contract."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from harness.emulator import EmulatorProcess
from harness.processes import REPO_ROOT


def test_help_explains_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "canvas_emulator", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    for option in ("--port", "--host", "--seed", "--latency-ms", "--portal-url"):
        assert option in result.stdout
    assert "0 picks a free port" in result.stdout


def test_first_line_names_the_url_and_demo_key_details_follow():
    # A fresh process: the shared one's output buffer keeps only the last 500 lines, and the
    # request log lines of earlier tests push the first line out of it.
    with EmulatorProcess("demo") as emu:
        assert emu.output[0] == f"Canvas emulator listening on {emu.base_url}"
        assert emu.base_url.startswith("http://127.0.0.1:")
        deadline = time.monotonic() + 10  # the key lines are read by a background thread
        while "redirect_uri" not in "\n".join(emu.output) and time.monotonic() < deadline:
            time.sleep(0.05)
        text = "\n".join(emu.output)
        assert "10000000000001" in text and "demo-client-secret" in text
    assert "http://127.0.0.1:8000/oauth/callback/" in text


def test_portal_url_and_latency_options():
    with EmulatorProcess(
        "demo", extra_args=["--portal-url", "http://portal.test:9000", "--latency-ms", "5"]
    ) as proc:
        [key] = proc.developer_keys()
        assert key["redirect_uris"] == ["http://portal.test:9000/oauth/callback/"]
        assert proc.control("GET", "faults")["latency_ms"] == 5


def test_sigterm_exits_cleanly():
    proc = EmulatorProcess("none")
    proc._proc.send_signal(signal.SIGTERM)
    assert proc._proc.wait(10) == 0
    proc.stop()
