"""`heed assess`: assess one narrative (file or stdin) or a JSON-lines batch, and print the result.

Exit codes: 0 success; 2 unusable input or options (one clear line on stderr); in batch mode 1 when any line
failed (every line still gets an output line: the assessment, or ``{"id", "line", "error"}``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from heed.commands import CommandError
from heed.risk import Assessment, InputError, PackError, assess, default_pack
from heed.risk.engine import MAX_TEXT_BYTES
from heed.textclean import for_engine

# Batches at least this long use a process pool (one worker per core); shorter ones are not worth the
# start-up.
POOL_THRESHOLD = 256
PROGRESS_EVERY_LINES = 1000
PROGRESS_EVERY_SECONDS = 2.0


def register(subparsers: Any) -> None:
    """Add the ``assess`` sub-command."""
    p = subparsers.add_parser(
        "assess",
        help="assess a narrative for online grooming danger signs",
        description="Assess a caller's narrative: indicators with evidence, subjects, risk, response, "
        "required actions and the pack rules behind them.",
    )
    p.add_argument("file", nargs="?", help="narrative text file, or - for standard input")
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format (default json)")
    p.add_argument(
        "--answers", metavar="JSON_OR_FILE", help='guided answers, e.g. \'{"asked_to_meet": "yes"}\''
    )
    p.add_argument("--batch", metavar="IN.jsonl", help='assess lines {"id": ..., "text": ...} (- for stdin)')
    p.add_argument("--workers", type=int, default=None, help="batch worker processes (default: cores)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of the sub-command."""
    try:
        default_pack()
    except PackError as exc:
        raise CommandError(f"the guidance pack is invalid: {exc}") from None
    if args.batch:
        if args.file or args.answers:
            raise CommandError("--batch takes its answers from each line; give no FILE or --answers with it")
        if args.format != "json":
            raise CommandError("--batch writes JSON lines; --format text is for a single narrative")
        return _run_batch(args.batch, args.workers)
    if not args.file:
        raise CommandError("give a narrative FILE, - for standard input, or --batch IN.jsonl")
    # Invisible controls (a bidi override) are read as spaces, as the pages' engine reads them (ADR 0015).
    text = for_engine(_read_text(args.file))
    answers = _parse_answers(args.answers) if args.answers else None
    try:
        result = assess(text, answers)
    except InputError as exc:
        raise CommandError(str(exc)) from None
    if args.format == "text":
        sys.stdout.write(render_text(result, text))
    else:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    return 0


