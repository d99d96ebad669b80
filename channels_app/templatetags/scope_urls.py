"""`{% scope_url scope "remove" row.id as url %}`: a channel action's URL for whoever the page
acts on (the student, or the user the help desk is helping), from `reverse()`."""

from django import template

from channels_app.scope import Action, Scope

register = template.Library()


@register.simple_tag
def scope_url(scope: Scope, action: Action, channel_id: int | None = None) -> str:
    return scope.url(action, channel_id)
