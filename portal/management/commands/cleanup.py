"""Housekeeping for cron: expired sessions, Canvas tokens nobody has used for a while, and
abuse-limit counters whose window has ended.

Safe to run on any one machine at any time and as often as you like (e.g. hourly). A token's
`updated_at` moves on every refresh, which happens within an hour of any use, so a token untouched
for N days belongs to someone who has not used the portal for N days; they simply sign in again.

Each stale token is revoked at Canvas before its row is deleted (a deleted-but-live token is a
credential nobody controls). When Canvas cannot be reached the row is kept for the next run;
when Canvas refuses (the token is already dead there) the row goes, and the refusal is logged.
"""

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from accounts import tokens as token_store
from accounts.models import CanvasToken
from portal import counters as rate_counters

DEFAULT_TOKEN_DAYS = 30


class Command(BaseCommand):
    help = "Delete expired sessions and Canvas tokens not used or refreshed for --token-days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--token-days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            help=f"Delete tokens untouched for this many days (default {DEFAULT_TOKEN_DAYS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args: Any, token_days: int, dry_run: bool = False, **options: Any) -> None:
        if token_days < 1:
            self.stderr.write("--token-days must be at least 1.")
            raise SystemExit(2)
        sessions = self._expired_sessions(dry_run=dry_run)
        cutoff = timezone.now() - timedelta(days=token_days)
        stale = CanvasToken.objects.filter(updated_at__lt=cutoff).order_by("pk")
        kept = 0
        if dry_run:
            tokens = stale.count()
        else:
            # Row by row: each is revoked at Canvas first, and deleted only if it did not change
            # meanwhile (a token refreshed right now is in use, not stale).
            tokens = 0
            for row in stale.iterator(chunk_size=100):
                if token_store.forget(row, keep_if_unreachable=True):
                    tokens += 1
                else:
                    kept += 1
        launches = _expired_lti_launches(dry_run=dry_run)
        counters = rate_counters.delete_ended(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {sessions} expired session(s), {tokens} token(s) "
            f"untouched for {token_days} day(s), {launches} expired LTI launch record(s) and "
            f"{counters} ended abuse-limit counter(s)."
        )
        if kept:
            self.stderr.write(
                f"Kept {kept} stale token(s) that Canvas could not be asked to revoke (it did not "
                "answer, or the token changed meanwhile); the next run tries again."
            )

    def _expired_sessions(self, *, dry_run: bool) -> int | str:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not hasattr(store, "get_model_class"):
            # Not database sessions: let the engine do what it can (cache entries expire alone).
            if not dry_run:
                store.clear_expired()
            return "all"
        expired = store.get_model_class().objects.filter(expire_date__lt=timezone.now())
        removed: int = expired.count() if dry_run else expired.delete()[0]
        return removed


def _expired_lti_launches(*, dry_run: bool) -> int:
    if not apps.is_installed("lti"):
        return 0
    from lti import state  # only importable when the optional app is installed

    return state.prune_expired(dry_run=dry_run)
