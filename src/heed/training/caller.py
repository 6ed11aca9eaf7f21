"""The simulated caller: answers a trainee's question from the scenario's script. Pure Python (no Django).

A guided question (an id of the pack's questions.yaml) draws out the fact keyed to it. A question typed in
the trainee's own words is matched to a fact by its words (the fact's ``words`` and ``examples``) and by
meaning (the static sentence vectors of heed.risk.learned: the question against the fact's examples, and
against the guided question the fact answers). Nothing close enough: the caller says what they say to
anything they can't answer. How each answer was found is kept, so a trainer can see why the caller said
what it said.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.risk import GuidancePack
from heed.training.meaning import Embed
from heed.training.scenario import Fact, Scenario

_WORD = re.compile(r"[a-z0-9']+")
# Words too common in questions to point at any one fact.
_STOP = frozenset(
    "a an and any anything are as at be been can could did do does done for from has have he her him his how "
    "i if in is it its know me my of on or she so that the their them there they this to was we were what "
    "when where which who why will with would you your yours about just".split()
)


@dataclass(frozen=True)
class Answer:
    """What the caller says, the fact it came from (None: the caller could not answer), and how it was found:
    ``guided`` (a guided question), ``words``, ``meaning``, or ``unknown``."""

    says: str
    fact: str | None
    how: str
    score: float = 0.0
    guided: str | None = None  # the guided question's id, when one was asked

    def as_dict(self) -> dict[str, Any]:
        return {"says": self.says, "fact": self.fact, "how": self.how, "score": round(self.score, 3)}


def _tokens(text: str) -> list[str]:
    return [t.strip("'") for t in _WORD.findall(text.lower()) if t.strip("'")]


# Of those, the words that still tell one question from another when whole questions are compared: who is
# asked about (you, he, she) and what is asked (who, where, how).
_TELLING = frozenset(
    "he her him his how i my she their them they we what when where which who why you your".split()
)


def _content(text: str, *, telling: bool = False) -> set[str]:
    stop = _STOP - _TELLING if telling else _STOP
    return {t for t in _tokens(text) if t not in stop}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Caller:
    """One scenario's caller. ``settings``: the matching thresholds (training/scoring.yaml ``matching``)."""

    def __init__(
        self,
        scenario: Scenario,
        pack: GuidancePack,
        embed: Embed | None,
        settings: Mapping[str, float],
    ) -> None:
        self.scenario = scenario
        self.pack = pack
        self.embed = embed
        self.words_min = float(settings.get("words_min", 2.0))
        self.meaning_min = float(settings.get("meaning_min", 0.6))

    def ask(self, question: str) -> Answer:
        """The caller's answer to ``question``: a guided question's id, or the trainee's own words."""
        q = question.strip()
        if q in self.pack.questions:
            fact = self.scenario.fact_for_question(q)
            if fact is None:
                return Answer(self.scenario.unknown_reply, None, "unknown", guided=q)
            return Answer(fact.says, fact.id, "guided", 1.0, guided=q)
        return self._free(q)

    # --------------------------------------------------------------------------------------------- matching

    def _word_score(self, question: set[str], fact: Fact, question_text: str) -> float:
        stems = {_stem(w) for w in question}
        score = 0.0
        for w in fact.words:
            parts = _content(w)
            if parts and {_stem(p) for p in parts} <= stems:
                score += 1.0 if len(parts) == 1 else 1.5  # a phrase matched whole counts for more
        # The closest of the fact's example questions, compared whole (who is asked about, and what).
        whole = {_stem(w) for w in _content(question_text, telling=True)}
        closest = 0.0
        for example in fact.examples:
            ex = {_stem(w) for w in _content(example, telling=True)}
            if ex:
                closest = max(closest, len(ex & whole) / len(ex | whole))
        return score + 3.0 * closest

    def _meaning(self, question: str) -> dict[str, float]:
        """Each fact's closeness in meaning to the question: the best cosine against the fact's example
        questions and the text of the guided question it answers."""
        if self.embed is None:
            return {}
        targets: list[tuple[str, str]] = []
        for fact in self.scenario.facts:
            texts = list(fact.examples)
            if fact.question and fact.question in self.pack.questions:
                texts.append(self.pack.questions[fact.question].text)
            targets.extend((fact.id, t) for t in texts)
        if not targets:
            return {}
        vectors = self.embed([question, *(t for _, t in targets)])
        sims = vectors[1:] @ vectors[0]
        out: dict[str, float] = {}
        for (fid, _), sim in zip(targets, sims, strict=True):
            out[fid] = max(out.get(fid, -1.0), float(sim))
        return out

    def _free(self, question: str) -> Answer:
        words = _content(question)
        if not _content(question, telling=True):
            return Answer(self.scenario.unknown_reply, None, "unknown")
        best: tuple[float, float, Fact] | None = None
        meaning = self._meaning(question)
        for fact in self.scenario.facts:
            by_words = self._word_score(words, fact, question)
            by_meaning = meaning.get(fact.id, 0.0)
            # Words decide when they are clear; meaning breaks ties and finds paraphrases with no shared word.
            rank = (by_words, by_meaning, fact)
            if best is None or (rank[0] + rank[1]) > (best[0] + best[1]):
                best = rank
        assert best is not None
        by_words, by_meaning, fact = best
        if by_words >= self.words_min:
            return Answer(fact.says, fact.id, "words", by_words)
        if by_meaning >= self.meaning_min:
            return Answer(fact.says, fact.id, "meaning", by_meaning)
        return Answer(self.scenario.unknown_reply, None, "unknown", max(by_words, by_meaning))
