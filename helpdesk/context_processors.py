"""What every page needs from the help desk: whether to offer the link in the header."""

from typing import Any

from django.http import HttpRequest

from accounts.session import current_user
from helpdesk import staff


def helpdesk(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    return {"offer_helpdesk": user is not None and staff.offers_link(request.session, user.id)}
