"""Normalisation of names, dates, phones, e-mails and handles."""

from __future__ import annotations

from datetime import date

import pytest

from heed.checks.dates import age_range, compare_dob, parse_partial_date
from heed.checks.identifiers import (
    email_keys,
    handle_skeleton,
    identifier_keys,
    normalise_platform,
    phone_e164,
)
from heed.checks.names import family_key, fold, given_forms, is_nickname_pair, phonetic_match, typo_close


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("O'Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("ZOË", "zoe"),
        ("  D’Arcy ", "darcy"),
        ("José", "jose"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_mac_and_mc_are_one_family_name() -> None:
    assert family_key("MacDonald") == family_key("McDonald") == "mcdonald"
    assert family_key("Mace") == "mace"


@pytest.mark.parametrize(
    ("short", "formal"),
    [
        ("gaz", "gary"),
        ("gaz", "gareth"),
        ("baz", "barry"),
        ("del", "derek"),
        ("tel", "terence"),
        ("shaz", "sharon"),
        ("ste", "stephen"),
        ("mo", "mohammed"),
        ("kaz", "karen"),
        ("olly", "oliver"),
        ("izzy", "isabel"),
        ("alfie", "alfred"),
        ("bex", "rebecca"),
        ("jonno", "jonathan"),
        ("robbo", "robert"),
        ("dave", "david"),
        ("mick", "michael"),
        ("kev", "kevin"),
        ("wes", "wesley"),
        ("jay", "james"),
        ("nat", "natalie"),
        ("liv", "olivia"),
        ("em", "emma"),
        ("muhammad", "mohammed"),
    ],
)
def test_nickname_table(short: str, formal: str) -> None:
    assert formal in given_forms(short)
    assert is_nickname_pair(short, formal)


def test_unrelated_names_are_not_nicknames() -> None:
    assert not is_nickname_pair("gary", "barry")
    assert not is_nickname_pair("kai", "kay")


def test_phonetic_and_typo() -> None:
    assert phonetic_match("smith", "smyth")
    assert phonetic_match("catherine", "katherine")
    assert typo_close("smith", "smtih")
    assert not typo_close("smith", "jones")
    assert not typo_close("kai", "kay")  # too short for an edit to be safe


def test_partial_dates_and_ages() -> None:
    assert parse_partial_date("1990").iso() == "1990"
    assert parse_partial_date("03/05/1990", allow_uk=True).iso() == "1990-05-03"
    with pytest.raises(ValueError, match="not a real date"):
        parse_partial_date("1990-02-30")
    with pytest.raises(ValueError, match="not a date"):
        parse_partial_date("03/05/1990")
    on = date(2026, 11, 24)
    assert age_range(parse_partial_date("2007-03-14"), on) == (19, 19)
    assert age_range(parse_partial_date("2007-12-01"), on) == (18, 18)
    assert age_range(parse_partial_date("2007"), on) == (18, 19)


@pytest.mark.parametrize(
    ("query", "record", "level"),
    [
        ("1990-05-03", "1990-05-03", "exact"),
        ("1990-03-05", "1990-05-03", "day_month_swap"),
        ("1989-05-03", "1990-05-03", "year_off"),
        ("1990-05-09", "1990-05-03", "same_year_month"),
        ("1990-11-09", "1990-05-03", "same_year"),
        ("1990", "1990-05-03", "partial"),
        ("1991", "1990-05-03", "year_off"),
        ("1975-05-03", "1990-05-03", "disagree"),
    ],
)
def test_compare_dob(query: str, record: str, level: str) -> None:
    assert compare_dob(parse_partial_date(query), parse_partial_date(record)) == level


@pytest.mark.parametrize(
    "raw", ["07700 900123", "+44 7700 900123", "0044 7700 900123", "+44 (0)7700 900123", "07700-900-123"]
)
def test_uk_phone_formats_become_e164(raw: str) -> None:
    assert phone_e164(raw) == "+447700900123"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("447700900123", "+447700900123"),
        ("00 44 7700 900123", "+447700900123"),
        ("(01622) 123456", "+441622123456"),
        ("+44(0)20-7946-0018", "+442079460018"),
        ("0808 800 5000", "+448088005000"),
        ("+1 202 555 0143", "+12025550143"),
    ],
)
def test_more_uk_and_international_phone_shapes(raw: str, e164: str) -> None:
    assert phone_e164(raw) == e164


def test_phone_with_letters_is_refused_not_misread() -> None:
    with pytest.raises(ValueError, match="letters"):
        phone_e164("077OO 900123")


def test_landline_and_bad_phone() -> None:
    assert phone_e164("(020) 7946 0018") == "+442079460018"
    with pytest.raises(ValueError, match="not a possible phone number"):
        phone_e164("0770")


def test_email_keys() -> None:
    keys = email_keys("J.Smith+school@GoogleMail.com")
    assert keys.strong == "email:j.smith+school@googlemail.com"
    assert keys.weak == ("email:~jsmith@gmail.com",)
    assert email_keys("a+b@example.org").weak == ("email:~a@example.org",)


@pytest.mark.parametrize(
    ("raw", "skeleton"),
    [
        ("NightHawk", "nighthawk"),
        ("xXnighthawkXx", "nighthawk"),
        ("x_NightHawk_x", "nighthawk"),
        ("ｎｉｇｈｔｈａｗｋ", "nighthawk"),
        ("nіghthаwk", "nighthawk"),  # Cyrillic і and а
        ("Night.Hawk", "nighthawk"),
        ("@night_hawk", "nighthawk"),
        ("NightHawk#0420", "nighthawk"),
        ("xavier", "xavier"),
        ("Max", "max"),
    ],
)
def test_handle_skeleton(raw: str, skeleton: str) -> None:
    assert handle_skeleton(raw) == skeleton


def test_leet_and_trailing_digits_are_weak_keys_only() -> None:
    plain = identifier_keys("handle", "NightHawk", "instagram")
    leet = identifier_keys("handle", "N1GHTHAWK", "instagram")
    digits = identifier_keys("handle", "NightHawk99", "instagram")
    assert leet.strong != plain.strong
    assert digits.strong != plain.strong
    assert set(leet.weak) & set(plain.weak)
    assert set(digits.weak) & set(plain.weak)


def test_platform_aliases() -> None:
    assert normalise_platform("Insta") == normalise_platform("IG") == "instagram"
    assert normalise_platform("Snap") == "snapchat"
    assert normalise_platform("  ") is None


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("handle", "___", "no letters"),
        ("phone", "abc", "not a phone"),
        ("email", "x", "not an e-mail"),
        ("fax", "1", "unknown identifier kind"),
        ("handle", " ", "empty"),
    ],
)
def test_identifier_keys_refuse_bad_values(kind: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        identifier_keys(kind, value, None)
