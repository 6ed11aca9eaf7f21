"""The learned layer's mechanics with heads made by hand (so the test does not depend on training), and the
shipped heads' stamp: built from the pack's examples and the development data as they are now."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from heed.risk import assess, default_pack
from heed.risk.detect import Scope, normalise
from heed.risk.errors import PackError
from heed.risk.learned import heads as heads_mod
from heed.risk.learned.build import DATA_DIR, _digest_files, training_files
from heed.risk.learned.heads import HEADS_FILE, Heads, Reader, default_heads, examples_digest, load_heads
from heed.risk.learned.static import DATA, StaticEncoder, default_encoder
from heed.risk.prefilter import WordIndex

CODE = "sexual_content"


def hand_heads(word: str, *, accept: float = 0.5, ask: float = 0.2, veto: float = 0.0) -> Heads:
    """One hidden unit that fires for segments near ``word``'s vector; sexual_content rises with it."""
    pack = default_pack()
    codes = tuple(pack.indicators)
    enc = default_encoder()
    d = enc.dims
    w1 = enc.encode(word).vector.reshape(d, 1).astype(np.float32)
    w2 = np.zeros((1, len(codes)), dtype=np.float32)
    w2[0, codes.index(CODE)] = 60.0
    b2 = np.full(len(codes), -30.0, dtype=np.float32)
    b2[codes.index(CODE)] = -31.0
    return Heads(
        codes,
        w1,
        np.zeros(1, dtype=np.float32),
        w2,
        b2,
        dict.fromkeys(codes, 1.01) | {CODE: accept},
        dict.fromkeys(codes, 1.01) | {CODE: ask},
        dict.fromkeys(codes, 0.0) | {CODE: veto},
        {},
        {CODE: ("asked her to send nudes",)},
    )


def read(reader: Reader, text: str) -> list[heads_mod.Hit]:
    pack = default_pack()
    norm = normalise(text)
    scope = Scope(norm, pack.compiled, WordIndex(norm))
    return reader.hits(norm, scope, {})


def test_a_hit_rests_on_the_word_that_scores_and_says_what_it_reads_like() -> None:
    reader = Reader(hand_heads("nudes"), default_encoder())
    text = "Mum rang at six. He keeps asking her for nudes"
    (hit,) = read(reader, text)
    assert hit.code == CODE and hit.confirmed
    assert text[hit.start : hit.end] == "He keeps asking her for nudes"
    assert text[hit.anchor_start : hit.anchor_end] == "nudes"
    assert hit.reads_like == "asked her to send nudes"


@pytest.mark.parametrize(
    "text",
    [
        "He never asked her for nudes",  # a negated verb
        "I'm worried he might ask her for nudes",  # feared, not reported
        "Q: HAS HE ASKED FOR NUDES? A: NO",  # a handler's question answered no
        "She denies that he asked for nudes",  # a denial
    ],
)
def test_learned_hits_pass_the_rules_scope(text: str) -> None:
    reader = Reader(hand_heads("nudes"), default_encoder())
    assert [h for h in read(reader, text) if h.code == CODE] == []


# Words no cue of the pack reads, so that what the engine reports here comes from the hand-made heads alone.
UNSEEN = "SYNTHETIC. She is 14. He keeps talking to her about giraffes"


