#!/usr/bin/env bash
# The browser tests need Debian's Chromium (Playwright cannot download its own browser here).
# They never skip silently: without Chromium, `make test` stops and says how to get it.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "Chromium was not found at $CHROMIUM; the browser tests need it." >&2
  echo "Install it with:  sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "(or set CHROMIUM_PATH to another Chromium binary)." >&2
  exit 1
fi
