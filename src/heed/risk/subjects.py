"""Subjects of a narrative: people (with role and age), handles (with platform), phones, e-mails and towns.

All vocabulary (role words, platforms, towns, words that are never names, age patterns) comes from the pack's
people.yaml; this module only knows how to apply it. Spans are exact slices of the input.
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heed.risk.pack import GuidancePack
from heed.risk.prefilter import PatternScan, TextScan, WordIndex, anchors_of

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+44|0044|\(?0)[\d\s().-]{8,16}\d(?!\w)")
_AT_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
_DISCORD_TAG = re.compile(r"(?<![\w#])([A-Za-z0-9_.]{2,32}#\d{4})(?!\w)")
_HANDLE_INTRO = re.compile(
    r"\b(?:plays? as|playing as|played as|goes by|went by|go(?:es)? by the name|user ?names?(?: is| was)?|"
    r"user ?id|gamer ?tags?|gamertag|gamer name|tag|handle|account name|profile name|screen ?name|"
    r"calls (?:him|her)self|known online as|online name|name on (?:xbox|psn|discord|snapchat|"
    r"snap|insta|instagram|"
    r"tiktok|roblox|fortnite|minecraft|steam|twitch|kik|telegram)|psn(?: id| name)?|xbl|"
    r"(?:snap(?:chat)?|insta(?:gram)?|discord|tik ?tok|roblox|xbox|steam|twitch|kik|telegram|fortnite)"
    r"(?: name| username| user| id| handle| account)?)"
    r"\s*(?:is|was|:|=|-|called|named)?\s*[\"']?(?P<h>[A-Za-z0-9_][A-Za-z0-9_.\-#]{1,31})",
    re.IGNORECASE,
)
_HANDLE_ON = re.compile(
    r"(?<![\w@])(?P<h>[A-Za-z0-9_.]{3,32})\s+(?:on|in|via)\s+(?P<p>[A-Za-z][A-Za-z ]{1,15})"
)
_STRONG_INTRO = re.compile(
    r"plays? as|playing as|played as|goes by|went by|user|gamer|tag|handle|account|profile|"
    r"screen|calls|online|"
    r"name on|psn|xbl|:",
    re.IGNORECASE,
)
_SENTENCE_INITIAL = re.compile(r"(?:^|[.!?\n]\s*|[\"(]\s*)([A-Za-z])")
_SENTENCE_BREAK = re.compile(r"[.!?\n;]")
_CAP_TOKEN = re.compile(r"(?<![A-Za-z'-])(?:[A-Z][A-Za-z'-]*[A-Za-z]|[A-Z](?![A-Za-z'-]))")
_NAME_CUE = re.compile(
    r"\b(?:called|named|name is|name's|names|known as|son|daughter|grandson|granddaughter|"
    r"nephew|niece|stepson|"
    r"stepdaughter|child|male|man|boy|girl|lad|friend|boyfriend|girlfriend|bf|gf|subj|suspect|"
    r"mother of|father of|"
    r"mum of|dad of|uncle|aunt|auntie|stepdad|step-dad|coach|teacher|mr|mrs|ms|miss|dr|cousin|brother|sister|"
    r"grandad|nan|pupil|student|caller|clr|dau|yp|cyp|ip|resident|account|a/c|acc|user|player|gamer)"
    r"\s+['\"]?(?P<n>(?-i:[A-Z][A-Za-z'-]+))",
    re.IGNORECASE,
)
# A handle or name given in quotes ("'jay.models'", "'NATHAN'") or a handle shaped like one (sweetboy2009,
# Reaper_X, coach_mike_uk): a quoted token with a digit, underscore, dot or inner capital is a handle.
_QUOTED = re.compile(r"(?<![\w'])['\"](?P<q>[A-Za-z0-9][A-Za-z0-9_.]{1,31})['\"](?![\w'])")
_HANDLE_SHAPE = re.compile(
    r"(?<![\w@.#])(?P<h>[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+|[A-Za-z]{3,}\d{2,4})(?![\w@])"
)
# In capitals, a word after a person word that is really a verb or adjective ("CALLER HYSTERICAL").
_LOG_VERB = re.compile(
    r"^[A-Z]{3,}(?:ED|ING|ICAL|OUS|FUL|IVE|ABLE|ENT|LY)$|"
    r"^(?:STATES|SAYS|SUSPECTS|BELIEVES|THINKS|KNOWN|ASKD|FOUND|REPORTS|UPSET|SCARED|AWARE)$"
)
_NAME_CUE_ANCHORS = anchors_of(_NAME_CUE)
_HANDLE_INTRO_ANCHORS = anchors_of(_HANDLE_INTRO)
_NAME_AGE = re.compile(
    r"(?P<n>\b[A-Z][A-Za-z'-]+)\s*(?:\(\s*\d{1,2}|,\s*\d{1,2}\s*(?:,|yrs|y/?o|years)|,?\s+aged?\s+\d)"
)
_PREP_BEFORE_TOWN = re.compile(
    r"\b(?:in|from|near|to|at|of|around|outside|towards|lives|living|based|nr|visit|"
    r"visiting)\s+(?:central\s+)?$",
    re.IGNORECASE,
)
_CALLER_BEFORE = re.compile(
    r"\b(?:clr|caller|i am|i'm|my name is|rp|reporting person|informant|this is)\s+(?:(?:mrs|mr|"
    r"ms|miss)\s+)?$",
    re.IGNORECASE,
)
_CLAIMED_BEFORE = re.compile(
    r"\b(?:says?|said|claims?|claimed|claiming|told (?!(?:my|our|your|their|the|a|an)\b)\w+|"
    r"tells (?!(?:my|our|your|their|the|a|an)\b)\w+|makes out|made out|pretends?|"
    r"pretending|reckons)"
    r"\s+(?:that\s+)?(?:he|she|they|i'?m|i am)?\s*(?:is|'s|s|was|are|'re|to be)?\s*"
    r"(?:only\s+|just\s+|nearly\s+|almost\s+)?"
    r"['\"]?(?:nearly\s+|almost\s+)?$"
    # a message quoted in the first person is the contact's own claim: 'im 31 but i act 12 lol'
    r"|['\"]\s*(?:i'?m|i am)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?$",
    re.IGNORECASE,
)
_DECADES = {"teens": 16, "twenties": 25, "20s": 25, "thirties": 35, "30s": 35, "forties": 45, "40s": 45}
_DECADES |= {"fifties": 55, "50s": 55, "sixties": 65, "60s": 65}
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
)
_UNITS += " seventeen eighteen nineteen"
_NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS.split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
# "thirty-something", "forty-odd", "twenty-ish": the middle of the decade.
_DECADE_WORDS = {w: v + 5 for w, v in _TENS.items()}


def _number(raw: str) -> int | None:
    """An age written as digits or words ("14", "fourteen", "thirty-one"); None when it is neither."""
    raw = raw.strip().lower()
    if raw.isdigit():
        return int(raw)
    parts = re.split(r"[\s-]+", raw)
    if len(parts) == 1:
        return _NUMBER_WORDS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _NUMBER_WORDS and _NUMBER_WORDS[parts[1]] < 10:
        return _TENS[parts[0]] + _NUMBER_WORDS[parts[1]]
    return None


_DECADE_ADJ = {"early": -3, "mid": 0, "late": 3}


@dataclass
class Subject:
    """One subject found in the text. ``attrs`` holds the kind-specific attributes of the public shape."""

    kind: str
    value: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgeMention:
    """An age in the text and whom it belongs to (role), whether estimated or merely claimed."""

    age: int
    start: int
    end: int
    role: str | None
    estimated: bool
    claimed: bool
    known_role: bool


@dataclass
class Subjects:
    """Everything the extractor found: subjects in order of position, and the age mentions."""

    items: list[Subject]
    ages: list[AgeMention]


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < te and ts < e for ts, te in taken)


def _e164(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("+44") or digits.startswith("0044"):
        national = digits[2:] if digits.startswith("44") else digits[4:]
        national = national.removeprefix("0")
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if len(national) in (9, 10) and national[0] in "123578":
        return "+44" + national
    return None


def extract(
    text: str, pack: GuidancePack, index: WordIndex | None = None, scan: TextScan | None = None
) -> Subjects:
    """Find the subjects of ``text`` (already normalised, same length as the original).

    ``index`` (the text's word starts) or ``scan`` (``scan_text``'s) lets the patterns with known
    beginnings run only where they can match.
    """
    c: Mapping[str, Any] = pack.compiled
    if scan is None:
        scan = scan_text(text, pack, index if index is not None else WordIndex(text))
    items: list[Subject] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: str, s: int, e: int, **attrs: Any) -> Subject:
        subj = Subject(kind, value, s, e, dict(attrs))
        items.append(subj)
        taken.append((s, e))
        return subj

    # E-mail addresses and @handles hold an "@", Discord tags a "#": most narratives need no scan for them.
    has_at = "@" in text
    for m in _EMAIL.finditer(text) if has_at else ():
        add("email", m.group(0).lower(), *m.span())
    for m in _PHONE.finditer(text):
        raw = m.group(0).rstrip(" .-)")
        s, e = m.start(), m.start() + len(raw)
        if raw.startswith("(") and ")" not in raw:
            s, raw = s + 1, raw[1:]
        e164 = _e164(raw)
        if e164 and not _overlaps(taken, s, e):
            add("phone", re.sub(r"\s+", " ", raw.strip()), s, e, e164=e164)

    platform_re: re.Pattern[str] = c["platform_re"]
    platform_of: Mapping[str, str] = c["platform_of"]
    not_names: frozenset[str] = c["not_names"]

    def platform_near(s: int, e: int) -> str | None:
        after = text[e : e + 40]
        m = re.match(r"\s*(?:\)|,)?\s*(?:on|in|via|from|\(|-)?\s*", after)
        rest = after[m.end() if m else 0 :]
        pm = platform_re.match(rest)
        if pm:
            return platform_of.get(re.sub(r"\s+", " ", pm.group(0).lower()))
        before = text[max(0, s - 40) : s]
        found = None
        for pm in platform_re.finditer(before):
            found = pm
        if found is not None and not re.search(r"[.!?\n]", before[found.end() :]):
            return platform_of.get(re.sub(r"\s+", " ", found.group(0).lower()))
        # Otherwise the only platform named in the same sentence, if there is one.
        ss = max(text.rfind(".", 0, s), text.rfind("\n", 0, s)) + 1
        se_candidates = [i for i in (text.find(".", e), text.find("\n", e)) if i != -1]
        se = min(se_candidates) if se_candidates else len(text)
        names = {
            platform_of.get(re.sub(r"\s+", " ", x.group(0).lower()))
            for x in platform_re.finditer(text, ss, se)
        }
        names.discard(None)
        return names.pop() if len(names) == 1 else None

    def handle_like(h: str) -> bool:
        return bool(re.search(r"[\d_.#]", h) or re.search(r"[a-z][A-Z]", h))

    def add_handle(value: str, s: int, e: int) -> None:
        if _overlaps(taken, s, e) or len(value) < 2:
            return
        add("handle", value, s, e, platform=platform_near(s, e))

    for m in _DISCORD_TAG.finditer(text) if "#" in text else ():
        add_handle(m.group(1), *m.span(1))
    for m in _AT_HANDLE.finditer(text) if has_at else ():
        add_handle(m.group(1), m.start(), m.end(1))
    for m in scan.finditer(_HANDLE_INTRO):
        h = m.group("h").rstrip(".-")
        s = m.start("h")
        intro = text[m.start() : s]
        if h.lower() in not_names or platform_re.fullmatch(h):
            continue
        strong = bool(_STRONG_INTRO.search(intro))
        if (strong and (handle_like(h) or not h.islower() or ":" in intro)) or handle_like(h):
            add_handle(h, s, s + len(h))
    for m in _HANDLE_ON.finditer(text):
        h = m.group("h").rstrip(".")
        ok = handle_like(h) and platform_re.match(m.group("p")) and h.lower() not in not_names
        if ok and not re.fullmatch(r"[\d.]+", h):
            add_handle(h, m.start("h"), m.start("h") + len(h))
    quoted = list(_QUOTED.finditer(text))  # handles here, names in _extract_people
    for m in quoted:
        q = m.group("q").rstrip(".")
        if handle_like(q) and q.lower() not in not_names and not re.fullmatch(r"[\d.]+", q):
            add_handle(q, m.start("q"), m.start("q") + len(q))
    for m in _HANDLE_SHAPE.finditer(text):
        h = m.group("h")
        stem = re.sub(r"\d+$", "", h).lower()
        if h.lower() not in not_names and stem not in not_names and not platform_re.fullmatch(h):
            add_handle(h, m.start("h"), m.end("h"))

    town_re: re.Pattern[str] = c["town_re"]
    seen_towns: set[str] = set()
    for m in scan.finditer(town_re):
        word = m.group(0)
        if not word[0].isupper() or _overlaps(taken, *m.span()):
            continue
        if not _PREP_BEFORE_TOWN.search(text[max(0, m.start() - 25) : m.start()]):
            continue
        key = re.sub(r"\s+", " ", word.lower())
        if key in seen_towns:
            continue
        seen_towns.add(key)
        add("town", re.sub(r"\s+", " ", word), *m.span())

    _extract_people(text, pack, items, taken, add, scan, quoted)
    ages = _ages(text, pack, items, scan)
    _assign_roles(text, pack, items, ages, scan)
    items.sort(key=lambda x: x.start)
    return Subjects(items, ages)


# The extractor's own patterns with known beginnings; the pack's are in its compiled "people_scan".
_OWN_SCAN = PatternScan((_HANDLE_INTRO, _NAME_CUE), (_HANDLE_INTRO_ANCHORS, _NAME_CUE_ANCHORS))


def scan_text(text: str, pack: GuidancePack, index: WordIndex) -> TextScan:
    """Where the people patterns (the extractor's and the pack's) can begin in ``text``: one pass over its
    word starts, shared by the extractor and the engine's reasoning about ages."""
    people: PatternScan = pack.compiled["people_scan"]
    return _OWN_SCAN.over(text, index).join(people.over(text, index))


