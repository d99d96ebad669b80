"""The demo users of ``--seed demo``: the one place that names them and fixes their ids.

The seed creates them from these records; the tests, the benchmark, `make run`'s banner and
docs/emulator.md refer to them by these names instead of repeating numbers. Their contact
methods are in `seed.py` (what each one is for is in `about`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class DemoUser:
    id: int
    name: str
    login_id: str
    sis_user_id: str
    role: str  # "student", "admin" or "teacher" (canvas_emulator.state.User.role)
    about: str  # what the user shows, for the demo banner
    # Their Canvas locale (`user.locale`, docs/canvas-behaviour.md §15); None: Canvas's "en".
    locale: str | None = None


ADA: Final = DemoUser(
    1, "Ada Lovelace", "ada", "S1001", "student", "student (three contact methods, one unconfirmed)"
)
BEN: Final = DemoUser(2, "Ben Okafor", "ben", "S1002", "student", "student whose email bounces")
HANA: Final = DemoUser(3, "Hana Helpdesk", "helpdesk", "STAFF01", "admin", "help-desk admin")
THEO: Final = DemoUser(
    4, "Theo Teacher", "teacher", "T2001", "teacher", "teacher without admin rights"
)
ROSA: Final = DemoUser(
    5,
    "Rosa Support",
    "support",
    "STAFF02",
    "admin",
    "help desk without the notification rights (the delivery panel says what is missing)",
)
LUCIA: Final = DemoUser(
    6,
    "Lucía Fernández",
    "lucia",
    "S1003",
    "student",
    "student whose Canvas is in Spanish (one unconfirmed address)",
    locale="es",
)
AMIRA: Final = DemoUser(
    7,
    "Amira Haddad",
    "amira",
    "S1004",
    "student",
    "student whose Canvas is in Arabic, right to left (one unconfirmed address)",
    locale="ar",
)
DEMO_USERS: Final = (ADA, BEN, HANA, THEO, ROSA, LUCIA, AMIRA)

# Their ids by the part each plays in a test.
DEMO_STUDENT: Final = ADA.id  # active email, unconfirmed email, push
DEMO_BOUNCING: Final = BEN.id  # an email Canvas counts bounces for, an unconfirmed SMS
DEMO_ADMIN: Final = HANA.id  # account admin on account 1: the help desk
DEMO_TEACHER: Final = THEO.id  # no admin rights
DEMO_SUPPORT: Final = ROSA.id  # help desk without view_notifications / view_statistics
DEMO_SPANISH: Final = LUCIA.id  # Canvas locale "es": the portal in Spanish
DEMO_ARABIC: Final = AMIRA.id  # Canvas locale "ar": the portal in Arabic, right to left
