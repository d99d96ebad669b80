"""The help desk's part in sign-in: learn once whether the new user is staff."""

import contextlib
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from accounts.signals import user_signed_in
from accounts.tokens import StoredToken
from canvas.client import CanvasClient
from canvas.errors import CanvasProblem
from helpdesk import staff


@receiver(user_signed_in)
def learn_staff_status(sender: object, *, request: HttpRequest, user_id: int, **_: Any) -> None:
    # One call, so the header can offer the help desk (students get "no" from Canvas at once).
    # Help-desk pages check again on every request, whatever this says.
    with contextlib.suppress(CanvasProblem):
        staff.staff_status(request.session, CanvasClient(StoredToken(user_id)), user_id)
