"""How every form field of the portal renders: through Django's field template
(`templates/django/forms/field.html`, used by `{{ form.field.as_field_group }}`), with the ids
the pages' hints and errors have always had.

A field `address` has its hint at `#address-hint` and its error at `#address-error`; the input
names both in `aria-describedby`, says `aria-invalid` only for a real mistake, and carries
`data-focus-target` so portal.js moves focus to it after a failed submit.
"""

from typing import Any

from django.forms import BoundField, Form, Widget
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString


class PortalBoundField(BoundField):
    @property
    def id_stem(self) -> str:
        return self.html_name.replace("_", "-")

    @property
    def hint_id(self) -> str:
        return f"{self.id_stem}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id_stem}-error"

    @property
    def aria_describedby(self) -> str:
        ids = [self.hint_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def invalid(self) -> bool:
        """An error that asks a question (the form's `question_codes`, such as "store this
        address in its ASCII form?") is not a mistake: the input is not marked invalid."""
        if not self.errors:
            return False
        questions: frozenset[str] = getattr(self.form, "question_codes", frozenset())
        return not any(self.form.has_error(self.name, code) for code in questions)

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("aria-invalid", None)
        if describedby := self.aria_describedby:
            attrs["aria-describedby"] = describedby
        if self.invalid:
            attrs["aria-invalid"] = "true"
            if getattr(self.form, "focus_on_error", True):
                attrs["data-focus-target"] = True
        return attrs

    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> SafeString:
        # The pages' labels end in no colon.
        return super().label_tag(contents, attrs, label_suffix="", tag=tag)


class FormRenderer(TemplatesSetting):
    """The project's templates (so `templates/django/forms/field.html` applies) and fields."""

    bound_field_class = PortalBoundField


class PortalForm(Form):
    """The pages' forms are `novalidate`: the server's sentences say what is missing, so the
    browser's own `required` bubbles are not asked for."""

    use_required_attribute = False