def _extract_people(
    text: str,
    pack: GuidancePack,
    items: list[Subject],
    taken: list[tuple[int, int]],
    add: Any,
    scan: TextScan,
    quoted: list[re.Match[str]],
) -> None:
    c = pack.compiled
    not_names: frozenset[str] = c["not_names"]
    platform_re: re.Pattern[str] = c["platform_re"]
    town_re: re.Pattern[str] = c["town_re"]
    letters, upper = _letters_and_capitals(text)
    upper_ratio = upper / max(1, letters)
    log_caps = upper_ratio > 0.6
    verdicts: dict[str, bool] = {}

    def acceptable(word: str) -> bool:
        # The same capitalised words recur through a narrative: judge each once.
        verdict = verdicts.get(word)
        if verdict is None:
            verdict = verdicts[word] = _acceptable(word)
        return verdict

    def _acceptable(word: str) -> bool:
        w = word.strip("'-")
        if len(w) < 2 or w.lower() in not_names or w.lower().rstrip("s'") in not_names:
            return False
        if platform_re.fullmatch(w) or town_re.fullmatch(w):
            return False
        for suffix in ("'s", "s'"):
            if w.lower().endswith(suffix) and w[:-2].lower() in not_names:
                return False
        return not (w.isupper() and len(w) < 3)

    candidates: dict[int, tuple[int, int]] = {}
    for m in scan.finditer(_NAME_CUE):
        s, e = m.span("n")
        if acceptable(m.group("n")) and not _LOG_VERB.match(m.group("n")):
            candidates[s] = (s, e)
    for m in quoted:
        q = m.group("q")
        if q[0].isupper() and q.replace("'", "").isalpha() and acceptable(q) and not _LOG_VERB.match(q):
            candidates.setdefault(m.start("q"), m.span("q"))
    for m in _NAME_AGE.finditer(text):
        s, e = m.span("n")
        if acceptable(m.group("n")):
            candidates[s] = (s, e)
    if not log_caps:
        sentence_initial: set[int] = set()
        for m in _SENTENCE_INITIAL.finditer(text):
            sentence_initial.add(m.start(1))
        # Only capitalised tokens can be names (whole words of letters, apostrophes and hyphens).
        tokens = [(m.start(), m.end(), m.group(0)) for m in _CAP_TOKEN.finditer(text)]
        title_non_initial = {w for s, _e, w in tokens if w[0].isupper() and s not in sentence_initial}
        for s, e, w in tokens:
            if not w[0].isupper() or not acceptable(w):
                continue
            if w.isupper() and len(w) > 12:
                continue
            if s in sentence_initial and w not in title_non_initial:
                continue
            candidates.setdefault(s, (s, e))
    # Merge adjacent name tokens ("Kai Brown"), drop what another subject already covers, one per name.
    spans = sorted(candidates.values())
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and text[merged[-1][1] : s] == " " and len(merged) and (e - merged[-1][0]) < 40:
            prev = text[merged[-1][0] : merged[-1][1]]
            if not prev.isupper() or text[s:e].isupper():
                merged[-1] = (merged[-1][0], e)
                continue
        merged.append((s, e))
    seen: set[str] = set()
    for s, e in merged:
        if _overlaps(taken, s, e):
            continue
        raw = text[s:e]
        value = raw.removesuffix("'s").removesuffix("'")
        e = s + len(value)
        key = value.lower()
        first = key.split()[0]
        if key in seen or first in seen:
            continue
        seen.add(key)
        seen.add(first)
        add("person", value, s, e, role=None, age=None, age_estimated=False)