def test_between_ask_and_accept_a_hit_is_only_possible(monkeypatch: pytest.MonkeyPatch) -> None:
    assert assess(UNSEEN, learned=False).indicators == {}
    reader = Reader(hand_heads("giraffes", accept=1.01, ask=0.2), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    d = assess(UNSEEN).to_dict()
    assert CODE not in {i["code"] for i in d["indicators"]}
    assert d["risk"] == "standard"  # a possible sign never changes the grade
    (sign,) = [p for p in d["possible_signs"] if p["indicator"] == CODE]
    assert sign["question"] == "asked_for_images"
    assert sign["evidence"]["text"] == "He keeps talking to her about giraffes"
    assert sign["reads_like"] == "asked her to send nudes"


def test_a_confirmed_hit_is_evidence_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = Reader(hand_heads("giraffes", accept=0.5), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    a = assess(UNSEEN)
    d = a.to_dict()
    (ind,) = [i for i in d["indicators"] if i["code"] == CODE]
    assert ind["evidence"][0]["source"] == "learned"
    assert ind["evidence"][0]["why"] == "asked her to send nudes"
    assert any(r.rule == f"learned:{CODE}" and "reads like" in r.text for r in a.reasons)


@pytest.mark.parametrize(
    ("denial", "set_aside"),
    [
        ("Nothing inappropriate.", True),
        ("Mum says there was nothing sexual in the chats.", True),
        ("Nothing rude at all!", True),
        ("No child at risk.", True),
        # not a sentence of its own: a denial that goes on to report something is no denial
        ("Nothing inappropriate until last week.", False),
        ("He is sure there is nothing inappropriate?", False),
        # one thing denied is not every sexual request
        ("No nudes.", False),
    ],
)
def test_a_sentence_saying_the_sign_is_absent_makes_a_learned_hit_a_question(
    monkeypatch: pytest.MonkeyPatch, denial: str, set_aside: bool
) -> None:
    reader = Reader(hand_heads("giraffes", accept=0.5), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    a = assess(f"{UNSEEN}. {denial}")
    d = a.to_dict()
    found = CODE in {i["code"] for i in d["indicators"]}
    asked = CODE in {p["indicator"] for p in d["possible_signs"]}
    assert (found, asked) == ((False, True) if set_aside else (True, False))
    assert any(r.effect == "learned_set_aside" for r in a.reasons) is set_aside


def test_a_denial_before_the_hit_is_of_something_else(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = Reader(hand_heads("giraffes", accept=0.5), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    d = assess(f"SYNTHETIC. Mum checked her phone last month. Nothing inappropriate. {UNSEEN[11:]}").to_dict()
    assert CODE in {i["code"] for i in d["indicators"]}


def test_a_vetoed_rule_match_becomes_a_question_not_a_grade(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules read "sent her pics of his penis" as sexual content; heads that score nothing like it there
    # (here: heads that only know "bicycle") veto it, and it comes back as a possible sign.
    text = "SYNTHETIC. The account sent her pics of his penis."
    assert CODE in {i["code"] for i in assess(text, learned=False).to_dict()["indicators"]}
    reader = Reader(hand_heads("bicycle", accept=1.01, ask=1.01, veto=0.5), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    d = assess(text).to_dict()
    assert CODE not in {i["code"] for i in d["indicators"]}
    assert CODE in {p["indicator"] for p in d["possible_signs"]}


def test_shipped_heads_are_built_from_the_pack_and_data_as_they_are() -> None:
    """Editing examples.yaml or the labelled data without `make heads` fails here."""
    stamp = default_heads().stamp
    pack = default_pack()
    assert stamp["pack_version"] == pack.version
    assert stamp["examples_digest"] == examples_digest(pack.examples, pack.neutral_examples)
    assert stamp["training_digest"] == _digest_files(training_files(DATA_DIR))
    assert stamp["table_digest"] == _digest_files([DATA / "static_minilm.npz", DATA / "vocab.txt"])
    assert default_heads().codes == tuple(pack.indicators)


def test_missing_or_broken_heads_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="run `make heads`"):
        load_heads(tmp_path / "heads.json")
    meta = json.loads(HEADS_FILE.read_text(encoding="utf-8"))
    (tmp_path / "heads.json").write_text(json.dumps(meta), encoding="utf-8")
    np.savez(tmp_path / "heads.npz", w1=np.zeros((4, 3)), b1=np.zeros(3), w2=np.zeros((3, 2)), b2=np.zeros(2))
    with pytest.raises(PackError, match="not heads written by `make heads`"):
        load_heads(tmp_path / "heads.json")


def test_missing_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="make heads"):
        StaticEncoder(tmp_path)


def test_the_accept_threshold_is_chosen_on_averaged_f_not_a_lone_spike() -> None:
    """Two signs score 0.91 and two non-signs 0.90: F1 is 1.0 at an accept of exactly 0.91, 0 just above it
    and 0.67 below. A single point would take 0.91, where a shift of 0.01 in the scores loses every sign;
    averaged over two thresholds either side, the choice is 0.89, below the spike."""
    from heed.risk.learned.build import SMOOTH, _choose

    assert SMOOTH == 2
    learned = np.array([0.91, 0.91, 0.90, 0.90, 0.1, 0.1], dtype=np.float32)
    gold = np.array([True, True, False, False, False, False])
    rule = np.full(len(gold), -1.0, dtype=np.float32)
    _veto, accept, (precision, recall) = _choose(rule, learned, gold, beta=1.0)
    assert accept == 0.89
    assert (precision, recall) == (0.5, 1.0)


def test_a_recall_weight_above_one_accepts_more_readily() -> None:
    """Four signs score 0.95, 0.95, 0.8 and 0.8; five non-signs 0.8. Weighing a miss and a false sign alike
    (F1: 0.67 against 0.62) accepts only the two at 0.95; weighing a miss 1.5 times (immediate danger,
    indicators.yaml recall_weight; F-1.5: 0.59 against 0.72) accepts from 0.8 and finds all four."""
    from heed.risk.learned.build import _choose

    learned = np.array([0.95, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.1], dtype=np.float32)
    gold = np.array([True, True, True, True, False, False, False, False, False, False])
    rule = np.full(len(gold), -1.0, dtype=np.float32)
    _v, alike, (_p, recall_alike) = _choose(rule, learned, gold, beta=1.0)
    _v, weighted, (_p, recall_weighted) = _choose(rule, learned, gold, beta=1.5)
    assert weighted < 0.8 < alike
    assert (recall_alike, recall_weighted) == (0.5, 1.0)
