"""Input checks done before anything is sent to Canvas, with messages a student understands."""

from dataclasses import dataclass
from functools import cache
from typing import Any

import idna
import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from phonenumbers import PhoneNumberType

from channels_app import wording
from portal.forms import PortalForm

CHANNEL_TYPE_CHOICES = [
    ("email", pgettext_lazy("contact method type", "Email")),
    ("sms", gettext_lazy("Text message (SMS)")),
]
EMAIL_ONLY_CHOICES = CHANNEL_TYPE_CHOICES[:1]

# Types that can receive a text message. US and Canadian numbers do not tell a mobile from a
# landline, so phonenumbers calls every one of them FIXED_LINE_OR_MOBILE: that must stay allowed.
TEXTABLE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Whole sentences per refused type (none is assembled).
NOT_MOBILE_MESSAGES = {
    PhoneNumberType.PREMIUM_RATE: gettext_lazy(
        "That looks like a premium-rate number. "
        "Enter a mobile number that can receive text messages."
    ),
    PhoneNumberType.TOLL_FREE: gettext_lazy(
        "That looks like a toll-free number. Enter a mobile number that can receive text messages."
    ),
    PhoneNumberType.SHARED_COST: gettext_lazy(
        "That looks like a shared-cost number. "
        "Enter a mobile number that can receive text messages."
    ),
    PhoneNumberType.FIXED_LINE: gettext_lazy(
        "That looks like a landline number. Enter a mobile number that can receive text messages."
    ),
    PhoneNumberType.VOIP: gettext_lazy(
        "That looks like an internet phone (VoIP) number. "
        "Enter a mobile number that can receive text messages."
    ),
    PhoneNumberType.PAGER: gettext_lazy(
        "That looks like a pager number. Enter a mobile number that can receive text messages."
    ),
}
OTHER_NOT_MOBILE_MESSAGE = gettext_lazy(
    "That does not look like a mobile number. Enter a mobile number that can receive text messages."
)


@dataclass(frozen=True)
class PhoneExamples:
    """Example mobile numbers the form itself accepts, so the hint never contradicts it."""

    local: str  # in the default region, written as people there write it
    international: str  # another country's, with its country code


