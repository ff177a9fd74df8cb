"""What the tests of `assess serve` share: the application in-process (Starlette's TestClient) over
a copy of some fixtures, a batch of them and a decisions file; and a real server on a free port of
127.0.0.1, stopped by its PID."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from casekit import FIXTURES, catalogue

from assess.batch.run import run_batch
from assess.serve.app import create_app
from assess.serve.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
ORIGIN = f"http://127.0.0.1:{PORT}"
SERVED = ("dorset-thriving.yaml", "lincs-no-leader.yaml", "sussex-glossy-plan.yaml", "cornwall-workbook.xlsx")


@dataclass
class Site:
    """Submissions, their batch output and a decisions file, in one temporary folder."""

    folder: Path
    submissions: Path
    batch: Path
    decisions: Path
    store: Path

    def settings(self, **changes: Any) -> Settings:
        values: dict[str, Any] = {"paths": (self.submissions,), "batch": self.batch, "decisions": self.decisions,
                                  "store": self.store}
        values.update(changes)
        return Settings(**values)


def make_site(folder: Path, names: tuple[str, ...] = SERVED) -> Site:
    submissions = folder / "submissions"
    submissions.mkdir(parents=True)
    for name in names:
        shutil.copy(FIXTURES / name, submissions / name)
    summary = run_batch(submissions, folder / "out", catalogue=catalogue(), progress=False)
    assert not summary.errors, summary.errors
    return Site(folder, submissions, folder / "out", folder / "decisions.yaml", folder / "drafts.sqlite3")


def client(settings: Settings) -> Any:
    from starlette.testclient import TestClient

    return TestClient(create_app(settings), base_url=ORIGIN, raise_server_exceptions=True)


def writing(settings: Settings, **extra: str) -> dict[str, str]:
    """The headers a page's script sends with a request that changes something."""
    return {"Origin": ORIGIN, "X-CSRF-Token": settings.csrf, **extra}


def doc_id(app_client: Any, name: str) -> str:
    documents = app_client.app.app.state.assess.documents.files
    return next(d.id for d in documents.values() if d.name == name)


def decision(**changes: Any) -> dict[str, Any]:
    record = {"submission": "LINCS", "criterion": "GOV-03", "decision": "met",
              "justification": "The memorandum signed in May 2017 names the board as the body that settles disputes.",
              "reviewer": "Regional assurance lead", "date": "2017-08-04"}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def fixture_body(name: str) -> bytes:
    return json.dumps(yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8")), default=str).encode()


# --- a real server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`python -m assess serve ARGS --port P` on 127.0.0.1; `stop()` ends it by its PID."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "ab") as out:
            command = [sys.executable, "-m", "assess", "serve", *args, "--port", str(self.port)]
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out,
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {log.read_text()}")
            try:
                if self.request("GET", "/api/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start: {log.read_text()}")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
