"""What `assess serve` was started with, and the secrets of this run (the CSRF token, and the access
token a bind beyond loopback requires)."""
from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from ..input.load import MAX_BYTES
from ..input.workbook.reader import MAX_FILE_BYTES

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: The largest request body: a submission as JSON or YAML is read with the file readers' own cap; a
#: workbook upload with the workbook reader's (a filled workbook is well under 1 MB).
MAX_BODY_BYTES = MAX_BYTES
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server reachable from this machine only."""
    return host.strip("[]") in LOOPBACK_HOSTS or host.startswith("127.")


def default_store() -> Path:
    """The drafts database under the user's data folder ($XDG_DATA_HOME, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stp-assess" / "drafts.sqlite3"


@dataclass(frozen=True)
class Settings:
    """The options of one `assess serve` run."""

    host: str = "127.0.0.1"
    port: int = 8765
    paths: tuple[Path, ...] = ()
    batch: Path | None = None
    decisions: Path | None = None
    store: Path = field(default_factory=default_store)
    rules_dir: Path | None = None
    token: str | None = None  # required on every request when set (a bind beyond loopback)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def host_names(self) -> frozenset[str]:
        """The Host header names a request may carry (anything else is a DNS-rebinding attempt)."""
        names = {"127.0.0.1", "localhost", "[::1]"}
        bind = self.host.strip("[]")
        if bind in ("0.0.0.0", "::"):
            names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
        else:
            names.add(f"[{bind}]" if ":" in bind else bind.lower())
        return frozenset(names)


def read_token_file(path: Path) -> str:
    """The token kept in `path` (its first line); ValueError when it is empty or too short."""
    token = path.read_text(encoding="utf-8").strip().splitlines()[0] if path.stat().st_size else ""
    if len(token) < 16:
        raise ValueError(f"{path}: a token of at least 16 characters is needed")
    return token


def new_token() -> str:
    """A fresh access token for a bind beyond loopback."""
    return secrets.token_urlsafe(24)
