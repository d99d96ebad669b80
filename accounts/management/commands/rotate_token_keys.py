"""Re-encrypt every stored Canvas token with the newest key in TOKEN_ENCRYPTION_KEYS.

Rotation: put the new key first in TOKEN_ENCRYPTION_KEYS on every process (old tokens stay
readable, new ones use the new key), run this command once, then drop the old key.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.crypto import UnreadableToken, reencrypt
from accounts.models import CanvasToken

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every stored Canvas token with the newest TOKEN_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete-unreadable",
            action="store_true",
            help="Delete tokens no configured key can read (their users sign in again).",
        )

    def handle(self, *args: Any, delete_unreadable: bool = False, **options: Any) -> None:
        rotated = changed_meanwhile = unreadable = 0
        rows = CanvasToken.objects.only(
            "pk", "access_token_encrypted", "refresh_token_encrypted"
        ).order_by("pk")
        for row in rows.iterator(chunk_size=BATCH):
            try:
                access = reencrypt(row.access_token_encrypted)
                refresh = (
                    reencrypt(row.refresh_token_encrypted) if row.refresh_token_encrypted else ""
                )
            except UnreadableToken:
                unreadable += 1
                if delete_unreadable:
                    CanvasToken.objects.filter(
                        pk=row.pk, access_token_encrypted=row.access_token_encrypted
                    ).delete()
                continue
            # Compare-and-swap: if a refresh rewrote the row since it was read, it is already
            # encrypted with the newest key, and writing the old token back would undo it.
            # `update` leaves updated_at alone, so rotating does not make stale tokens look used.
            written = CanvasToken.objects.filter(
                pk=row.pk,
                access_token_encrypted=row.access_token_encrypted,
                refresh_token_encrypted=row.refresh_token_encrypted,
            ).update(access_token_encrypted=access, refresh_token_encrypted=refresh)
            if written:
                rotated += 1
            else:
                changed_meanwhile += 1
        self.stdout.write(
            f"Re-encrypted {rotated} token(s); {changed_meanwhile} changed meanwhile (already on "
            f"the newest key); {unreadable} unreadable"
            + (" (deleted)." if delete_unreadable and unreadable else ".")
        )
        if unreadable and not delete_unreadable:
            self.stderr.write(
                "Some tokens cannot be read with any configured key. Keep the old keys until you "
                "know why, or run again with --delete-unreadable (those users sign in again)."
            )
