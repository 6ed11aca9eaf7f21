"""The form field every form uses for text: the rule of ``heed.textclean``, with messages that name the field.

Its ``max_length`` is the rule's limit, but no ``maxlength`` attribute reaches the browser: a browser cuts a
paste at the limit without a word, and here text over the limit is refused with everything kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from heed.textclean import TextRefused, TextRule, clean_text, without_surrogates

# The error code of a refusal by the rule; its message already names the field.
TEXT_ERROR = "text"


class TextField(forms.CharField):
    """A text input cleaned by ``heed.textclean``. ``noun`` names it in messages ("The narrative")."""

    def __init__(
        self,
        *,
        max_length: int,
        single_line: bool = True,
        strip: bool = True,
        noun: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(strip=False, **kwargs)
        # Set after CharField's own set-up, so neither its validator nor a maxlength attribute comes with it.
        self.max_length = max_length
        self.rule = TextRule(max_length, single_line=single_line, strip=strip)
        self.noun = noun
        # The rule refuses NUL itself, with the position; Django's refusal would say it less well.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def _noun(self) -> str:
        if self.noun:
            return self.noun
        return f"“{self.label}”" if self.label else "This field"

    def to_python(self, value: Any) -> str | None:
        if value in self.empty_values:
            return self.empty_value
        try:
            return clean_text(str(value), self.rule)
        except TextRefused as exc:
            raise ValidationError(exc.describe(self._noun()), code=TEXT_ERROR) from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        # What was typed is shown again as it came, except what no page can show (a lone surrogate).
        return without_surrogates(data) if isinstance(data, str) else data


def form_errors(form: forms.Form) -> list[str]:
    """Each error of ``form`` as a sentence that says which field: Django's generic messages ("This field is
    required.") get its label in front; the rule's, and messages written for the field, already say."""
    return [text for _, text in field_errors(form)]


def field_errors(form: forms.Form) -> list[tuple[str, str]]:
    """Each error of ``form`` with the name of the field it is in ("" for the form as a whole), worded as
    ``form_errors`` words it."""
    out: list[tuple[str, str]] = []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name.replace("_", " ")
        generic: dict[str, Any] = {}
        for klass in reversed(type(field).__mro__ if field is not None else ()):
            generic.update(getattr(klass, "default_error_messages", {}))
        for error in errors:
            text = " ".join(str(m) for m in error.messages)
            named = name != "__all__" and error.code in generic and error.message == generic[error.code]
            out.append(("" if name == "__all__" else name, f"{label}: {text}" if named else text))
    return out
