"""Golden outputs: ``assess`` gives exactly the results recorded in ``golden/assess_digests.json``.

The guard for work that must not change results (speed-ups, refactors). Every narrative of
``tests/risk/data/*.jsonl`` is assessed as written, in capitals (log style), as typed on other keyboards
(curly quotes, en dashes, double spaces, CRLF) and with a guided answer; so are ~300-word narratives built the
way ``benchmarks/bench_assess.py`` builds them, and fragments of the sets spliced with identifiers, ages,
negations and odd characters, sometimes cut mid-word. The full output (``Assessment.to_dict()`` plus
``facts``, in order) of each is hashed and compared with the recorded digest. The digests were first
recorded by the engine as it stood before the speed work of issue 2 (commit 3eb3103).

A change that is meant to change results (new guidance, a recall fix) regenerates the file, and its commit
says why the results moved: ``make golden`` (``python tests/risk/test_risk_golden.py --write``).
``--dump OUT.jsonl`` writes the full outputs, to diff two commits when a digest differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heed.risk import GuidancePack, assess, load_pack

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
GOLDEN = HERE / "golden" / "assess_digests.json"
DIGEST_CHARS = 12
LONG_WORDS = 300
LONG_SEEDS = (7, 11)  # the seeds of the bench's latency and ~300-word batch runs
LONG_COUNT = 200
MIXED_SEED = 23
MIXED_COUNT = 400
# Things handlers type that stress scope, ages, identifiers and spans when spliced into other text.
INSERTS = [
    "@user_1",
    "x.y@mail.com",
    "#1234",
    "Reaper#0420",
    "£50",
    "50 quid",
    "07700 900123",
    "+44 7700 900123",
    "'sk8r_boi'",
    '"NATHAN"',
    "(14)",
    "aged 15",
    "he's 24",
    "MALE APPROX 45",
    "DAU 13",
    "in his 30s",
    "thirty-something",
    "not",
    "never",
    "if",
    "worried he might",
    "Has he asked for pics?",
    "yes",
    "no",
    "- no",
    "Mum",
    "her dad",
    "a man",
    "on Snapchat",
    "on discord",
    "in Leeds",
    ":",
    ";",
    "!",
    "?",
    "\t",
    "\u2019",
    "\u201c",
    "\u2014",
    "\u00a0",
    "...",
    "\u0130",
    "\u00df",
    "but",
    "and then",
    "&",
    "SYNTHETIC.",
]


def _rows() -> list[dict[str, Any]]:
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "file": path.name})
    return rows


def _long_narratives(texts: list[str], seed: int) -> list[str]:
    # The same construction as benchmarks/bench_assess.py's narratives(): shuffled development-set texts.
    rng = random.Random(seed)
    out = []
    for _ in range(LONG_COUNT):
        parts: list[str] = []
        n = 0
        while n < LONG_WORDS:
            t = rng.choice(texts)
            parts.append(t)
            n += len(t.split())
        out.append("\n".join(parts))
    return out


def _mixed(texts: list[str], seed: int) -> list[str]:
    # Fragments of development-set texts run together, re-cased, with INSERTS between them and sometimes cut
    # mid-word: shapes no set was written in.
    rng = random.Random(seed)
    out = []
    for _ in range(MIXED_COUNT):
        words: list[str] = []
        target = rng.choice((8, 30, 80, 200, 350))
        while len(words) < target:
            t = rng.choice(texts).split(" ")
            a = rng.randrange(len(t))
            frag = t[a : a + rng.randint(3, 40)]
            style = rng.random()
            if style < 0.15:
                frag = [w.upper() for w in frag]
            elif style < 0.25:
                frag = [w.lower() for w in frag]
            words += frag
            if rng.random() < 0.5:
                words.append(rng.choice(INSERTS))
            if rng.random() < 0.3:
                words.append(rng.choice([".", "\n", ";", " - ", ",", " but", "\r\n"]))
        text = " ".join(words)
        if rng.random() < 0.2:
            text = text[rng.randrange(len(text)) :]
        out.append(text if text.strip() else "x")
    return out


def _typed(text: str) -> str:
    return (
        text.replace("'", "\u2019")
        .replace(" - ", " \u2013 ")
        .replace(". ", ".  ")
        .replace(", ", ",\u00a0")
        .replace("\n", "\r\n")
    )


def inputs(pack: GuidancePack) -> Iterator[tuple[str, str, dict[str, str] | None]]:
    """(key, text, answers) for every golden input, in a fixed order."""
    rows = _rows()
    choices = [(qid, value) for qid, q in pack.questions.items() for value in q.answers]
    for i, row in enumerate(rows):
        text = row["text"]
        yield row["id"], text, None
        yield f"{row['id']}^", text.upper(), None
        yield f"{row['id']}~", _typed(text), None
        qid, value = choices[i % len(choices)]
        yield f"{row['id']}?", text, {qid: value}
    dev_texts = [r["text"] for r in rows if not r["file"].startswith("holdout")]
    for seed in LONG_SEEDS:
        for i, text in enumerate(_long_narratives(dev_texts, seed)):
            yield f"long{seed}-{i:03d}", text, None
    for i, text in enumerate(_mixed(dev_texts, MIXED_SEED)):
        yield f"mixed-{i:03d}", text, None


def output(text: str, answers: dict[str, str] | None, pack: GuidancePack) -> str:
    """The full result as canonical JSON (key order kept: it is part of the output)."""
    result = assess(text, answers, pack=pack)
    return json.dumps([result.to_dict(), result.facts], ensure_ascii=False, separators=(",", ":"))


def digests(pack: GuidancePack) -> dict[str, str]:
    return {
        key: hashlib.sha256(output(text, answers, pack).encode("utf-8")).hexdigest()[:DIGEST_CHARS]
        for key, text, answers in inputs(pack)
    }


def _national() -> GuidancePack:
    # The national pack alone: a force overlay in the environment must not move the golden outputs.
    os.environ.pop("HEED_GUIDANCE", None)
    return load_pack()


def test_outputs_equal_the_golden_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEED_GUIDANCE", raising=False)
    pack = load_pack()
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = digests(pack)
    assert set(current) == set(recorded["digests"]), "the golden inputs changed: run `make golden`"
    changed = sorted(k for k, v in current.items() if recorded["digests"][k] != v)
    assert not changed, (
        f"{len(changed)} of {len(current)} outputs differ from the golden ones, e.g. {changed[:10]}. "
        "If the change is meant to move results, run `make golden` and say why in the commit."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"record the current outputs in {GOLDEN.name}")
    parser.add_argument("--dump", metavar="OUT.jsonl", help="write every full output, to diff two commits")
    args = parser.parse_args(argv)
    pack = _national()
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for key, text, answers in inputs(pack):
                fh.write(json.dumps({"key": key}) + "\t" + output(text, answers, pack) + "\n")
    if args.write:
        found = digests(pack)
        GOLDEN.parent.mkdir(exist_ok=True)
        body = {"pack_version": pack.version, "inputs": len(found), "digests": found}
        GOLDEN.write_text(json.dumps(body, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"recorded {len(found)} golden digests in {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
