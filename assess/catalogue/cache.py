"""A cache of the loaded catalogue for the command line, safe by construction.

Loading the catalogue (reading and checking every rule file) costs ~30 ms of a one-file `assess
score`; reading it back from a pickle ~3 ms. The cache file is named by a SHA-256 of everything
that could change what loading gives: the name and bytes of every rule file, the source of the
package's own modules (so an edit to the loader never meets an old pickle), and the versions of
the package, Python and pydantic. A changed catalogue or package therefore has another name and
is never served stale; nothing is trusted by date.

The cache lives in $ASSESS_CACHE_DIR, else $XDG_CACHE_HOME/stp-assess, else ~/.cache/stp-assess,
in a folder only its owner may write (a pickle from anyone else is never read). ASSESS_NO_CACHE=1
turns it off. Any problem reading or writing it falls back to loading the catalogue.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from pathlib import Path

from ..common.resources import bundled_dir
from .load import load_catalogue
from .model import Catalogue

_PACKAGE = Path(__file__).resolve().parent.parent  # every module of the package: a pickle names its classes


def cache_disabled() -> bool:
    """ASSESS_NO_CACHE turns the caches off when set to anything but empty, 0, false or no (so
    ASSESS_NO_CACHE=0 leaves them on, as the README reads)."""
    return os.environ.get("ASSESS_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


def cache_dir() -> Path:
    """Where the cache is kept (see the module docstring)."""
    chosen = os.environ.get("ASSESS_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stp-assess"


def cache_key(directory: Path) -> str:
    """The SHA-256 naming a catalogue's cache file: its files, our code and the versions."""
    import pydantic

    from ..common.version import __version__

    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0{pydantic.VERSION}\0".encode())
    for folder, pattern in ((_PACKAGE, "**/*.py"), (directory, "*.yaml")):
        for path in sorted(folder.glob(pattern)):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def private(folder: Path) -> bool:
    """The folder is ours and nobody else can write into it."""
    info = folder.stat()
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(directory: str | Path | None = None) -> Catalogue:
    """load_catalogue(directory), read from the cache when an identical one was loaded before."""
    root = Path(directory) if directory is not None else bundled_dir("rules")
    if cache_disabled() or not (root / "catalogue.yaml").is_file():
        return load_catalogue(directory)  # no catalogue here: let the loader say so
    try:
        folder = cache_dir()
        target = folder / f"catalogue-{cache_key(root)}.pickle"
    except OSError:
        return load_catalogue(directory)
    try:
        if target.is_file() and private(folder):
            with open(target, "rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Catalogue):
                cached.directory = root
                return cached
    except Exception:  # an unreadable or corrupt cache: load afresh (and replace it below)
        pass
    catalogue = load_catalogue(directory)
    try:
        _store(catalogue, folder, target)
    except Exception:
        pass
    return catalogue


def _store(catalogue: Catalogue, folder: Path, target: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not private(folder):
        return
    month_ago = time.time() - 30 * 86400
    for old in folder.glob("catalogue-*.pickle"):  # other versions' files, unused for a month
        if old != target and old.stat().st_atime < month_ago:
            old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".catalogue-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(catalogue, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
