"""The input of the notification panel, checked before anything is sent to Canvas."""

from typing import Any

from django import forms

from channels_app import wording
from channels_app.preferences import FREQUENCIES


class CategoryFrequencyForm(forms.Form):
    """One category's new frequency. The category must be one Canvas listed for this user (or
    one of the §11.2 categories); anything else is refused without a Canvas call."""

    category = forms.CharField(max_length=64, error_messages={"required": wording.UNKNOWN_CATEGORY})
    frequency = forms.ChoiceField(
        choices=[(f, f) for f in FREQUENCIES],
        error_messages={
            "required": wording.BAD_FREQUENCY,
            "invalid_choice": wording.BAD_FREQUENCY,
        },
    )

    def __init__(self, *args: Any, known_categories: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known = known_categories

    def clean_category(self) -> str:
        category: str = self.cleaned_data["category"]
        if category not in self._known:
            raise forms.ValidationError(wording.UNKNOWN_CATEGORY)
        return category

    def first_error(self) -> str:
        return str(next(iter(e for errors in self.errors.values() for e in errors)))
