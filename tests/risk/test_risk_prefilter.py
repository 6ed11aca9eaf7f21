"""The prefilter is an optimisation only: detection with it finds exactly what a full scan finds."""

from __future__ import annotations

import dataclasses
import json
import re
from types import MappingProxyType

import pytest

from heed.risk import default_pack, subjects
from heed.risk.detect import _NORMALISE, Scope, detect, normalise
from heed.risk.evaluate import DATA_DIR, development_sets
from heed.risk.prefilter import (
    PatternScan,
    StartTable,
    WordIndex,
    anchors_of,
    finditer,
    finditer_at,
    later_parts_of,
    openings_of,
    rarest_later_part,
)

TRICKY = [
    "He's 24 and she's 14. He'll pick her up at 8 tonight; £50 sent, 'keep it quiet'.",
    "ÇA VA? İstanbul naïve café - he said he'd send £20 if she sent pics.",
    "O'Brien's son (13) 'said' the man's car was outside now.",
]


# Look-back windows that begin mid-word, hold pseudo-negations or end on a symbol.
PROBES = [
    "He never told her he'd send pics, but she says he didn't know she was 14 and not only asked for pics.",
    "Nobody knows he asked to meet. If he asks for pics she won't; worried he might ask to meet.",
    "whatever he asked for pics\nand then he asked for pics, no",
    "She is not sure he didn't ask to meet at £20 'pics'.",
]


def all_narratives() -> list[str]:
    texts = list(TRICKY)
    for path in development_sets(DATA_DIR):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return texts


def exactness_texts(extra: tuple[str, ...] = ()) -> list[str]:
    """Texts to compare against the full scan, normalised: every narrative of every set run together in
    nines (where later anchors drop the most starts), and on their own the tricky ones, ``extra`` and one
    narrative in three (where a match meets the text's edges). The full scan is the slow reference, so the
    sets can grow without the suite growing three times as fast."""
    texts = [normalise(t) for t in all_narratives()]
    joined = ["\n".join(texts[i : i + 9]) for i in range(0, len(texts), 9)]
    return [*texts[: len(TRICKY)], *(normalise(t) for t in extra), *texts[len(TRICKY) :: 3], *joined]


