"""`make run`: the Canvas emulator and the portal, wired together, on this machine.

Both run as separate processes (started by the `harness` package, as in the tests and the
benchmark) that meet only over HTTP, exactly as the portal meets a real Canvas. The portal runs
under gunicorn with the repo's config and DEBUG on. Ctrl-C stops both.

LTI (docs/lti.md): the portal needs its LTI registration at start-up, and Canvas makes one only
when the tool's configuration is installed. So the demo fixes the LTI key's client id and
deployment id up front (as it fixes the API key's), starts the portal with them, then installs the
portal's own /lti/config.json into the emulator, as a Canvas admin would paste it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import requests

# Run as a script, Python puts scripts/ on sys.path, not the repo root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from canvas_emulator.demo_users import DEMO_USERS, HANA
from canvas_emulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from harness.emulator import EmulatorError, EmulatorProcess
from harness.portal import GunicornPortal
from harness.processes import wait_until_one_exits

# Demo-only LTI registration, chosen here and handed to the emulator at install (never real ids).
DEMO_LTI_CLIENT_ID = "10000000000100"
DEMO_LTI_DEPLOYMENT_ID = "1:contact-methods-demo"


def _echo_canvas(line: str) -> None:
    print(f"[canvas] {line}", flush=True)


def _portal_env(canvas: EmulatorProcess, platform: dict[str, str]) -> dict[str, str]:
    """The caller's environment (LTI_WINDOW_TARGET passes through, default "_blank") with the
    demo's Canvas wiring on top. LTI_TOOL_PRIVATE_KEY stays unset: with DJANGO_DEBUG the portal
    makes a dev-only key once and keeps it in run/."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
        # One readable line per request in the terminal, unless the caller asks for JSON.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "plain"),
        "CANVAS_BASE_URL": canvas.base_url,
        "CANVAS_CLIENT_ID": DEMO_CLIENT_ID,
        "CANVAS_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        # The issuer and Canvas's LTI endpoints come from the platform, as an admin reads them.
        "LTI_ISSUER": platform["issuer"],
        "LTI_CLIENT_ID": DEMO_LTI_CLIENT_ID,
        "LTI_DEPLOYMENT_IDS": DEMO_LTI_DEPLOYMENT_ID,
        "LTI_AUTH_URL": platform["auth_url"],
        "LTI_JWKS_URL": platform["jwks_url"],
    }


def _install_lti_tool(portal: GunicornPortal, canvas: EmulatorProcess) -> str:
    """Paste the portal's tool configuration into the emulator; its navigation link text."""
    answer = requests.get(f"{portal.base_url}/lti/config.json", timeout=5)
    answer.raise_for_status()
    config = answer.json()
    canvas.control(
        "POST",
        "lti/tools",
        {
            "config": config,
            "client_id": DEMO_LTI_CLIENT_ID,
            "deployment_id": DEMO_LTI_DEPLOYMENT_ID,
        },
    )
    return str(config["title"])


def _banner(portal: GunicornPortal, canvas: EmulatorProcess, link_text: str) -> str:
    window_target = os.environ.get("LTI_WINDOW_TARGET") or "_blank"
    opens_in = "a new tab" if window_target == "_blank" else "a frame inside Canvas"
    admin = HANA.name.split()[0]
    width = max(len(user.name) for user in DEMO_USERS)
    users = "".join(f"    {user.name:<{width}} - {user.about}\n" for user in DEMO_USERS)
    return (
        "\n"
        f"  Canvas emulator: {canvas.base_url}\n"
        f"  Portal:          {portal.base_url}/\n"
        f"  Canvas login:    {canvas.base_url}/login/canvas\n\n"
        f"  Open {portal.base_url}/ and choose “Sign in with Canvas”.\n"
        "  On the emulator's Canvas login page pick a demo user:\n"
        f"{users}\n"
        "  Inside Canvas (LTI 1.3): log in at the Canvas login page, then open\n"
        f"    {canvas.base_url}/profile     - Account page: the “{link_text}” link\n"
        f"    {canvas.base_url}/accounts/1  - admin page ({admin}): "
        f"the “{link_text} help desk” link\n"
        f"  The portal opens in {opens_in} (LTI_WINDOW_TARGET=iframe|_blank make run).\n\n"
        "  Press Ctrl-C to stop both.\n"
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same clean-up path as Ctrl-C


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--portal-port", type=int, default=8000)
    parser.add_argument("--emulator-port", type=int, default=8001)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    portal_url = f"http://127.0.0.1:{args.portal_port}"
    try:
        with ExitStack() as stack:
            try:
                canvas = stack.enter_context(
                    EmulatorProcess(
                        "demo", port=args.emulator_port, portal_url=portal_url, echo=_echo_canvas
                    )
                )
                platform = canvas.control("GET", "lti/platform")
            except (EmulatorError, OSError) as err:
                print(f"The Canvas emulator did not start: {err}", file=sys.stderr)
                return 1
            try:
                portal = stack.enter_context(
                    GunicornPortal(
                        args.portal_port,
                        _portal_env(canvas, platform),
                        None,  # gunicorn's lines go straight to the terminal
                        graceful_timeout=5,
                    )
                )
            except RuntimeError as err:
                print(f"The portal did not start: {err}", file=sys.stderr)
                return 1
            try:
                link_text = _install_lti_tool(portal, canvas)
            except (EmulatorError, requests.RequestException, KeyError) as err:
                print(f"Could not install the portal's LTI tool in Canvas: {err}", file=sys.stderr)
                return 1
            print(_banner(portal, canvas, link_text), flush=True)
            wait_until_one_exits(portal, canvas)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