def _letters_and_capitals(text: str) -> tuple[int, int]:
    """How many letters ([^\\W\\d_]) and capitals A-Z the text holds.

    Deleting bytes by table counts the ASCII letters (A-Z and a-z) far more cheaply than a pattern; the
    few other characters are tested one by one.
    """
    raw = text.encode("ascii", "ignore")
    letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    capitals = len(raw) - len(raw.translate(None, _ASCII_CAPS))
    if len(raw) != len(text):
        letters += sum(1 for ch in _NON_ASCII.findall(text) if _LETTER.match(ch))
    return letters, capitals


_ASCII_LETTERS = string.ascii_letters.encode("ascii")
_ASCII_CAPS = string.ascii_uppercase.encode("ascii")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")


def _entity_before(
    text: str, pack: GuidancePack, pos: int, items: list[Subject], scan: TextScan
) -> tuple[str | None, int, bool]:
    """The role of the nearest person word or named person before ``pos`` in the same sentence."""
    c = pack.compiled
    ss = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), text.rfind(";", 0, pos)) + 1
    window_start = max(ss, pos - 80)
    best: tuple[int, str | None, bool] = (-1, None, False)
    child_from = -1
    for key, role in (("child_re", "child"), ("caller_re", "caller"), ("contact_re", "contact")):
        for m in scan.finditer(c[key], window_start, pos):
            if m.end() > best[0]:
                best = (m.end(), role, False)
                child_from = m.start() if role == "child" else -1
    for m in scan.finditer(c["known_role_re"], window_start, pos):
        # a role word wins a tie, except in the caller's words for the child ("my sister")
        mine = best[1] == "child" and text[child_from : m.start()].lower().startswith("my ")
        if m.end() > best[0] or (m.end() == best[0] and not mine):
            best = (m.end(), "other", True)
    for subj in items:
        if subj.kind == "person" and window_start <= subj.start and subj.end <= pos and subj.end >= best[0]:
            best = (subj.end, f"@{subj.start}", False)
    # "mother of SAM (14)": the caller word governs the name, not the age.
    return best[1], best[0], best[2]


