"""How many call handlers one machine holds (``make bench-load``): a load test of the real ``heed serve``.

For each database (SQLite, then PostgreSQL) it starts ``heed serve`` on a fresh database with SYNTHETIC data,
gives every simulated handler an account in one force, a signed-in session and a call of their own, and then
steps the number of handlers working at once (25, 50, 100, 150, 200, 300 by default). A handler waits 5-15 s
between actions (think time), then does one of:

- open the list of their calls (GET /calls/);
- open the call page (GET /calls/N/);
- type into the log: the live panel is refreshed 2-4 times, 1-2 s apart, as the words arrive (POST
  /calls/N/draft, the htmx endpoint that saves the draft and assesses log + draft), then the text is added to
  the log (POST /calls/N/notes, and the call page it leads back to);
- answer a decisive question (POST /calls/N/answers with the version last seen, then the call page);
- run a person check (POST /calls/N/person-check, then the call page).

Each step runs a warm-up and then a measured window, and prints handlers -> requests, requests/s, p50/p95/p99
latency and errors (any status >= 400, a redirect to the login page, a refused connection or a timeout). At
the end it names, per database, the most handlers with p95 <= 300 ms and no error, and the saturation
throughput: a closed loop (no think time) of the same actions.

The client is one asyncio process speaking HTTP/1.1 over keep-alive sockets (no library); think times are
asynchronous sleeps. Its own CPU time over each window is printed (as a share of one core), with the server's
(the ``heed serve`` processes) and the machine's load average, so a figure taken on a busy machine says so.

    python benchmarks/bench_load.py [--db sqlite,pg] [--steps 25,50,100] [--warmup 15] [--measure 45]
    python benchmarks/bench_load.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
NARRATIVE = (ROOT / "src" / "heed" / "demo" / "narrative.txt").read_text(encoding="utf-8")
TARGET_P95_MS = 300.0
FORCE = "LOAD"
# Words a handler types into the log (SYNTHETIC: fictional people).
TYPED = (
    "CLR says Kai messaged SAM again last night on Discord and asked for a photo. SAM told her he felt he "
    "had to keep it secret. Kai asked when mum works late and said he could meet SAM at the station in "
    "Maidstone on Saturday. SAM is at home now with CLR and is safe. Kai's other number may be 07700 900456."
).split()
DECISIVE = {
    "whereabouts_now": ("safe", "unknown"),
    "contact_age": ("adult", "older_teen", "unknown"),
    "asked_for_images": ("yes", "no", "unknown"),
    "threats": ("no", "unknown"),
    "asked_to_meet": ("yes", "no", "unknown"),
}
PERSON = {"subject": "Kai", "given_name": "Kai", "age": "19", "town": "Maidstone", "phone": "07700 900123"}
ACTIONS = (("list", 15), ("view", 25), ("type_and_add", 30), ("answer", 15), ("person_check", 15))
ANSWERS_VERSION = re.compile(r'action="/calls/\d+/answers"[^>]*>.*?name="version" value="(\d+)"', re.S)


# --- a small HTTP/1.1 client -------------------------------------------------------------------------------


class HttpError(Exception):
    """The connection failed or the answer could not be read."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive connection per handler, as a browser tab has; reopened when the server closed it."""

    def __init__(self, host: str, port: int, cookies: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Cookie: {self.cookie}"]
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        reused = self.writer is not None
        try:
            return await self._exchange(raw)
        except (HttpError, OSError, asyncio.IncompleteReadError):
            await self.close()
            if not reused:
                raise
        # The server closed an idle keep-alive connection before this request reached it: send it again.
        return await self._exchange(raw)

    async def _exchange(self, raw: bytes) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise HttpError("connection closed before an answer")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            body = b"".join(parts)
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)


# --- the simulated handler ---------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    error: str | None


@dataclass
class Recorder:
    measuring: bool = False
    samples: list[Sample] = field(default_factory=list)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        if self.measuring:
            self.samples.append(Sample(kind, ms, error))


@dataclass
class Handler:
    session: str
    call_id: int
    csrf: str = field(
        default_factory=lambda: "".join(secrets.choice(string.ascii_letters) for _ in range(32))
    )
    version: str | None = None
    typed: int = 0


