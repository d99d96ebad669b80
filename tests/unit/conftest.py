"""Unit tier: the pure rules, with neither the network nor a database.

Every test here is marked `unit`. A test that opens a connection (a socket, a DNS lookup) or
reaches the database fails on the spot, with an exception `except Exception` cannot swallow,
and a test that asks for the emulator or a database fixture stops collection: such a test
belongs in another tier (docs/architecture.md, "Test tiers").
"""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper

HERE = Path(__file__).parent
# Fixtures that start the emulator or open the database (pytest-django's and tests/conftest.py's).
FORBIDDEN_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_setup",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "emulator",
        "canvas",
        "student",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    misplaced = []
    for item in items:
        if HERE not in Path(item.fspath).parents:
            continue
        item.add_marker(pytest.mark.unit)
        asked = FORBIDDEN_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if asked or item.get_closest_marker("django_db"):
            misplaced.append(f"{item.nodeid} ({', '.join(sorted(asked)) or 'django_db'})")
    if misplaced:
        raise pytest.UsageError(
            "These unit tests ask for the emulator or the database, which the unit tier runs "
            "without; move them to another tier: " + "; ".join(misplaced)
        )


def _refuse(what: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        pytest.fail(f"A unit test tried to {what}; the unit tier runs without it.")

    return refuse


@pytest.fixture(autouse=True, scope="package")
def no_network_no_database() -> Iterator[None]:
    # Once for the whole tier (it must stay cheap), undone before any other tier runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _refuse("open a network connection"))
        patch.setattr(socket.socket, "connect_ex", _refuse("open a network connection"))
        patch.setattr(socket, "getaddrinfo", _refuse("look up a host name"))
        # pytest-django already blocks the database with a RuntimeError; this one cannot be
        # caught by the code under test and turned into a passing "Canvas failed" path.
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", _refuse("use the database"))
        yield
