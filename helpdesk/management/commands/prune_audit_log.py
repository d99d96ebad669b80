"""Delete help-desk audit rows older than the retention period (AUDIT_RETENTION_DAYS).

The only code path that removes audit rows. Run it daily from cron or a scheduler, e.g.
`python manage.py prune_audit_log`; `--dry-run` shows what would go.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from helpdesk.models import AuditEntry


class Command(BaseCommand):
    help = "Delete help-desk audit rows older than AUDIT_RETENTION_DAYS (default 400)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of AUDIT_RETENTION_DAYS.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the rows that would be deleted."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.AUDIT_RETENTION_DAYS
        if days < 1:
            # 0 would wipe the whole log: almost certainly a typo, never what retention means.
            raise CommandError("The retention period must be at least 1 day.")
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditEntry.objects.filter(created_at__lt=cutoff)
        if options["dry_run"]:
            self.stdout.write(
                f"Would delete {old.count()} audit rows older than {cutoff:%Y-%m-%d %H:%M} UTC."
            )
            return
        deleted = AuditEntry.objects.prune_before(cutoff)
        self.stdout.write(f"Deleted {deleted} audit rows older than {cutoff:%Y-%m-%d %H:%M} UTC.")