class Session:
    """A handler's browser: requests, redirects followed as a browser would, every request timed."""

    def __init__(self, handler: Handler, host: str, port: int, rec: Recorder) -> None:
        self.h = handler
        self.rec = rec
        self.conn = Connection(host, port, {"sessionid": handler.session, "csrftoken": handler.csrf})

    async def send(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> Response | None:
        if form is not None:
            form = {"csrfmiddlewaretoken": self.h.csrf, **form}
        start = time.perf_counter()
        try:
            resp = await asyncio.wait_for(self.conn.request(method, path, form), timeout=30)
        except (TimeoutError, HttpError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.conn.close()
            self.rec.add(kind, (time.perf_counter() - start) * 1000, type(exc).__name__)
            return None
        ms = (time.perf_counter() - start) * 1000
        error = None
        if resp.status >= 400:
            error = f"HTTP {resp.status}"
        elif resp.status in (301, 302) and "/login" in resp.headers.get("location", ""):
            error = "signed out"
        self.rec.add(kind, ms, error)
        return None if error else resp

    async def page(self, kind: str = "view") -> None:
        resp = await self.send(kind, "GET", f"/calls/{self.h.call_id}/")
        if resp is not None:
            found = ANSWERS_VERSION.search(resp.body.decode("utf-8", "replace"))
            self.h.version = found.group(1) if found else None

    async def post_then_page(self, kind: str, path: str, form: dict[str, str]) -> None:
        if await self.send(kind, "POST", path, form) is not None:
            await self.page("view after " + kind)

    def words(self, n: int) -> str:
        out = [TYPED[(self.h.typed + i) % len(TYPED)] for i in range(n)]
        self.h.typed += n
        return " ".join(out)

    async def act(self, action: str, pause: bool) -> None:
        base = f"/calls/{self.h.call_id}"
        if action == "list":
            await self.send("list", "GET", "/calls/")
        elif action == "view":
            await self.page()
        elif action == "type_and_add":
            text = ""
            for _ in range(random.randint(2, 4)):
                text = (text + " " + self.words(random.randint(4, 8))).strip()
                await self.send("live panel", "POST", base + "/draft", {"text": text})
                if pause:
                    await asyncio.sleep(random.uniform(1, 2))
            await self.post_then_page("add note", base + "/notes", {"text": text})
        elif action == "answer":
            if self.h.version is None:
                await self.page()
            question, answers = random.choice(list(DECISIVE.items()))
            form = {f"q_{question}": random.choice(answers), "anchor": "decisive-questions"}
            if self.h.version is not None:
                form["version"] = self.h.version
            await self.post_then_page("answer", base + "/answers", form)
        else:
            await self.post_then_page("person check", base + "/person-check", PERSON)


async def handler_loop(s: Session, think: tuple[float, float], stop: asyncio.Event) -> None:
    names = [a for a, _ in ACTIONS]
    weights = [w for _, w in ACTIONS]
    pause = think[1] > 0
    if pause:  # arrive spread over one think time, not all at once
        await _sleep_or_stop(random.uniform(0, think[1]), stop)
    while not stop.is_set():
        await s.act(random.choices(names, weights)[0], pause)
        if pause:
            await _sleep_or_stop(random.uniform(*think), stop)
    await s.conn.close()


async def _sleep_or_stop(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


# --- one step ----------------------------------------------------------------------------------------------


@dataclass
class StepResult:
    handlers: int
    seconds: float
    samples: list[Sample]
    client_cpu: float  # share of one core
    server_cpu: float  # share of one core: heed serve and its children
    db_cpu: float  # share of one core: the PostgreSQL backends serving this database (0 for SQLite)
    load: float

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.error)

    def pct(self, q: float, kind: str | None = None) -> float:
        ms = sorted(s.ms for s in self.samples if kind is None or s.kind == kind)
        if not ms:
            return float("nan")
        return ms[min(len(ms) - 1, int(len(ms) * q))]

    @property
    def ok(self) -> bool:
        return bool(self.samples) and self.errors == 0 and self.pct(0.95) <= TARGET_P95_MS


def _cpu_seconds(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (read from /proc), in seconds."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += _cpu_seconds(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


def database_cpu_seconds(database: str | None) -> dict[str, float]:
    """CPU of each PostgreSQL backend serving ``database`` (its process title names the database), by pid.
    Backends are counted while they live; the server keeps its connections, so nearly all are."""
    if not database:
        return {}
    out = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f" {database} ".encode() in (proc / "cmdline").read_bytes():
                out[proc.name] = _cpu_seconds(proc.name)
        except (FileNotFoundError, ProcessLookupError, IndexError, PermissionError):
            continue
    return out


async def run_step(
    handlers: list[Handler],
    base: tuple[str, int],
    server_pid: int,
    think: tuple[float, float],
    warmup: float,
    measure: float,
    database: str | None = None,
) -> StepResult:
    rec = Recorder()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(handler_loop(Session(h, *base, rec), think, stop)) for h in handlers]
    await asyncio.sleep(warmup)
    rec.measuring = True
    c0, s0, d0, t0 = (
        time.process_time(),
        tree_cpu_seconds(server_pid),
        database_cpu_seconds(database),
        time.perf_counter(),
    )
    await asyncio.sleep(measure)
    rec.measuring = False
    elapsed = time.perf_counter() - t0
    c1, s1, d1 = time.process_time(), tree_cpu_seconds(server_pid), database_cpu_seconds(database)
    stop.set()
    await asyncio.gather(*tasks)
    return StepResult(
        handlers=len(handlers),
        seconds=elapsed,
        samples=rec.samples,
        client_cpu=(c1 - c0) / elapsed,
        server_cpu=(s1 - s0) / elapsed,
        db_cpu=sum(v - d0.get(k, 0.0) for k, v in d1.items()) / elapsed,
        load=os.getloadavg()[0],
    )


def print_header() -> None:
    print(
        f"{'handlers':>8} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'errors':>6} {'client CPU':>10} {'server CPU':>10} {'db CPU':>6} {'load':>5}",
        flush=True,
    )


def print_step(r: StepResult, label: str | None = None) -> None:
    n = len(r.samples)
    print(
        f"{label or r.handlers:>8} {n:>8} {n / r.seconds:>7.1f} {r.pct(0.5):>8.0f} {r.pct(0.95):>8.0f}"
        f" {r.pct(0.99):>8.0f} {r.errors:>6} {r.client_cpu:>10.0%} {r.server_cpu:>10.0%} {r.db_cpu:>6.0%}"
        f" {r.load:>5.2f}"
        f"{'' if r.ok else '   over target'}",
        flush=True,
    )
    kinds = sorted({s.kind for s in r.samples})
    detail = ", ".join(f"{k} {r.pct(0.5, k):.0f}/{r.pct(0.95, k):.0f}" for k in kinds)
    print(f"{'':>8} p50/p95 ms by request: {detail}", flush=True)
    errors: dict[str, int] = {}
    for s in r.samples:
        if s.error:
            errors[f"{s.kind}: {s.error}"] = errors.get(f"{s.kind}: {s.error}", 0) + 1
    if errors:
        print(f"{'':>8} errors: {errors}", flush=True)


# --- the database and the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    import psycopg

    parts = urlsplit(admin_url)
    name = f"heed_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def heed_env(var: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")}
    env.pop("HEED_DATABASE_URL", None)
    if database_url:
        env["HEED_DATABASE_URL"] = database_url
    return env


