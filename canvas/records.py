"""Typed records built from Canvas JSON, parsed defensively (fields vary across versions)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from canvas.errors import Unavailable


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Channel:
    id: int
    type: str
    address: str
    position: int
    workflow_state: str
    user_id: int | None = None
    created_at: datetime | None = None
    bounce_count: int | None = None

    @property
    def is_active(self) -> bool:
        return self.workflow_state == "active"

    @property
    def is_unconfirmed(self) -> bool:
        return self.workflow_state == "unconfirmed"

    @classmethod
    def from_json(cls, data: Any) -> "Channel":
        try:
            return cls(
                # `application/json+canvas-string-ids` sends ids as strings.
                id=int(data["id"]),
                type=str(data["type"]),
                address=str(data["address"]),
                position=int(data.get("position") or 0),
                workflow_state=str(data["workflow_state"]),
                user_id=int(data["user_id"]) if data.get("user_id") is not None else None,
                created_at=_parse_time(data.get("created_at")),
                bounce_count=(
                    int(data["bounce_count"]) if data.get("bounce_count") is not None else None
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"Unexpected channel record from Canvas: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        """The shape Canvas uses, so a cached record parses back with from_json."""
        return {
            "id": self.id,
            "type": self.type,
            "address": self.address,
            "position": self.position,
            "workflow_state": self.workflow_state,
            "user_id": self.user_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "bounce_count": self.bounce_count,
        }


@dataclass(frozen=True)
class CanvasUser:
    id: int
    name: str
    sortable_name: str = ""
    login_id: str | None = None
    sis_user_id: str | None = None
    email: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> "CanvasUser":
        try:
            return cls(
                id=int(data["id"]),
                name=str(data.get("name") or data.get("short_name") or ""),
                sortable_name=str(data.get("sortable_name") or ""),
                login_id=data.get("login_id"),
                sis_user_id=data.get("sis_user_id"),
                email=data.get("email") or data.get("primary_email"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"Unexpected user record from Canvas: {exc}") from exc


@dataclass(frozen=True)
class TokenGrant:
    """What the OAuth token endpoint answered."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    # None only on refresh answers, where the portal already knows whose token it is; a code
    # exchange whose answer names no user is refused (`TokenWithoutUser`).
    user_id: int | None
    user_name: str
    # The locale Canvas chose for this user (`user.effective_locale`, docs/canvas-behaviour.md
    # §15.1), as Canvas spells it (`pt-BR`, `zh-Hans`); None when the answer had none.
    effective_locale: str | None = None


@dataclass(frozen=True)
class BouncedChannel:
    """One row of the bounced-channel report (docs/canvas-behaviour.md §14.1)."""

    user_id: int
    channel_id: int
    address: str
    bounced_at: datetime | None
    reason: str

    @classmethod
    def rows_from_report(cls, data: Any) -> list["BouncedChannel"]:
        """The report is an array of arrays whose first row is the (translated) header row, so
        columns are read by position, as Canvas's own spec fixes them."""
        if not isinstance(data, list):
            raise Unavailable("Unexpected bounced-channel report from Canvas")
        rows = []
        try:
            for row in data[1:]:
                rows.append(
                    cls(
                        user_id=int(row[0]),
                        channel_id=int(row[2]),
                        address=str(row[4] or ""),
                        bounced_at=_parse_time(row[5]),
                        reason=str(row[6] or ""),
                    )
                )
        except (IndexError, KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"Unexpected bounced-channel row from Canvas: {exc}") from exc
        return rows


@dataclass(frozen=True)
class CommMessage:
    """A message Canvas sent, or tried to send, to a user (docs/canvas-behaviour.md §14.3)."""

    id: int
    created_at: datetime | None
    sent_at: datetime | None
    workflow_state: str
    to: str
    subject: str

    @classmethod
    def from_json(cls, data: Any) -> "CommMessage":
        try:
            return cls(
                id=int(data["id"]),
                created_at=_parse_time(data.get("created_at")),
                sent_at=_parse_time(data.get("sent_at")),
                workflow_state=str(data.get("workflow_state") or ""),
                to=str(data.get("to") or ""),
                subject=str(data.get("subject") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(f"Unexpected message record from Canvas: {exc}") from exc


@dataclass(frozen=True)
class NotificationPreference:
    """How often one notification goes to one channel (docs/canvas-behaviour.md §6, §11.4).

    `notification` and `category` are the API's underscored spellings ("new_announcement",
    "due_date"); `frequency` is immediately, daily, weekly or never."""

    notification: str
    category: str
    frequency: str

    @classmethod
    def from_json(cls, data: Any) -> "NotificationPreference":
        try:
            return cls(
                notification=str(data["notification"]),
                category=str(data["category"]),
                frequency=str(data["frequency"]),
            )
        except (KeyError, TypeError) as exc:
            raise Unavailable(f"Unexpected notification preference from Canvas: {exc}") from exc
