"""`{{ message|with_help_desk }}`: a sentence, and the help desk's contact when it asks for it."""

from django import template
from django.utils.safestring import SafeString

from portal import help_desk

register = template.Library()


@register.filter
def with_help_desk(message: str) -> SafeString:
    return help_desk.with_help_desk(message)