def prepare(env: dict[str, str], count: int) -> list[Handler]:
    """Migrate, seed the demo index, then (in a child process, with that database) create the handlers."""
    heed = [sys.executable, "-m", "heed"]
    subprocess.run([*heed, "serve", "--demo", "--no-serve"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, __file__, "--create-handlers", str(count)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [Handler(session=h["session"], call_id=0) for h in json.loads(out.stdout)]


def create_handlers(count: int) -> int:
    """In the child: SYNTHETIC handlers in force LOAD, each with a signed-in session (printed as JSON)."""
    from heed.config import setup_django

    setup_django()
    from django.test import Client, override_settings

    from heed.accounts.models import User
    from heed.accounts.services import force_get_or_create, user_create

    force_get_or_create(code=FORCE, name="Load-test force (SYNTHETIC)")
    sessions = []
    # Nobody signs in with these passwords (the sessions are made here): a fast hash keeps the set-up short.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for i in range(count):
            name = f"load.handler{i:03d}"
            user = User.objects.filter(username=name).first() or user_create(
                username=name,
                force_code=FORCE,
                role="handler",
                password=secrets.token_urlsafe(24),
                actor_label="bench-load",
                check_password=False,
            )
            client = Client()
            client.force_login(user)
            sessions.append({"session": client.cookies["sessionid"].value})
    print(json.dumps(sessions))
    return 0


@contextmanager
def heed_server(env: dict[str, str], var: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    log = (var / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "heed", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"heed serve exited: {(var / 'server.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("heed serve did not start") from None
                time.sleep(0.3)
        yield port, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        log.close()
        if code != 0:
            print(f"heed serve exited with {code}: see {var / 'server.log'}", flush=True)


def served(var: Path) -> str:
    """The server's own line saying how it is sized."""
    lines = (var / "server.log").read_text().splitlines()
    return next((line for line in lines if line.startswith("Serving Heed")), "heed serve")


async def open_calls(handlers: list[Handler], port: int) -> None:
    """Each handler takes a call (the demo narrative), as the start of the shift; not measured."""
    rec = Recorder()
    sem = asyncio.Semaphore(8)

    async def one(h: Handler) -> None:
        async with sem:
            s = Session(h, "127.0.0.1", port, rec)
            form = {
                "narrative": NARRATIVE,
                "child_name": "SAM",
                "child_age": "14",
                "caller_relation": "parent",
            }
            resp = await s.conn.request("POST", "/calls/new", {"csrfmiddlewaretoken": h.csrf, **form})
            await s.conn.close()
            location = resp.headers.get("location", "")
            found = re.search(r"/calls/(\d+)/", location)
            if resp.status != 302 or not found:
                raise SystemExit(f"could not open a call: HTTP {resp.status} {location} {resp.body[:300]!r}")
            h.call_id = int(found.group(1))

    await asyncio.gather(*(one(h) for h in handlers))


async def bench_database(name: str, database_url: str | None, args: argparse.Namespace) -> dict[str, object]:
    var = Path(tempfile.mkdtemp(prefix=f"heed-bench-load-{name}-"))
    env = heed_env(var, database_url)
    t = time.perf_counter()
    handlers = prepare(env, max(args.steps))
    results: list[StepResult] = []
    database = urlsplit(database_url).path.lstrip("/") if database_url else None
    with heed_server(env, var) as (port, pid):
        await open_calls(handlers, port)
        print(
            f"\n== {name}: {served(var)}\n{len(handlers)} SYNTHETIC handlers ready in "
            f"{time.perf_counter() - t:.0f} s; think {args.think[0]:.0f}-{args.think[1]:.0f} s, "
            f"warm-up {args.warmup:.0f} s, measured {args.measure:.0f} s per step",
            flush=True,
        )
        print_header()
        for n in args.steps:
            r = await run_step(
                handlers[:n], ("127.0.0.1", port), pid, args.think, args.warmup, args.measure, database
            )
            results.append(r)
            print_step(r)
            if r.pct(0.95) > 10 * TARGET_P95_MS or r.errors > len(r.samples) // 10:
                print(f"{'':>8} saturated: the larger steps are left out", flush=True)
                break
        sat = await run_step(
            handlers[: args.closed_loop],
            ("127.0.0.1", port),
            pid,
            (0.0, 0.0),
            args.warmup / 3,
            args.measure / 2,
            database,
        )
        print_step(sat, label=f"closed{args.closed_loop}")
    best = max((r.handlers for r in results if r.ok), default=0)
    throughput = len(sat.samples) / sat.seconds
    per_s = max(throughput, 1e-9)
    print(
        f"{name}: the most handlers at p95 <= {TARGET_P95_MS:.0f} ms with no error: {best or 'none'} "
        f"(of the steps run); saturation {throughput:.0f} requests/s ({args.closed_loop} handlers, no think "
        f"time, p95 {sat.pct(0.95):.0f} ms; CPU per request: {sat.server_cpu * 1000 / per_s:.1f} ms in heed "
        f"serve, {sat.db_cpu * 1000 / per_s:.1f} ms in PostgreSQL)",
        flush=True,
    )
    if any(r.errors for r in [*results, sat]):
        print(f"Errors: the server's log is kept in {var / 'server.log'}", flush=True)
    else:
        shutil.rmtree(var, ignore_errors=True)
    return {"database": name, "best": best, "saturation_rps": throughput}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite,pg", help="databases to run, in order (sqlite,pg)")
    parser.add_argument("--steps", default="25,50,100,150,200,300", help="handlers working at once, per step")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds before measuring each step")
    parser.add_argument("--measure", type=float, default=45.0, help="seconds measured per step")
    parser.add_argument("--think", default="5,15", help="think time between actions, seconds (min,max)")
    parser.add_argument("--closed-loop", type=int, default=16, help="handlers in the no-think saturation run")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("HEED_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database to connect to for creating (and dropping) the benchmark's own database",
    )
    parser.add_argument("--quick", action="store_true", help="3 steps (25, 100, 200), 5 s warm-up, 20 s each")
    parser.add_argument("--create-handlers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.warmup, args.measure = "25,100,200", 5.0, 20.0
    args.steps = sorted(int(x) for x in str(args.steps).split(","))
    low, high = (float(x) for x in args.think.split(","))
    args.think = (low, high)
    args.db = [d.strip() for d in args.db.split(",") if d.strip()]
    unknown = set(args.db) - {"sqlite", "pg"}
    if unknown:
        parser.error(f"--db: unknown {', '.join(sorted(unknown))} (expected sqlite and/or pg)")
    return args


async def main_async(args: argparse.Namespace) -> int:
    print(
        f"Heed load test - SYNTHETIC handlers and calls. Machine: {os.cpu_count()} CPU(s), load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start (figures taken on a shared machine "
        f"are under contention); Python {sys.version.split()[0]}",
        flush=True,
    )
    summary = []
    for db in args.db:
        if db == "sqlite":
            summary.append(await bench_database("SQLite", None, args))
        else:
            with pg_database(args.pg_url) as url:
                summary.append(await bench_database("PostgreSQL", url, args))
    print("\nSummary (p95 <= 300 ms, no error; the target is >= 200 handlers on PostgreSQL):")
    for s in summary:
        print(
            f"  {s['database']:<10} {s['best'] or 'no step'} handlers; "
            f"saturation {s['saturation_rps']:.0f} requests/s"
        )
    print(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.create_handlers:
        return create_handlers(args.create_handlers)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