def test_detection_with_the_prefilter_equals_a_full_scan() -> None:
    pack = default_pack()
    compiled = dict(pack.compiled)
    compiled["cue_anchors"] = MappingProxyType({c: (None,) * len(p) for c, p in pack.cues.items()})
    table: StartTable = pack.compiled["text_table"]
    cues = range(table.size)[pack.compiled["cue_slots"]]
    compiled["text_table"] = StartTable(
        [None if i in cues else a for i, a in enumerate(table.anchors)],
        [None if i in cues else later for i, later in enumerate(table.later)],
    )
    full_scan = dataclasses.replace(pack, compiled=MappingProxyType(compiled))
    for text in all_narratives():
        norm = normalise(text)
        assert detect(norm, pack) == detect(norm, full_scan), text


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (
            r"\b(?:asks?|asked|wants?)\s+(?:\w+\s+){0,3}?meet\b",
            "She said he asked her to meet; he wants to meet.",
        ),
        (r"\b(?:is|'s)\s+(?P<age>\d{1,2})\b", "He's 24 and she is 14, it's 10."),
        (r"£\s?\d+", "he sent £50 and then £ 20"),
    ],
)
def test_finditer_matches_re_finditer(pattern: str, text: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    index = WordIndex(text)
    expected = [m.span() for m in compiled.finditer(text)]
    assert [m.span() for m in finditer(compiled, anchors_of(compiled), index, text)] == expected


def test_every_cue_finds_with_the_prefilter_exactly_what_a_full_scan_finds() -> None:
    # Match by match (before scope decides anything), on narratives as written and run together, where
    # later anchors drop the most starts.
    pack = default_pack()
    patterns = [p for per_code in pack.cues.values() for p in per_code]
    table: StartTable = pack.compiled["text_table"]
    for text in exactness_texts():
        starts = table.starts(WordIndex(text))[pack.compiled["cue_slots"]]
        for pattern, where in zip(patterns, starts, strict=True):
            found = [m.span() for m in finditer_at(pattern, where, text)]
            assert found == [m.span() for m in pattern.finditer(text)], (pattern.pattern, text)


def test_scope_decides_the_same_with_and_without_the_prefilter() -> None:
    # The look-back patterns are searched only in windows where they can begin; every decision must be
    # the one a search of every window gives.
    pack = default_pack()
    patterns = [p for per_code in pack.cues.values() for p in per_code]
    for text in exactness_texts(tuple(PROBES)):
        index = WordIndex(text)
        fast, plain = Scope(text, pack.compiled, index), Scope(text, pack.compiled)
        assert fast.breaks == plain.breaks
        for pattern in patterns:
            for m in pattern.finditer(text):
                for suspicion in (False, True):
                    expected = plain.is_reported(m.start(), m.end(), suspicion_counts=suspicion)
                    assert fast.is_reported(m.start(), m.end(), suspicion_counts=suspicion) == expected


@pytest.mark.parametrize(
    ("alternatives", "text"),
    [
        (
            [
                r"[.!?;:\n]",
                r"\s[-–—]\s",
                r"\b(?:but|and then)\b",
                r",\s*(?:and\s+)?(?:he|she)\b",
                r"\b(?:and|&)\s+he",
            ],
            "He asked - no. But then, and he said; & he left,she:\n- x but",
        ),
        ([r"(?-i:X)\w", r"[^a-z ]\d"], "aXb AB cd x1 xX #1 X1"),
    ],
)
def test_openings_find_every_match_of_an_alternation(alternatives: list[str], text: str) -> None:
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
    openings = openings_of(pattern)
    assert openings is not None
    index = WordIndex(text)
    at = openings.starts(text, StartTable([openings.anchors]).starts(index)[0] if openings.anchors else None)
    assert [m.span() for m in finditer_at(pattern, at, text)] == [m.span() for m in pattern.finditer(text)]


def test_an_alternative_without_a_listable_beginning_means_a_full_scan() -> None:
    assert openings_of(re.compile(r"[.!?]|[^a-z ]{2}", re.IGNORECASE)) is None


def test_a_window_cut_mid_word_is_searched_in_full() -> None:
    # A force's clause break may end inside a word: the window then begins with a word the text's index
    # does not know, so the look-back patterns must be searched, not skipped.
    pack = default_pack()
    compiled = {**pack.compiled, "clause_breaks": re.compile("xx"), "breaks_openings": None}
    text = "boxxnever asked for pics"
    start = text.index("asked")
    fast, plain = Scope(text, compiled, WordIndex(text)), Scope(text, compiled)
    assert fast.window(start) == "never "
    assert plain.is_reported(start, len(text), suspicion_counts=False) is False
    assert fast.is_reported(start, len(text), suspicion_counts=False) is False


def test_people_patterns_find_with_the_scan_exactly_what_plain_calls_find() -> None:
    # Whole texts, windows given by pos/endpos, and slices (which may begin mid-word), as the extractor and
    # the engine call them.
    pack = default_pack()
    people: PatternScan = pack.compiled["people_scan"]
    patterns = [*people.patterns, *subjects._OWN_SCAN.patterns]
    for text in exactness_texts(tuple(PROBES)):
        scan = subjects.scan_text(text, pack, WordIndex(text))
        cuts = sorted(
            {0, len(text), *range(0, len(text), 37), *(m.start() for m in re.finditer(r"\b", text))}
        )
        windows = [(a, b) for a, b in zip(cuts, cuts[7:], strict=False)][::5]
        for pattern in patterns:
            assert [m.span() for m in scan.finditer(pattern)] == [m.span() for m in pattern.finditer(text)]
            for a, b in windows:
                plain = [m.span() for m in pattern.finditer(text, a, b)]
                assert [m.span() for m in scan.finditer(pattern, a, b)] == plain, (pattern.pattern, a, b)
                found, first = scan.search(pattern, a, b), pattern.search(text, a, b)
                assert (found and found.span()) == (first and first.span())
                piece = [m.span() for m in pattern.finditer(text[a:b])]
                assert [m.span() for m in scan.finditer_in(pattern, a, b)] == piece, (pattern.pattern, a, b)


@pytest.mark.parametrize(
    ("pattern", "later"),
    [
        (r"\b(?:asks?|wants?) +(?:\w+ +){0,3}?(?:pics|nudes)\b", [({"pics", "nudes"}, True)]),
        # A pound sign reads as a separator, indexed where it stands: " 5" begins "£50".
        (r"\bsend\b(?: \w+)? (?:pics|£\d+)", [({"pics", *(f" {d}" for d in range(10))}, True)]),
        # Nothing bounds where "pics" begins: "\w*" may run into it.
        (r"\bsend\w* *pics", []),
        # The gap may cross a full stop, so "age" may be in the next sentence.
        (r"\b(?:his|her)[^\w!?]+(?:age|name)\b", [({"age", "name"}, False)]),
        (r"\b(?:his|her)[^\w.!?;\n]{1,3}\w+ (?:age|name)\b", [({"age", "name"}, True)]),
    ],
)
def test_later_parts(pattern: str, later: list[tuple[set[str], bool]]) -> None:
    found = later_parts_of(re.compile(pattern, re.IGNORECASE))
    assert [(set(p.anchors.prefixes), p.fenced) for p in found] == later


def test_a_cue_is_tried_only_where_its_later_part_follows_in_the_same_sentence() -> None:
    pattern = re.compile(r"\b(?:asks?|wants?) +(?:\w+ +){0,3}?(?:pics|nudes)\b", re.IGNORECASE)
    table = StartTable([anchors_of(pattern)], [rarest_later_part(pattern)])
    assert table.starts(WordIndex("he asks for money and wants to meet")) == [[]]
    text = "he asks for pics and wants to meet"
    assert table.starts(WordIndex(text)) == [[3]]
    assert [m.span() for m in pattern.finditer(text)] == [(3, 16)]
    # The "pics" after the full stop cannot end a match that starts before it.
    text = "he asks to meet. she wants pics"
    assert table.starts(WordIndex(text)) == [[21]]
    assert [m.span() for m in pattern.finditer(text)] == [(21, 31)]


def test_normalise_gives_what_translating_then_joining_wrapped_lines_gives() -> None:
    # normalise() skips the translation when there is nothing to translate and jumps between line breaks.
    wrapped = re.compile(r"(?<=[\w,'])\n(?=[ \t]*[a-z])")
    odd = [
        "a\nb",
        "a,\n  b",
        "'\nb",
        "A\nB",
        "\n\na",
        "x\n\tz",
        "é\nb",
        "_\nb",
        "a\r\nb",
        "he\u2019s\u00a0\t\u2014",
    ]
    for text in [*all_narratives(), *PROBES, *odd]:
        assert normalise(text) == wrapped.sub(" ", text.translate(_NORMALISE))


def test_letters_and_capitals_are_counted_as_the_patterns_count_them() -> None:
    letter, capital = re.compile(r"[^\W\d_]"), re.compile(r"[A-Z]")
    odd = ["ÉCOLE Ça", "²³ abc DEF_9", "", "İ ß ﬁ", "ABC def 123 _x_"]
    for text in [*all_narratives(), *odd]:
        for t in (text, text.upper()):
            expected = (len(letter.findall(t)), len(capital.findall(t)))
            assert subjects._letters_and_capitals(t) == expected


def test_anchors_are_known_for_almost_every_cue() -> None:
    pack = default_pack()
    anchors = [a for per_code in pack.compiled["cue_anchors"].values() for a in per_code]
    assert sum(a is None for a in anchors) <= len(anchors) // 10