def _read_text(name: str) -> str:
    where = "standard input" if name == "-" else name
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        else:
            with open(name, "rb") as fh:
                data = fh.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise CommandError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{where}: is a directory, not a text file") from None
    except OSError as exc:
        raise CommandError(f"{where}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_TEXT_BYTES:
        raise CommandError(f"{where}: larger than the limit of {MAX_TEXT_BYTES} bytes (1 MB)")
    if b"\x00" in data:
        raise CommandError(f"{where}: contains NUL bytes: it looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{where}: not valid UTF-8 text (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise CommandError(f"{where}: the narrative is empty")
    return text.removeprefix("\ufeff")


def _parse_answers(raw: str) -> dict[str, str]:
    source = "--answers"
    if not raw.lstrip().startswith("{"):
        path = Path(raw)
        if not path.is_file():
            raise CommandError(f"--answers: {raw!r} is neither a JSON object nor a readable file")
        source = raw
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{source}: cannot be read as UTF-8 text ({exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CommandError(
            f'{source}: expected a JSON object of question id to answer, e.g. {{"secrecy": "yes"}}'
        )
    return data


# ----------------------------------------------------------------------------------------------------- batch


def assess_line(item: tuple[int, str]) -> tuple[int, str, str | None]:
    """Assess one JSON line; return (line number, output JSON line, error message or None). Never raises."""
    number, line = item
    ident: Any = None
    try:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise InputError('expected a JSON object {"id": ..., "text": ...}')
        ident = obj.get("id")
        if "id" not in obj:
            raise InputError('missing "id"')
        if not isinstance(obj.get("text"), str):
            raise InputError('"text" must be a string')
        answers = obj.get("answers")
        if answers is not None and not isinstance(answers, dict):
            raise InputError('"answers" must be an object of question id to answer')
        result = assess(for_engine(obj["text"]), answers)
        out = {"id": ident, **result.to_dict()}
        return number, json.dumps(out, ensure_ascii=False), None
    except InputError as exc:
        msg = str(exc)
    except Exception as exc:
        msg = f"internal error: {type(exc).__name__}: {exc}"
    return number, json.dumps({"id": ident, "line": number, "error": msg}, ensure_ascii=False), msg


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Hand the worker a line that fails with a clear message, keeping the numbering.
            text = json.dumps({"__bad_utf8__": exc.start})
        yield number, text


def _assess_or_utf8(item: tuple[int, str]) -> tuple[int, str, str | None]:
    number, text = item
    if text.startswith('{"__bad_utf8__":'):
        offset = json.loads(text)["__bad_utf8__"]
        msg = f"not valid UTF-8 (bad byte at offset {offset} of the line)"
        return number, json.dumps({"id": None, "line": number, "error": msg}), msg
    return assess_line(item)


def _run_batch(name: str, workers: int | None) -> int:
    try:
        stream: IO[bytes] = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
    except FileNotFoundError:
        raise CommandError(f"{name}: no such file") from None
    except OSError as exc:
        raise CommandError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        return _batch_stream(stream, workers)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _batch_stream(stream: IO[bytes], workers: int | None) -> int:
    lines = _lines(stream)
    head = list(itertools.islice(lines, POOL_THRESHOLD))
    all_lines: Iterable[tuple[int, str]] = itertools.chain(head, lines)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers < 1:
        raise CommandError("--workers must be at least 1")
    started = last_report = time.monotonic()
    done = failed = 0
    out = sys.stdout

    def report(final: bool = False) -> None:
        rate = done / max(1e-9, time.monotonic() - started)
        state = "done" if final else "progress"
        print(f"heed assess --batch: {state}: {done} lines, {failed} failed, {rate:.0f}/s", file=sys.stderr)

    def consume(results: Iterable[tuple[int, str, str | None]]) -> None:
        nonlocal done, failed, last_report
        for number, line, error in results:
            out.write(line + "\n")
            done += 1
            if error is not None:
                failed += 1
                print(f"heed assess --batch: line {number}: {error}", file=sys.stderr)
            now = time.monotonic()
            if done % PROGRESS_EVERY_LINES == 0 or now - last_report >= PROGRESS_EVERY_SECONDS:
                last_report = now
                report()

    if len(head) >= POOL_THRESHOLD and n_workers > 1:
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ctx.Pool(n_workers) as pool:
            consume(pool.imap(_assess_or_utf8, all_lines, chunksize=32))
    else:
        consume(map(_assess_or_utf8, all_lines))
    out.flush()
    if done >= PROGRESS_EVERY_LINES or failed:
        report(final=True)
    return 1 if failed else 0


# ------------------------------------------------------------------------------------------------------ text


def render_text(result: Assessment, text: str) -> str:
    """A readable summary for a person: grade, evidence, subjects, actions with reasons, questions, pack."""
    d = result.to_dict()
    pack = default_pack()
    lines = [
        f"RISK: {d['risk'].upper()}    RESPONSE: {d['response'].replace('_', ' ')}",
        "",
        "Danger signs found:" if d["indicators"] else "Danger signs found: none",
    ]
    for ind in d["indicators"]:
        quotes = []
        for ev in ind["evidence"]:
            if ev.get("source") == "answer":
                quotes.append(f"(guided answer to {ev['question']}: {ev['answer']})")
            elif ev.get("source") == "learned":
                quotes.append(f"\"{' '.join(ev['text'].split())}\" (reads like: {ev['why']})")
            else:
                quotes.append(f"\"{' '.join(ev['text'].split())}\"")
        lines.append(f"  - {ind['label']} [{ind['code']}]: {'; '.join(quotes)}")
    if d["vulnerability"]:
        lines.append("")
        lines.append("The child's vulnerability:")
        for v in d["vulnerability"]:
            said = "; ".join(" ".join(ev["text"].split()) for ev in v["evidence"])
            lines.append(f"  - {v['label']} [{v['code']}]: {said}")
    if d["possible_signs"]:
        lines.append("")
        lines.append("Possible signs (not graded) - ask about them:")
        for p in d["possible_signs"]:
            said = " ".join(p["evidence"]["text"].split())
            lines.append(f"  - {p['label']}: \"{said}\" reads like: {p['reads_like'] or '-'}")
            lines.append(f"    ask: {p['text']}" + (f" [{p['question']}]" if p["question"] else ""))
    lines.append("")
    lines.append("Ask first (decisive questions):")
    for q in d["decisive_questions"]:
        lines.append(f"  - {q['text']} [{q['id']}]" + (f" - answered: {q['answer']}" if q["answer"] else ""))
    lines.append("")
    lines.append("People and identifiers:" if d["subjects"] else "People and identifiers: none found")
    for s in d["subjects"]:
        extra = []
        if s["kind"] == "person":
            extra.append(s["role"])
            if s["age"] is not None:
                extra.append(f"age {'about ' if s['age_estimated'] else ''}{s['age']}")
        elif s["kind"] == "handle" and s["platform"]:
            extra.append(f"on {s['platform']}")
        elif s["kind"] == "phone" and s["e164"]:
            extra.append(s["e164"])
        lines.append(f"  - {s['kind']}: {s['value']}" + (f" ({', '.join(extra)})" if extra else ""))
    lines.append("")
    by_action = {
        r["effect"].removeprefix("action="): r for r in d["reasons"] if r["effect"].startswith("action=")
    }
    lines.append("Required actions:" if d["required_actions"] else "Required actions: none")
    for code in d["required_actions"]:
        r = by_action[code]
        label = pack.actions[code].label if code in pack.actions else code
        lines.append(f"  - {label} [{code}] - {r['text']} ({r['rule']})")
    grading = [
        r
        for r in d["reasons"]
        if r["effect"].startswith(("risk=", "response=")) or r["effect"] == "indicators_not_raised"
    ]
    lines.append("")
    lines.append("Why this grade:")
    for r in grading:
        lines.append(f"  - {r['text']} ({r['rule']})")
    answers = [r for r in d["reasons"] if r["rule"].startswith("question:")]
    if answers:
        lines.append("")
        lines.append("Guided answers:")
        for r in answers:
            lines.append(f"  - {r['rule'].removeprefix('question:')}: {r['text']}")
    agencies = pack.suggest_agencies([i["code"] for i in d["indicators"]], d["risk"])
    if agencies:
        lines.append("")
        lines.append("Tell the caller about:")
        for code in agencies:
            a = pack.agencies[code]
            contact = ", ".join(a.contact.values())
            lines.append(f"  - {a.name}: {contact}")
    if d["follow_up_questions"]:
        lines.append("")
        lines.append("Ask next:")
        for q in d["follow_up_questions"]:
            lines.append(f"  - {q['text']} [{q['id']}]")
    lines.append("")
    lines.append(f"Guidance pack: {d['pack_version']}")
    return "\n".join(lines) + "\n"