_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s+$", re.IGNORECASE)
_PRONOUN_COPULA_BEFORE = re.compile(
    r"\b(?:he|she|they)(?:'s|s|\s+is|\s+was|\s+are|'re)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?['\"]?$",
    re.IGNORECASE,
)
_LAST_WORD = re.compile(r"[\w'-]+\W*$")
_APPOSITION = re.compile(r"[\s,;:()\-\u2013\u2014]*")
_ADJECTIVAL_AGE = re.compile(r"[\s-]*(?:yo|y/o|y\.o\.|yrs?|years?|year)\b", re.IGNORECASE)
_WORDS_AFTER = re.compile(r"\s+(?:[\w'-]+\s+)?[\w'-]+")
_REPORTS_AFTER = re.compile(
    r"\W{0,3}\s*(?:reports?|reported|reporting|rang|rings|ringing|is ringing|is calling|calling|phoned|"
    r"phoning|states|got a|received a|wants advice)\b",
    re.IGNORECASE,
)


def _attribute_age(
    text: str, pack: GuidancePack, m: re.Match[str], s: int, items: list[Subject], scan: TextScan
) -> tuple[str | None, bool]:
    """Whose age this is: (role or "@start" of a named person, whether a known family/professional role).

    "a 22-year-old man", "her 14 year old daughter": the noun after an adjectival age decides. "Man, 45,
    reports ...": a contact word followed by a reporting verb is the caller. "a 19-year-old he doesn't know":
    an age introduced with an article belongs to nobody named before it. Otherwise the nearest person word
    or named person before it in the sentence.
    """
    c = pack.compiled
    end = m.end()
    age_end = m.end("age") if "age" in m.re.groupindex and m.group("age") else end
    if _ADJECTIVAL_AGE.match(text, age_end):
        after = _WORDS_AFTER.match(text, end)
        if after:
            for key, noun_role in (("child_re", "child"), ("contact_re", "contact"), ("caller_re", "caller")):
                if c[key].search(after.group(0)):
                    return noun_role, False
    # Look before the number itself: in "DAU 14" or "MALE APPROX 45" the person word is inside the match.
    role, entity_end, known = _entity_before(text, pack, s, items, scan)
    pronoun = _PRONOUN_COPULA_BEFORE.search(text, max(entity_end, s - 30), s)
    if role is not None and pronoun and not _APPOSITION.fullmatch(text, entity_end, pronoun.start()):
        # "... says mum, but he is 32": the pronoun, not the nearest person word, is whose age it is (but in
        # "her cousin Aaron, he's nineteen" it is the person just named).
        role, known = None, False
    if role == "contact" and _REPORTS_AFTER.match(text, end):
        return "caller", False
    if _ARTICLE_BEFORE.search(text, max(0, m.start() - 4), m.start()):
        role, known = None, False
    if role is not None and text[m.start()] == "," and (_number(m.group("age")) or 0) >= 18:
        # "I have to report a fellow leader, 24, who ...": an adult age in commas describes the words just
        # before it, not a person word further back
        before = _LAST_WORD.search(text, max(0, m.start() - 40), m.start())
        if before is not None and entity_end < before.start():
            role, known = None, False
    if role is None:
        # "14-year-old Sam": look just after for the person it describes.
        named = [x for x in items if x.kind == "person" and end <= x.start <= end + 25]
        if named:
            role = f"@{named[0].start}"
    return role, known


