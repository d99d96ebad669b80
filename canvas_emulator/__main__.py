"""Command line: ``python -m canvas_emulator --port N [--host H] [--seed demo|none] ...``."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from .seed import DEFAULT_PORTAL_URL, SEEDS
from .server import App, make_server


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m canvas_emulator",
        description=(
            "Run a local stand-in for Canvas LMS (communication channels, users, accounts and "
            "OAuth2) with in-memory state. Test controls live under /__emulator__/ "
            "(see docs/emulator.md)."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        required=True,
        help="TCP port to listen on; 0 picks a free port (the first stdout line names it)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--seed",
        choices=SEEDS,
        default="none",
        help=(
            "start-up data, restored by POST /__emulator__/reset: 'none' = only the root account "
            "(default, for tests); 'demo' = four demo users and a demo developer key whose "
            "client id/secret are fixed and public (demo only)"
        ),
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        metavar="L",
        help="delay every /api/v1 and /login/oauth2/token request by L ms (default: 0)",
    )
    parser.add_argument(
        "--portal-url",
        default=DEFAULT_PORTAL_URL,
        help=(
            "base URL of the portal; the demo developer key's redirect URI is "
            "<portal-url>/oauth/callback/ (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--deliver-sms",
        action="store_true",
        help=(
            "deliver SMS messages (confirmation codes) as older Canvas could; by default every "
            "SMS is recorded as cancelled, as current Canvas does"
        ),
    )
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds serve_forever in the main thread


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.latency_ms < 0:
        build_parser().error("--latency-ms must be >= 0")
    app = App(
        args.seed,
        portal_url=args.portal_url,
        latency_ms=args.latency_ms,
        deliver_sms=args.deliver_sms,
    )
    server = make_server(app, args.host, args.port)
    # The address the socket is bound to, as text (server_address is typed to allow bytes).
    host, port = server.socket.getsockname()[:2]
    # Contract: the FIRST stdout line, flushed, is exactly this (tests read the port from it).
    # Before announcing: a supervisor may send SIGTERM as soon as it reads the line below.
    signal.signal(signal.SIGTERM, _stop)
    try:
        print(f"Canvas emulator listening on http://{host}:{port}", flush=True)
        if app.demo_key is not None:
            key = app.demo_key
            print(f"Demo developer key client_id: {key.client_id}")
            print(f"Demo developer key client_secret: {key.client_secret} (demo only, not secret)")
            print(f"Demo developer key redirect_uri: {key.redirect_uris[0]}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
