"""Compiled report templates kept between runs, safe by construction.

jinja2 turns each template into Python source and compiles it on every run: ~0.4 s of profiled
time in a one-file `assess score`, more than rendering. jinja's own bytecode cache stores the
compiled code beside a SHA-1 of the template's source and reloads it only when the source is
unchanged. Its file name is keyed here, as well, by the environment (HTML, Markdown and terminal
compile the same text differently), the jinja2, Python and package versions and the source of
the module that sets the environments' options, so no compiled code is ever reused by an
environment that would have compiled it otherwise.

The code lives in the catalogue cache's folder (assess.catalogue.cache: $ASSESS_CACHE_DIR, ...),
under templates/, and is only read from a folder that is ours and that nobody else can write
(loading compiled code from elsewhere would run it). ASSESS_NO_CACHE=1 turns it off; any problem
with the folder leaves templates compiled as before.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jinja2
import jinja2.bccache

_OPTIONS_MODULE = Path(__file__).resolve().parent / "report.py"


class _KeyedCache(jinja2.FileSystemBytecodeCache):
    """jinja's file cache with the file name keyed by `salt` as well as the template's name."""

    def __init__(self, directory: str, salt: str) -> None:
        super().__init__(directory, "%s.jinja")
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename or ''}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or corrupt: compile afresh (and store it again)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a full disk or a removed folder costs only the next run's compile
            pass


def bytecode_cache(kind: str) -> jinja2.BytecodeCache | None:
    """The bytecode cache for the bundled templates of environment `kind`, or None (no cache)."""
    from ..catalogue.cache import cache_dir, cache_disabled, private

    if cache_disabled():
        return None
    from ..common.version import __version__

    try:
        folder = cache_dir() / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not (private(folder) and private(folder.parent)):
            return None
        options = hashlib.sha256(_OPTIONS_MODULE.read_bytes()).hexdigest()
    except OSError:
        return None
    salt = f"{kind}\0{jinja2.__version__}\0{sys.version}\0{__version__}\0{options}"
    return _KeyedCache(str(folder), salt)
