"""One emulator process (``--seed demo``) for the whole emulator suite, reset before each test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The harness is a top-level package (``harness``); make sure the repo root is importable even
# when pytest's rootdir insertion puts tests/ (not the root) on sys.path.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from harness.emulator import EmulatorProcess  # noqa: E402

from .helpers import Api  # noqa: E402


@pytest.fixture(scope="session")
def emu() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("demo") as process:
        yield process


@pytest.fixture(autouse=True)
def _fresh_state(emu: EmulatorProcess) -> None:
    emu.reset()


@pytest.fixture
def api(emu: EmulatorProcess) -> Callable[[int], Api]:
    def make(user_id: int) -> Api:
        return Api(emu.base_url, emu.token_for(user_id))

    return make
