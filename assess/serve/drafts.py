"""Drafts saved as the analyst types, in an embedded SQLite database in WAL mode.

Each change is committed with `synchronous=FULL` before the server acknowledges it, so a closed
tab, a killed server or a power cut loses at most the change in flight. One row per document:
its data as JSON, the sha256 of the file it was opened from, and a sequence number (a late,
reordered request never overwrites a newer draft, nor brings back one already saved to its file).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    document TEXT PRIMARY KEY,
    data TEXT,  -- NULL once saved to its file: the row keeps the sequence number it was saved at
    base_sha256 TEXT,
    seq INTEGER NOT NULL,
    saved_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Draft:
    """A document's latest saved draft."""

    document: str
    data: dict[str, Any]
    base_sha256: str | None
    seq: int
    saved_at: float


class DraftStore:
    """The drafts database; safe to share between the server's threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(SCHEMA)

    def save(self, document: str, data: dict[str, Any], base_sha256: str | None, seq: int) -> int:
        """Keep `data` as the document's draft unless a newer one (higher `seq`) is already kept;
        returns the sequence number now kept. Durable when it returns."""
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._db.execute(
                "INSERT INTO drafts (document, data, base_sha256, seq, saved_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(document) DO UPDATE SET data = excluded.data, base_sha256 = excluded.base_sha256, "
                "seq = excluded.seq, saved_at = excluded.saved_at WHERE excluded.seq > drafts.seq",
                (document, text, base_sha256, seq, time.time()))
            row = self._db.execute("SELECT seq FROM drafts WHERE document = ?", (document,)).fetchone()
        return int(row[0])

    def get(self, document: str) -> Draft | None:
        """The document's draft, or None."""
        with self._lock:
            row = self._db.execute("SELECT data, base_sha256, seq, saved_at FROM drafts WHERE document = ?",
                                   (document,)).fetchone()
        if row is None or row[0] is None:
            return None
        return Draft(document, json.loads(row[0]), row[1], int(row[2]), float(row[3]))

    def begun(self, prefix: str) -> list[Draft]:
        """The drafts of documents whose id starts with `prefix` (those begun in the browser), newest
        first, so that a page can list them after a restart."""
        with self._lock:
            rows = self._db.execute(
                "SELECT document, data, base_sha256, seq, saved_at FROM drafts WHERE document LIKE ? "
                "AND data IS NOT NULL ORDER BY saved_at DESC LIMIT 200", (prefix.replace("%", "") + "%",)).fetchall()
        return [Draft(r[0], json.loads(r[1]), r[2], int(r[3]), float(r[4])) for r in rows]

    def discard(self, document: str, upto: int | None = None) -> None:
        """Forget the document's draft (after it was saved to its file): with `upto`, a change of
        that sequence number or lower arriving later is ignored, as already written."""
        with self._lock:
            if upto is None:
                self._db.execute("DELETE FROM drafts WHERE document = ?", (document,))
                return
            self._db.execute(
                "INSERT INTO drafts (document, data, base_sha256, seq, saved_at) VALUES (?, NULL, NULL, ?, ?) "
                "ON CONFLICT(document) DO UPDATE SET data = NULL, seq = MAX(drafts.seq, excluded.seq), "
                "saved_at = excluded.saved_at", (document, upto, time.time()))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
