"""Normalisation of phone numbers, e-mail addresses and online handles into strong and weak linking keys.

A strong key is a normalisation that does not change who an identifier points at (case, full-width letters,
look-alike letters, decorative ``xX..Xx`` wrappers, separators, ``#1234`` discriminator tags). Weak keys also
undo changes that may be real (leetspeak digits, trailing digits, gmail dots and ``+tags``, another platform):
a
weak link is a lead to look at, never a finding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers

from heed.checks.data_files import char_table, platform_table
from heed.checks.memo import memo

IdentifierKind = Literal["handle", "phone", "email"]


@dataclass(frozen=True, slots=True)
class IdentifierKeys:
    """Keys under which one identifier is stored and looked up.

    ``strong`` links reports about the same identifier; ``weak`` keys link look-alikes that need a person to
    judge; ``display`` is the identifier tidied for showing.
    """

    strong: str
    weak: tuple[str, ...]
    display: str


# Decorative wrappers: "xX" / "xxx" at both ends, or a single x set off by a separator ("x_kai_x").
_XX_WRAP = re.compile(r"^(?:x{2,}[._-]*|x[._-]+)(.+?)(?:[._-]*x{2,}|[._-]+x)$")
_TAG = re.compile(r"#\d{1,6}$")
_SEPARATORS = re.compile(r"[\s._\-~*·•|'\"]+")
_TRAILING_DIGITS = re.compile(r"(?<=[a-z])\d+$")


def normalise_platform(platform: str | None) -> str | None:
    """One code per platform (``Insta``/``IG`` → ``instagram``); unknown platforms are kept, folded."""
    if platform is None or not platform.strip():
        return None
    folded = " ".join(unicodedata.normalize("NFKC", platform).casefold().split())
    return platform_table().get(folded, folded.replace(" ", ""))


@memo(100_000)
def handle_skeleton(handle: str) -> str:
    """Strong form of a handle: NFKC, case-folded, look-alikes mapped, wrappers/tags/separators gone."""
    text = unicodedata.normalize("NFKC", handle).strip().lstrip("@")
    text = _TAG.sub("", text)
    confusables = char_table("confusables.txt")
    text = "".join(confusables.get(ch, ch) for ch in text.casefold())
    # Only strip x..x when both ends carry it, so that "xavier" or "max" keep their letters; wrappers nest.
    while (wrapped := _XX_WRAP.match(text)) and len(wrapped.group(1)) >= 3:
        text = wrapped.group(1)
    text = _SEPARATORS.sub("", text)
    return text


def _leet(text: str) -> str:
    leet = char_table("leet.txt")
    return "".join(leet.get(ch, ch) for ch in text)


def handle_keys(handle: str, platform: str | None) -> IdentifierKeys:
    """Keys for an online handle on a platform (platform may be unknown)."""
    skeleton = handle_skeleton(handle)
    if not skeleton:
        raise ValueError(f"handle {handle!r} has no letters or digits")
    code = normalise_platform(platform)
    scope = code or "?"
    strong = f"handle:{scope}:{skeleton}"
    weak: list[str] = []
    no_digits = _TRAILING_DIGITS.sub("", skeleton)
    decoded = _leet(skeleton)
    for variant in (decoded, no_digits, _leet(no_digits)):
        if variant and variant != skeleton:
            weak.append(f"handle:{scope}:~{variant}")
    # Every form is also kept without its platform, so the same name elsewhere is a weak lead.
    for variant in (skeleton, decoded, no_digits):
        if variant:
            weak.append(f"handle:*:~{variant}")
    if code is not None:
        weak.append(f"handle:{code}:~{decoded}")
    display = f"{unicodedata.normalize('NFKC', handle).strip()}" + (f" ({code})" if code else "")
    return IdentifierKeys(strong, tuple(dict.fromkeys(w for w in weak if w != strong)), display)


_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
# The common shapes of UK numbers (10 national digits after 0, +44 or 0044) are read without phonenumbers,
# which costs ~70 microseconds a number: at 13 million records that alone would be minutes of the build.
_LETTERS = re.compile(r"[^\W\d_]")
_UK_COMMON = re.compile(r"^(?:\+44|0044|0)(?:\(0\))?([1237]\d{9})$")


@memo(100_000)
def phone_e164(text: str) -> str:
    """Any UK way of writing a number (07..., +44 7..., 0044..., with spaces or brackets) → E.164.

    Raises ValueError when it is not a possible phone number.
    """
    if _LETTERS.search(text):
        # phonenumbers reads letters as keypad digits, so "077OO..." (O for zero) became a wrong number.
        raise ValueError(f"{text!r} is not a phone number: it has letters in it (give it in digits)")
    compact = _PHONE_PUNCTUATION.sub("", text.replace("(0)", ""))
    common = _UK_COMMON.match(compact)
    if common:
        return f"+44{common.group(1)}"
    try:
        parsed = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError(f"{text!r} is not a phone number") from None
    # Local-only numbers (no area code) cannot be compared across reports, so they are refused too.
    if phonenumbers.is_possible_number_with_reason(parsed) != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError(f"{text!r} is not a possible phone number (wrong number of digits)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_keys(text: str) -> IdentifierKeys:
    """Keys for a phone number: E.164 is the strong key (no weak forms: another number is another line)."""
    e164 = phone_e164(text)
    return IdentifierKeys(f"phone:{e164}", (), e164)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_strong(text: str) -> str:
    """An e-mail address folded to lower case (raises ValueError when it is not an address)."""
    address = unicodedata.normalize("NFKC", text).strip().casefold()
    if not _EMAIL.match(address):
        raise ValueError(f"{text!r} is not an e-mail address")
    return address


def email_weak(address: str) -> str:
    """Without ``+tags``, and for gmail without dots and with googlemail read as gmail."""
    local, _, domain = address.partition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_keys(text: str) -> IdentifierKeys:
    """Keys for an e-mail address: lower-cased address strong; gmail dots/+tags stripped weak."""
    address = email_strong(text)
    weak = email_weak(address)
    return IdentifierKeys(f"email:{address}", (f"email:~{weak}",), address)


def identifier_keys(kind: str, value: str, platform: str | None = None) -> IdentifierKeys:
    """Normalised keys for an identifier a call recorded.

    ``NightHawk``, ``xXnighthawkXx`` and ``ｎｉｇｈｔｈａｗｋ`` on one platform share the strong key;
    ``N1GHTHAWK`` shares a weak (leetspeak) key. Raises ValueError naming what is wrong with the value.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{kind} is empty")
    if kind == "handle":
        return handle_keys(value, platform)
    if kind == "phone":
        return phone_keys(value)
    if kind == "email":
        return email_keys(value)
    raise ValueError(f"unknown identifier kind {kind!r} (expected handle, phone or email)")