def _ages(text: str, pack: GuidancePack, items: list[Subject], scan: TextScan) -> list[AgeMention]:
    c = pack.compiled
    found: list[AgeMention] = []
    taken: list[tuple[int, int]] = [(x.start, x.end) for x in items if x.kind in ("phone", "email", "handle")]
    for estimated, key in ((True, "estimated_age_patterns"), (False, "age_patterns")):
        for pattern in c[key]:
            for m in scan.finditer(pattern):
                if "decade" in pattern.groupindex and m.group("decade"):
                    s, e = m.span("decade")
                    phrase = m.group("decade").lower().replace("'", "")
                    adj = next((v for k, v in _DECADE_ADJ.items() if phrase.startswith(k)), 0)
                    base = next((v for k, v in _DECADES.items() if phrase.endswith(k)), None)
                    if base is None:
                        base = next((v for k, v in _DECADE_WORDS.items() if phrase.startswith(k)), None)
                    if base is None:
                        continue
                    age = base + adj
                else:
                    s, e = m.span("age")
                    number = _number(m.group("age"))
                    if number is None:
                        continue
                    age = number
                if not 1 <= age <= 99 or _overlaps(taken, s, e):
                    continue
                taken.append((s, e))
                claimed = bool(_CLAIMED_BEFORE.search(text[max(0, m.start() - 40) : s]))
                role, known = _attribute_age(text, pack, m, s, items, scan)
                found.append(AgeMention(age, s, e, role, estimated, claimed, known))
    found.sort(key=lambda a: a.start)
    return found


