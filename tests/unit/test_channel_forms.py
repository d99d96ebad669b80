"""What the add form accepts before anything goes to Canvas (channels_app/forms.py): mobile
numbers read in the default region, and email addresses in the ASCII form Canvas stores."""

from channels_app.forms import AddChannelForm, PushTokenForm, ascii_email

# US default region (tests/settings.py leaves PHONE_DEFAULT_REGION at "US").
NUMBER_HINT = (
    "Enter a mobile number Canvas can text, like (201) 555-0123 "
    "or +44 7400 123456 with the country code."
)


def submit(channel_type: str, address: str, **extra: str) -> AddChannelForm:
    form = AddChannelForm(data={"channel_type": channel_type, "address": address, **extra})
    form.is_valid()
    return form


def address_errors(form: AddChannelForm) -> list[str]:
    return form.errors.get("address", [])


def stored(channel_type: str, typed: str) -> str:
    """What the form would send to Canvas, or its error."""
    form = submit(channel_type, typed)
    return form.cleaned_data["address"] if form.is_valid() else " ".join(address_errors(form))


# --- mobile numbers ------------------------------------------------------------------------------


def test_a_mobile_number_is_stored_in_international_form():
    expected = {
        "(201) 555-0123": "+12015550123",
        "201.555.0123": "+12015550123",
        "  +1 201 555 0123  ": "+12015550123",
        "+44 7400 123456": "+447400123456",
        "+33 6 12 34 56 78": "+33612345678",
    }
    assert {typed: stored("sms", typed) for typed in expected} == expected


def test_a_number_without_a_country_code_is_read_in_the_configured_region(settings):
    settings.PHONE_DEFAULT_REGION = "GB"
    form = submit("sms", "07400 123456")
    assert form.cleaned_data["address"] == "+447400123456"
    assert "07400 123456" in form.fields["address"].help_text


def test_something_that_is_not_a_phone_number_gets_examples_the_form_accepts():
    for typed in ["12345", "call me", "+1 201 555 01234567", "+999 1234567"]:
        form = submit("sms", typed)
        assert address_errors(form) == [NUMBER_HINT], typed
        # What the user typed is kept for them to correct.
        assert form["address"].value() == typed


def test_a_number_that_cannot_receive_texts_says_what_it_looks_like():
    looks_like = {
        "+1 800-234-5678": "That looks like a toll-free number.",
        "+1 900-234-5678": "That looks like a premium-rate number.",
        "+44 121 234 5678": "That looks like a landline number.",
        "+44 56 1234 5678": "That looks like an internet phone (VoIP) number.",
        "+44 76 4012 3456": "That looks like a pager number.",
        "+49 180 1 2345": "That looks like a shared-cost number.",
        "+44 55 1234 5678": "That does not look like a mobile number.",
    }
    assert {number: stored("sms", number) for number in looks_like} == {
        number: f"{message} Enter a mobile number that can receive text messages."
        for number, message in looks_like.items()
    }


def test_a_us_number_phonenumbers_cannot_tell_from_a_landline_is_accepted():
    # Every US and Canadian number is FIXED_LINE_OR_MOBILE: refusing those would refuse them all.
    assert submit("sms", "(212) 555-0199").is_valid()


# --- email addresses -----------------------------------------------------------------------------


def test_a_plain_email_address_is_stored_as_typed():
    assert stored("email", "  ada@example.edu ") == "ada@example.edu"


def test_an_incomplete_email_address_is_refused_with_an_example():
    typed = ["ada", "ada@", "@example.edu", "ada@example", "a b@example.edu", "ada@☃.example"]
    assert {address: stored("email", address) for address in typed} == dict.fromkeys(
        typed, "Enter a complete email address, like name@example.com."
    )


def test_a_non_ascii_domain_is_asked_about_in_the_form_canvas_will_store():
    form = submit("email", "ada@bücher.example")
    assert address_errors(form) == [
        "This address uses letters outside the English alphabet. Canvas will store this "
        "address as ada@xn--bcher-kva.example. Add it?"
    ]
    assert form.ascii_to_confirm == "ada@xn--bcher-kva.example"
    # A question, not a mistake: the field is not marked invalid for assistive technology.
    assert not form["address"].invalid


def test_a_look_alike_of_a_familiar_domain_shows_its_punycode_before_it_is_added():
    # gm\u0430il.com, with a Cyrillic a, reads as gmail.com.
    form = submit("email", "ada@gm\u0430il.com")
    assert form.ascii_to_confirm == "ada@xn--gmil-63d.com"


def test_confirming_the_ascii_form_adds_that_form():
    form = submit("email", "ada@bücher.example", confirm_address="ada@xn--bcher-kva.example")
    assert form.is_valid()
    assert form.cleaned_data["address"] == "ada@xn--bcher-kva.example"


def test_a_confirmation_of_a_different_address_asks_again():
    form = submit("email", "ada@bücher.example", confirm_address="ada@example.edu")
    assert not form.is_valid()
    assert form.ascii_to_confirm == "ada@xn--bcher-kva.example"


def test_ascii_email_leaves_the_local_part_to_canvas_and_converts_only_the_domain():
    assert ascii_email("Ada.Lovelace@ÉCOLE.example") == "Ada.Lovelace@xn--cole-9oa.example"


# --- the form itself -----------------------------------------------------------------------------


def test_missing_fields_are_named_in_sentences():
    form = AddChannelForm(data={})
    assert form.errors == {
        "channel_type": ["Choose email or text message."],
        "address": ["Enter the email address or mobile number to add."],
    }


def test_a_type_other_than_email_or_text_is_refused_before_canvas_sees_it():
    assert "channel_type" in submit("push", "token").errors


def test_skip_confirmation_is_offered_only_to_those_who_may_use_it():
    assert "skip_confirmation" not in AddChannelForm().fields
    assert "skip_confirmation" in AddChannelForm(can_skip_confirmation=True).fields


def test_the_hint_s_examples_are_numbers_the_form_itself_accepts():
    form = AddChannelForm()
    examples = form.phone_examples
    assert examples.local in form.fields["address"].help_text
    assert submit("sms", examples.local).is_valid()
    assert submit("sms", examples.international).is_valid()


def test_a_push_token_is_required_and_trimmed():
    assert PushTokenForm(data={}).errors == {"push_token": ["Paste the device's push token."]}
    form = PushTokenForm(data={"push_token": "  abc123  "})
    assert form.is_valid()
    assert form.cleaned_data["push_token"] == "abc123"
