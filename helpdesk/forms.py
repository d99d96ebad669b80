"""The help desk's forms: finding a user, replacing an email address, filtering the audit log,
and the reason or ticket reference every change carries (HELPDESK_AUDIT_REASON)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from canvas.records import Channel
from helpdesk import wording
from portal.forms import PortalForm

NOT_AUTOFILLED = {"autocomplete": "off", "spellcheck": "false"}


# --- the reason for a change -------------------------------------------------------------------

REASON_FIELD = "reason"
REASON_MAX_LENGTH = 255


def reason_policy() -> str:
    """`required`, `optional` or `off` (HELPDESK_AUDIT_REASON)."""
    return str(settings.HELPDESK_AUDIT_REASON)


def reason_from(data: QueryDict) -> str:
    """The reason as posted, trimmed to what the audit row keeps; blank when the field is off."""
    if reason_policy() == "off":
        return ""
    return " ".join(data.get(REASON_FIELD, "").split())[:REASON_MAX_LENGTH]


def reason_missing(data: QueryDict) -> bool:
    """A change posted without the reason the policy requires: refused before Canvas is asked."""
    return reason_policy() == "required" and not reason_from(data)


def reason_field() -> forms.CharField:
    required = reason_policy() == "required"
    return forms.CharField(
        label=wording.REASON_LABEL,
        required=required,
        max_length=REASON_MAX_LENGTH,
        strip=True,
        help_text=wording.REASON_HINT_REQUIRED if required else wording.REASON_HINT_OPTIONAL,
        error_messages={"required": wording.REASON_MISSING},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class SearchForm(PortalForm):
    """Shown with the query as typed; the view reads `q` itself (Canvas does the matching)."""

    q = forms.CharField(
        label=gettext_lazy("Name, login id, email or SIS id"),
        required=False,
        max_length=255,
        widget=forms.SearchInput(attrs=NOT_AUTOFILLED),
    )

    def __init__(self, *args: Any, min_length: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = wording.search_hint(min_length)


class ReplaceEmailForm(PortalForm):
    old_channel_id = forms.TypedChoiceField(
        label=gettext_lazy("Email address to replace"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the address to replace."),
            "invalid_choice": gettext_lazy(
                "That address is no longer on the list. Choose one that is."
            ),
        },
    )
    new_address = forms.CharField(
        label=gettext_lazy("New email address"),
        max_length=254,
        strip=True,
        error_messages={"required": gettext_lazy("Enter the new email address.")},
        widget=forms.EmailInput(attrs=NOT_AUTOFILLED),
    )
    skip_confirmation = forms.BooleanField(
        label=gettext_lazy("Skip confirmation (the user will not be asked to confirm)"),
        required=False,
    )

    def __init__(
        self, *args: Any, emails: list[Channel], staff_can_skip: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.emails = {channel.id: channel for channel in emails}
        self.fields["old_channel_id"].choices = [(c.id, wording.email_choice(c)) for c in emails]  # type: ignore[attr-defined]
        self.fields["skip_confirmation"].help_text = (
            wording.SKIP_PERMITTED if staff_can_skip else wording.SKIP_PROBABLY_IGNORED
        )
        if reason_policy() != "off":
            self.fields[REASON_FIELD] = reason_field()

    def clean_new_address(self) -> str:
        address: str = self.cleaned_data["new_address"]
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                gettext("Enter a complete email address, like name@example.com.")
            ) from exc
        return address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        old = self.emails.get(cleaned.get("old_channel_id", -1))
        new = cleaned.get("new_address")
        if old and new and old.address.casefold() == new.casefold():
            self.add_error("new_address", gettext("The new address is the same as the old one."))
        cleaned["old"] = old
        return cleaned


class AuditFilterForm(PortalForm):
    # Filters are read, not a mistake to fix at once: focus stays where the reader put it.
    focus_on_error = False

    actor = forms.CharField(
        label=gettext_lazy("Staff member"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Canvas id or part of a name"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    target = forms.CharField(
        label=pgettext_lazy("audit filter", "User"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("Canvas id or part of a name"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    action = forms.ChoiceField(
        label=pgettext_lazy("audit filter", "Action"),
        required=False,
        choices=[("", gettext_lazy("Any action")), *wording.ACTION_LABELS.items()],
        error_messages={"invalid_choice": gettext_lazy("Choose an action from the list.")},
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("audit filter", "Outcome"),
        required=False,
        choices=[("", gettext_lazy("Any outcome")), *wording.OUTCOME_LABELS.items()],
        error_messages={"invalid_choice": gettext_lazy("Choose an outcome from the list.")},
    )
    address = forms.CharField(
        label=pgettext_lazy("audit filter", "Address"),
        required=False,
        max_length=320,
        help_text=gettext_lazy("Part of an email address or phone number"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_from = forms.DateField(
        label=pgettext_lazy("audit filter, first day", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-01-31.")},
    )
    date_to = forms.DateField(
        label=pgettext_lazy("audit filter, last day", "To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-01-31.")},
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("The end date is before the start date."))
        return cleaned
