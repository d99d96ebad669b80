"""Canvas records built directly, as Canvas would send them, for the unit tier."""

from canvas.records import Channel


def channel(
    id: int = 1,
    type: str = "email",
    address: str = "",
    *,
    position: int | None = None,
    workflow_state: str = "active",
    bounce_count: int | None = None,
) -> Channel:
    """A channel of user 7. The address defaults to one unique per id, the position to the id."""
    if not address:
        address = {"email": f"user{id}@example.edu", "sms": f"+1201555{id:04d}"}.get(
            type, "For All Devices"
        )
    return Channel(
        id=id,
        type=type,
        address=address,
        position=id if position is None else position,
        workflow_state=workflow_state,
        user_id=7,
        bounce_count=bounce_count,
    )