def _assign_roles(
    text: str, pack: GuidancePack, items: list[Subject], ages: list[AgeMention], scan: TextScan
) -> None:
    c = pack.compiled
    people = [x for x in items if x.kind == "person"]
    by_start = {x.start: x for x in people}
    for p in people:
        before = text[max(0, p.start - 40) : p.start]
        sentence_before = _SENTENCE_BREAK.split(before)[-1]
        if _CALLER_BEFORE.search(before):
            p.attrs["role"] = "caller"
            continue
        nearest: tuple[int, str] = (-1, "")
        for key, role in (("child_re", "child"), ("contact_re", "contact"), ("known_role_re", "other")):
            for m in scan.finditer_in(c[key], p.start - len(sentence_before), p.start):
                if m.end() > nearest[0] or (m.end() == nearest[0] and role == "other"):
                    nearest = (m.end(), role)
        gap = sentence_before[nearest[0] :] if nearest[0] >= 0 else ""
        if nearest[0] >= 0 and re.fullmatch(
            r"\W*(?:(?:called|named|is|was|known as|aka|,)\W*)?", gap, re.IGNORECASE
        ):
            p.attrs["role"] = nearest[1]
            p.attrs["known_role"] = nearest[1] == "other"  # named with a family or professional role
            if nearest[1] == "child" and re.search(
                r"\b(?:mother|father|mum|dad|parent)\s+of\s*$", sentence_before, re.I
            ):
                p.attrs["role"] = "child"
    for a in ages:
        target = by_start.get(int(a.role[1:])) if a.role and a.role.startswith("@") else None
        if target is None or target.attrs.get("age") is not None or a.claimed:
            continue
        target.attrs["age"] = a.age
        target.attrs["age_estimated"] = a.estimated
        if target.attrs.get("role") is None:
            target.attrs["role"] = "contact" if a.age >= 18 else None
    child_ages = [p for p in people if p.attrs.get("role") == "child"]
    for p in people:
        if p.attrs.get("role") is not None:
            continue
        age = p.attrs.get("age")
        if age is not None and age < 18 and not child_ages:
            p.attrs["role"] = "child"
            child_ages.append(p)
    for p in people:
        if p.attrs.get("role") is None:
            p.attrs["role"] = "contact" if child_ages or _acts_as_contact(text, p) else "other"
            if p.attrs["role"] == "other" and not child_ages and _is_object_of_contact(text, p):
                p.attrs["role"] = "child"
                child_ages.append(p)
    # A handle given right after a named person ("Kai ... plays as NightHawk") belongs to the contact.
    _ = bisect


_CONTACT_VERB_AFTER = re.compile(
    r"^(?:'s)?\s+(?:\w+\s+){0,2}?(?:sent|sends|asked|asks|told|tells|says|said|keeps|kept|"
    r"offered|offers|wants|wanted|"
    r"messag\w*|bought|buys|threaten\w*|promised|promises|gave|gives|added|adds|"
    r"has been (?:messaging|talking|sending))\b",
    re.IGNORECASE,
)
_OBJECT_VERB_BEFORE = re.compile(
    r"\b(?:sent|send|sends|asked|asks|told|tells|messag\w*|bought|buys|threaten\w*|promised|gave|gives|added|"
    r"groom\w*|contact\w*|talking to|chatting to|chatting with)\s+$",
    re.IGNORECASE,
)


def _acts_as_contact(text: str, p: Subject) -> bool:
    return bool(_CONTACT_VERB_AFTER.match(text[p.end : p.end + 60]))


def _is_object_of_contact(text: str, p: Subject) -> bool:
    return bool(_OBJECT_VERB_BEFORE.search(text[max(0, p.start - 30) : p.start]))
