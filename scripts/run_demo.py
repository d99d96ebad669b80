"""`make run`: the Canvas emulator and the portal, wired together, on this machine.

Both run as separate processes that meet only over HTTP, exactly as the portal meets a real
Canvas. Ctrl-C stops both.

LTI (docs/lti.md): the portal needs its LTI registration at start-up, and Canvas makes one only
when the tool's configuration is installed. So the demo fixes the LTI key's client id and
deployment id up front (as it fixes the API key's), starts the portal with them, then installs the
portal's own /lti/config.json into the emulator, as a Canvas admin would paste it.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_CLIENT_ID = "10000000000001"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - the emulator's published demo key
# Demo-only LTI registration, chosen here and handed to the emulator at install (never real ids).
DEMO_LTI_CLIENT_ID = "10000000000100"
DEMO_LTI_DEPLOYMENT_ID = "1:contact-methods-demo"


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


def _json(url: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or POST ``body`` as JSON to) one of our own local URLs; the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - our own URL
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own URL
        return json.load(response)


def _install_lti_tool(portal_url: str, canvas_url: str) -> str:
    """Paste the portal's tool configuration into the emulator; its navigation link text."""
    try:
        config = _json(f"{portal_url}/lti/config.json")
        _json(
            f"{canvas_url}/__emulator__/lti/tools",
            {
                "config": config,
                "client_id": DEMO_LTI_CLIENT_ID,
                "deployment_id": DEMO_LTI_DEPLOYMENT_ID,
            },
        )
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"{err.code} {err.read().decode(errors='replace')}") from err
    except OSError as err:
        raise RuntimeError(str(err)) from err
    return str(config["title"])


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
    # The issuer and Canvas's LTI endpoints come from the platform itself, as an admin reads them.
    try:
        platform = _json(f"{canvas_url}/__emulator__/lti/platform")
    except OSError as err:
        emulator.kill()
        print(f"The Canvas emulator did not answer: {err}", file=sys.stderr)
        return 1
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "CANVAS_BASE_URL": canvas_url,
        "CANVAS_CLIENT_ID": DEMO_CLIENT_ID,
        "CANVAS_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "LTI_ISSUER": platform["issuer"],
        "LTI_CLIENT_ID": DEMO_LTI_CLIENT_ID,
        "LTI_DEPLOYMENT_IDS": DEMO_LTI_DEPLOYMENT_ID,
        "LTI_AUTH_URL": platform["auth_url"],
        "LTI_JWKS_URL": platform["jwks_url"],
        # LTI_TOOL_PRIVATE_KEY stays unset: with DJANGO_DEBUG the portal makes a dev-only key once.
        # LTI_WINDOW_TARGET passes through from the caller's environment (default "_blank").
    }
    window_target = env.get("LTI_WINDOW_TARGET") or "_blank"
    portal = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.portal_port}", "--noreload"],
        cwd=ROOT,
        env=env,
    )
    _wait_until_up(f"{portal_url}/healthz")
    try:
        link_text = _install_lti_tool(portal_url, canvas_url)
    except RuntimeError as err:
        print(f"Could not install the portal's LTI tool in Canvas: {err}", file=sys.stderr)
        for process in (portal, emulator):
            process.terminate()
            process.wait(timeout=5)
        return 1
    opens_in = "a new tab" if window_target == "_blank" else "a frame inside Canvas"
    print(
        "\n"
        f"  Canvas emulator: {canvas_url}\n"
        f"  Portal:          {portal_url}/\n"
        f"  Canvas login:    {canvas_url}/login/canvas\n\n"
        f"  Open {portal_url}/ and choose “Sign in with Canvas”.\n"
        "  On the emulator's Canvas login page pick a demo user:\n"
        "    Ada Lovelace   - student (three contact methods, one unconfirmed)\n"
        "    Ben Okafor     - student whose email bounces\n"
        "    Hana Helpdesk  - help-desk admin\n"
        "    Theo Teacher   - teacher without admin rights\n\n"
        "  Inside Canvas (LTI 1.3): log in at the Canvas login page, then open\n"
        f"    {canvas_url}/profile     - Account page: the “{link_text}” link\n"
        f"    {canvas_url}/accounts/1  - admin page (Hana): the “{link_text} help desk” link\n"
        f"  The portal opens in {opens_in} (LTI_WINDOW_TARGET=iframe|_blank make run).\n\n"
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
