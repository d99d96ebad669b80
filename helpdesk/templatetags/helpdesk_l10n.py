"""`{{ when|utc_time }}` and `{{ count|grouped }}`: times and counts on the help-desk pages, in the
page's language (docs/i18n.md: times in UTC, and the pages say so)."""

from datetime import datetime

from django import template
from django.utils import formats

from helpdesk import wording

register = template.Library()


@register.filter
def utc_time(when: datetime | None, precision: str = "minutes") -> str:
    """`precision` "seconds" for the audit log, where the order of rows matters."""
    return wording.readable_time(when, seconds=precision == "seconds") if when else ""


@register.filter
def grouped(number: int) -> str:
    """A count with the language's thousands separator (1,234 / 1 234), whatever the setting."""
    return formats.number_format(number, force_grouping=True)
