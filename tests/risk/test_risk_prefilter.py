"""The prefilter is an optimisation only: detection with it finds exactly what a full scan finds."""

from __future__ import annotations

import dataclasses
import json
import re
from types import MappingProxyType

import pytest

from heed.risk import default_pack
from heed.risk.detect import detect, normalise
from heed.risk.evaluate import DATA_DIR, development_sets
from heed.risk.prefilter import StartTable, WordIndex, anchors_of, finditer

TRICKY = [
    "He's 24 and she's 14. He'll pick her up at 8 tonight; £50 sent, 'keep it quiet'.",
    "ÇA VA? İstanbul naïve café - he said he'd send £20 if she sent pics.",
    "O'Brien's son (13) 'said' the man's car was outside now.",
]


def all_narratives() -> list[str]:
    texts = list(TRICKY)
    for path in development_sets(DATA_DIR):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return texts


def test_detection_with_the_prefilter_equals_a_full_scan() -> None:
    pack = default_pack()
    compiled = dict(pack.compiled)
    compiled["cue_anchors"] = MappingProxyType({c: (None,) * len(p) for c, p in pack.cues.items()})
    compiled["cue_table"] = StartTable([None] * sum(len(p) for p in pack.cues.values()))
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


def test_anchors_are_known_for_almost_every_cue() -> None:
    pack = default_pack()
    anchors = [a for per_code in pack.compiled["cue_anchors"].values() for a in per_code]
    assert sum(a is None for a in anchors) <= len(anchors) // 10
