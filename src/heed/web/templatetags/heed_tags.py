"""Small template filters used across the pages (loaded as built-ins)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from heed.calls.presenters import show_text
from heed.security import idempotency
from heed.support import record

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or None: for dictionaries keyed by codes."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def pretty_json(value: Any) -> SafeString:
    """``value`` as indented JSON for a person to read, escaped, invisible controls in it shown as marks."""
    return show_text(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str))


@register.filter
def visible(value: Any) -> SafeString:
    """Free text as typed (a log entry, a narrative, a rationale, a note), escaped, with every invisible
    control character shown as a mark in its place (``heed.calls.presenters.show_text``). Use it wherever
    such text is shown: an override left to act reorders what follows it on screen."""
    return show_text(value)


@register.filter
def words(code: Any) -> str:
    """A code as words: ``date_of_birth`` → ``date of birth``."""
    return str(code).replace("_", " ")


@register.filter
def split(value: str) -> list[str]:
    """Words of a string, for small fixed lists in templates."""
    return str(value).split()


@register.filter
def answer_label(value: Any) -> str:
    """A guided answer's code as a button or option label; "unknown" reads as the handler would say it."""
    return record.answer_label(str(value))


@register.simple_tag
def idempotency_field() -> SafeString:
    """A hidden field with a fresh idempotency key: the form, if sent twice, is acted on once."""
    return format_html('<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_key())


@register.filter
def error_in(errs: Any, field: str) -> bool:
    """Whether a refused form's errors (``heed.web.edges.FormErrors``) name ``field``."""
    return bool(errs) and field in getattr(errs, "fields", {})


@register.simple_tag
def field_error(errs: Any, field: str, input_id: str) -> str:
    """The GOV.UK error message at a field of a refused form (empty when the field is not at fault); its id
    is ``{input_id}-error``, for the input's aria-describedby."""
    message = getattr(errs, "fields", {}).get(field) if errs else None
    if not message:
        return ""
    return format_html(
        '<p class="govuk-error-message" id="{}-error">'
        '<span class="govuk-visually-hidden">Error:</span> {}</p>',
        input_id,
        message,
    )