@cache
def phone_examples(region: str) -> PhoneExamples:
    other = "US" if region == "GB" else "GB"

    def example(in_region: str) -> phonenumbers.PhoneNumber:
        number = phonenumbers.example_number_for_type(in_region, PhoneNumberType.MOBILE)
        if number is None:  # a region phonenumbers does not know: fall back to the US
            number = phonenumbers.example_number_for_type("US", PhoneNumberType.MOBILE)
        if number is None:
            raise LookupError("phonenumbers has no example US mobile number")
        return number

    return PhoneExamples(
        local=phonenumbers.format_number(example(region), phonenumbers.PhoneNumberFormat.NATIONAL),
        international=phonenumbers.format_number(
            example(other), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
    )


class AddChannelForm(PortalForm):
    channel_type = forms.ChoiceField(
        label=pgettext_lazy("contact method", "Type"),
        choices=CHANNEL_TYPE_CHOICES,
        initial="email",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose email or text message.")},
    )
    address = forms.CharField(
        label=gettext_lazy("Email address or mobile number"),
        max_length=254,
        strip=True,
        error_messages={
            "required": gettext_lazy("Enter the email address or mobile number to add.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The ASCII address the user agreed to store, ticked on the confirmation step an address with a
    # non-ASCII domain gets (a look-alike of a known domain shows up in its punycode form).
    confirm_address = forms.CharField(required=False, max_length=254)
    # Offered on help-desk pages only (the form drops it elsewhere); Canvas alone decides
    # whether to honour it.
    skip_confirmation = forms.BooleanField(
        label=gettext_lazy("Skip confirmation (the user will not be asked to confirm)"),
        required=False,
    )

    # Set when the address needs that confirmation: the ASCII form Canvas would store.
    ascii_to_confirm: str = ""
    # That confirmation is a question, not a mistake: the field is not marked invalid.
    question_codes = frozenset({"confirm_ascii"})

    def __init__(
        self,
        *args: Any,
        can_skip_confirmation: bool = False,
        offer_sms: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not can_skip_confirmation:
            del self.fields["skip_confirmation"]
        self.offers_sms = offer_sms
        if not offer_sms:
            # Current Canvas cancels every SMS, its confirmation code included (§11.3): a number
            # added here could never be confirmed. A posted "sms" is an invalid choice.
            channel_type = self.fields["channel_type"]
            assert isinstance(channel_type, forms.ChoiceField)
            channel_type.choices = EMAIL_ONLY_CHOICES
            self.fields["address"].label = wording.EMAIL_ONLY_LABEL
            self.fields["address"].error_messages["required"] = wording.EMAIL_ONLY_REQUIRED
            return
        self.fields["address"].help_text = wording.address_hint(
            local=self.phone_examples.local, international=self.phone_examples.international
        )

    @property
    def phone_examples(self) -> PhoneExamples:
        return phone_examples(settings.PHONE_DEFAULT_REGION)

    def clean(self) -> dict[str, Any]:
        super().clean()
        # Form.clean returns cleaned_data itself (typed Optional only because a subclass may
        # return None to keep it), so this is the dict the checks below read and amend.
        cleaned = self.cleaned_data
        channel_type, address = cleaned.get("channel_type"), cleaned.get("address")
        if not channel_type or not address:
            return cleaned
        try:
            if channel_type == "email":
                cleaned["address"] = self._email(address, cleaned.get("confirm_address") or "")
            else:
                cleaned["address"] = mobile_number(address, self.phone_examples)
        except ValidationError as error:
            self.add_error("address", error)
        return cleaned

    def _email(self, address: str, confirmed: str) -> str:
        stored = ascii_email(address)
        if stored == address:
            return stored
        if confirmed != stored:
            self.ascii_to_confirm = stored
            raise ValidationError(
                gettext(
                    "This address uses letters outside the English alphabet. Canvas will store "
                    "this address as %(stored)s. Add it?"
                )
                % {"stored": stored},
                code="confirm_ascii",
            )
        return stored


def ascii_email(address: str) -> str:
    """The address as Canvas stores it: a non-ASCII domain in its punycode (IDNA 2008) form.

    Canvas accepts ASCII addresses only; the student confirms the converted form before it is
    added, because a domain such as gmail.com spelled with a Cyrillic a reads as the familiar one.
    """
    invalid = ValidationError(gettext("Enter a complete email address, like name@example.com."))
    local, _, domain = address.rpartition("@")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise invalid from None
    stored = f"{local}@{domain}"
    try:
        validate_email(stored)
    except ValidationError:
        raise invalid from None
    return stored


def mobile_number(text: str, examples: PhoneExamples) -> str:
    """E.164 (+12025550143) for a number that can receive texts, read in the default region."""
    try:
        number = phonenumbers.parse(text, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            gettext(
                "Enter a mobile number Canvas can text, like %(local)s or %(international)s with "
                "the country code."
            )
            % {"local": examples.local, "international": examples.international}
        )
    kind = phonenumbers.number_type(number)
    if kind not in TEXTABLE_TYPES:
        raise ValidationError(NOT_MOBILE_MESSAGES.get(kind, OTHER_NOT_MOBILE_MESSAGE))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PushTokenForm(PortalForm):
    push_token = forms.CharField(
        label=gettext_lazy("Device push token"),
        max_length=4096,
        strip=True,
        error_messages={"required": gettext_lazy("Paste the device's push token.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# Canvas's confirmation-code alphabet (docs/canvas-behaviour.md §12.1); an SMS code has 4 of them.
CODE_ALPHABET = "2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ"
SMS_CODE_LENGTH = 4


class ConfirmationCodeForm(PortalForm):
    """The code of a text message, checked before the browser goes to Canvas's /register/ page,
    so nothing but a well-formed code ever becomes part of that address."""

    code = forms.CharField(
        label=wording.CODE_LABEL,
        help_text=wording.CODE_HINT,
        max_length=64,
        strip=True,
        error_messages={"required": wording.CODE_MISSING},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "size": "6"}
        ),
    )

    # The row the form belongs to, set by the view that checked it.
    channel_id: int | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if len(code) != SMS_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise ValidationError(wording.CODE_INVALID)
        return code
