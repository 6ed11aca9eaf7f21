"""Kill the server with SIGKILL while notes are being added: every note answered 201 must be there after a
restart, and every audit chain must verify (issue 9).

Starts ``heed serve --demo --host 127.0.0.1 --port PORT`` on a fresh database in a temporary directory (the
SYNTHETIC demo force and users), opens a call through the API, fires notes at it from several threads, and
once enough have been answered 201 sends SIGKILL to the server's whole process group (the server, its
workers, the background worker) while notes are still in flight. Then, with nothing running, ``heed audit
verify``; then the server is started again and the call read back through the API. Prints what it found;
exit status 1 when an acknowledged note is missing or the audit trail does not verify.

Only the ``heed serve`` command line (``--demo``, ``--host``, ``--port``), ``heed token``, ``heed audit
verify`` and the public API are used, so it runs against whichever server ``heed serve`` starts.

    python benchmarks/audit_kill9.py [--threads 4] [--kill-after 30] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HEED = [sys.executable, "-m", "heed"]
NARRATIVE = (
    "SYNTHETIC. Mum rang: her son SAM (14) has been chatting on Xbox with someone called Kai who says he is "
    "19 and has asked him to keep it secret."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``heed serve`` in a process group of its own, so SIGKILL reaches every process it started."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180.0) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*HEED, "serve", "--demo", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"heed serve exited with {self.proc.returncode}; see {self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.2)  # not listening yet (polling a process we do not control)
        raise SystemExit(f"heed serve did not answer within {timeout:.0f} s; see {self.log}")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def api(port: int, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def heed(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HEED, *args], env=env, capture_output=True, text=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4, help="notes sent at once (default 4)")
    parser.add_argument("--kill-after", type=int, default=30, help="SIGKILL once this many were answered 201")
    parser.add_argument(
        "--database-url", help="a postgresql:// URL (default: SQLite in the temporary directory)"
    )
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="heed-kill9-"))
    env = {**os.environ, "HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")}
    env.pop("HEED_DATABASE_URL", None)
    if args.database_url:
        env["HEED_DATABASE_URL"] = args.database_url
    where = args.database_url or var / "heed.sqlite3"
    print(f"database: {where} (SYNTHETIC demo data); server log {var / 'serve.log'}")
    server = Server(env, free_port(), var / "serve.log")
    t0 = time.perf_counter()
    server.start()
    try:
        token = heed(env, "token", "demo.handler").stdout.strip()
        status, call = api(server.port, token, "POST", "/calls", {"narrative": NARRATIVE})
        if status != 201:
            raise SystemExit(f"opening a call answered {status}: {call}")
        acked: list[str] = []
        failed: list[str] = []
        lock = threading.Lock()
        enough = threading.Event()
        stop = threading.Event()

        def send(worker: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                text = f"SYNTHETIC note {worker}-{n}: mum adds another detail about the chat."
                try:
                    code, _ = api(server.port, token, "POST", f"/calls/{call['id']}/notes", {"text": text})
                except OSError as exc:  # the server died under the request: not acknowledged
                    with lock:
                        failed.append(f"{text[:24]} ({type(exc).__name__})")
                    if enough.is_set():
                        return  # the kill is under way: later sends would only meet a closed port
                    continue
                with lock:
                    (acked if code == 201 else failed).append(
                        text if code == 201 else f"{text[:24]} ({code})"
                    )
                    if len(acked) >= args.kill_after:
                        enough.set()

        threads = [threading.Thread(target=send, args=(i,)) for i in range(args.threads)]
        for t in threads:
            t.start()
        enough.wait(timeout=600)
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        kinds = Counter(reason.rsplit("(", 1)[-1].rstrip(")") for reason in failed)
        other = ", ".join(f"{n} x {kind}" for kind, n in sorted(kinds.items())) or "none"
        print(f"SIGKILL after {len(acked)} note(s) answered 201; other answers or failures: {other}")

        verify = heed(env, "audit", "verify")
        print("heed audit verify (server down):")
        for line in verify.stdout.strip().splitlines():
            print(f"  {line.strip()}")

        server.start()
        status, after = api(server.port, token, "GET", f"/calls/{call['id']}")
        if status != 200:
            raise SystemExit(f"reading the call back answered {status}: {after}")
        stored = [n["text"] for n in after["notes"]]
        missing = [text for text in acked if text not in stored]
        unacked_kept = len(stored) - 1 - (len(acked) - len(missing))  # - 1: the narrative is entry 1
        kept = len(acked) - len(missing)
        print(
            f"after restart: {len(stored) - 1} note(s) stored: {kept} of {len(acked)} acknowledged note(s), "
            f"{unacked_kept} more that were in flight when the server died (never acknowledged)"
        )
        again = heed(env, "audit", "verify")
        print(f"heed audit verify (after restart): {again.stdout.strip().splitlines()[-1]}")
    finally:
        server.stop()
    print(f"{time.perf_counter() - t0:.1f} s in all")
    if missing:
        print(f"LOST: {len(missing)} acknowledged note(s): {missing[:3]}")
    ok = not missing and verify.returncode == 0 and again.returncode == 0
    print("PASS: every acknowledged note kept, audit trail intact" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
