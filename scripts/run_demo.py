"""`make run`: the Canvas emulator and the portal, wired together, on this machine.

Both run as separate processes that meet only over HTTP, exactly as the portal meets a real
Canvas. Ctrl-C stops both.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
DEMO_CLIENT_ID = "10000000000001"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - the emulator's published demo key


def _forward(stream: IO[str]) -> None:
    for line in stream:
        sys.stdout.write(f"[canvas] {line}")
        sys.stdout.flush()


def _wait_until_up(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own local URL
                return
        except OSError:
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--portal-port", type=int, default=8000)
    parser.add_argument("--emulator-port", type=int, default=8001)
    args = parser.parse_args()
    portal_url = f"http://127.0.0.1:{args.portal_port}"
    canvas_url = f"http://127.0.0.1:{args.emulator_port}"

    emulator = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "canvas_emulator",
            "--port",
            str(args.emulator_port),
            "--seed",
            "demo",
            "--portal-url",
            portal_url,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None
    first = emulator.stdout.readline().strip()
    if not first.startswith("Canvas emulator listening"):
        emulator.kill()
        print(f"The Canvas emulator did not start: {first!r}", file=sys.stderr)
        return 1
    # Keep the emulator's pipe drained (a full pipe would block it) and show its start-up lines.
    threading.Thread(target=_forward, args=(emulator.stdout,), daemon=True).start()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "CANVAS_BASE_URL": canvas_url,
        "CANVAS_CLIENT_ID": DEMO_CLIENT_ID,
        "CANVAS_CLIENT_SECRET": DEMO_CLIENT_SECRET,
    }
    portal = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.portal_port}", "--noreload"],
        cwd=ROOT,
        env=env,
    )
    _wait_until_up(f"{portal_url}/healthz")
    print(
        "\n"
        f"  Canvas emulator: {canvas_url}\n"
        f"  Portal:          {portal_url}/\n\n"
        f"  Open {portal_url}/ and choose “Sign in with Canvas”.\n"
        "  On the emulator's Canvas login page pick a demo user:\n"
        "    Ada Lovelace   - student (three contact methods, one unconfirmed)\n"
        "    Ben Okafor     - student whose email bounces\n"
        "    Hana Helpdesk  - help-desk admin\n"
        "    Theo Teacher   - teacher without admin rights\n\n"
        "  Press Ctrl-C to stop both.\n",
        flush=True,
    )

    def stop(*_: object) -> None:
        for process in (portal, emulator):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while portal.poll() is None and emulator.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in (portal, emulator):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
