"""Small template filters used across the pages (loaded as built-ins)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


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
