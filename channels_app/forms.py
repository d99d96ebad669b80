"""Input checks done before anything is sent to Canvas, with messages a student understands."""

from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

CHANNEL_TYPE_CHOICES = [("email", "Email"), ("sms", "Text message (SMS)")]


class AddChannelForm(forms.Form):
    channel_type = forms.ChoiceField(
        label="Type",
        choices=CHANNEL_TYPE_CHOICES,
        initial="email",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose email or text message."},
    )
    address = forms.CharField(
        label="Email address or mobile number",
        max_length=254,
        strip=True,
        error_messages={"required": "Enter the email address or mobile number to add."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        channel_type, address = cleaned.get("channel_type"), cleaned.get("address")
        if not channel_type or not address:
            return cleaned
        if channel_type == "email":
            try:
                validate_email(address)
            except ValidationError:
                self.add_error("address", "Enter a complete email address, like name@example.com.")
        else:
            normalised = normalise_phone(address)
            if normalised is None:
                self.add_error(
                    "address",
                    "Enter a mobile number Canvas can text, like (202) 555-0143 "
                    "or +44 7700 900123 with the country code.",
                )
            else:
                cleaned["address"] = normalised
        return cleaned


def normalise_phone(text: str) -> str | None:
    """E.164 (+12025550143) for a valid number, read in the configured default region."""
    try:
        number = phonenumbers.parse(text, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PushTokenForm(forms.Form):
    push_token = forms.CharField(
        label="Device push token",
        max_length=4096,
        strip=True,
        error_messages={"required": "Paste the device's push token."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
