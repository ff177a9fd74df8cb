"""Writing files so that a reader never sees half of one.

`write_atomic` writes a file anywhere: a temporary name in the same folder, flushed and renamed
over the target, so an interruption leaves the old file or the new one, never a mix; a file that
cannot be written (a full disk, a read-only or unwritable folder, a folder in the way) raises
`WriteError`, the project's output error (exit 6) naming the path and the reason in words, and
leaves nothing behind. `staged_file`
and `write_file` write inside a batch's staging folder, which is synced once and swapped in whole
(assess.batch.outdir), so they skip the per-file flush.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import OutputError

_REASONS = {errno.ENOSPC: "no space left on the device", errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EDQUOT: "disk quota exceeded", errno.ENOTDIR: "a part of the path is not a folder",
            errno.EISDIR: "it is a folder, not a file", errno.ENAMETOOLONG: "the name is too long",
            errno.EFBIG: "the file is too large for the file system", errno.EIO: "an input/output error"}


def reason(exc: OSError) -> str:
    """The cause of an OSError in words, without its path."""
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class WriteError(OutputError, OSError):
    """A file `write_atomic` could not write: an OutputError (exit 6) whose message names the path,
    the reason and what became of the file; also an OSError carrying the original errno, strerror
    and filename, so code that handled write_atomic's OSError still does."""

    def __init__(self, path: Path, exc: OSError, existed: bool) -> None:
        kept = f"{path} was left as it was" if existed else "nothing was written"
        OutputError.__init__(self, f"cannot write {path}: {reason(exc)}; {kept}")
        self.errno, self.strerror, self.filename = exc.errno, exc.strerror, exc.filename or str(path)


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[IO[bytes]]:
    """A file inside a staging folder, open for writing (and seeking, as a zip needs): written
    under a temporary name and renamed when the block ends, so a file that is cut short never
    carries its final name; no fsync (the batch syncs its folder once)."""
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "w+b") as handle:
        yield handle
    os.replace(tmp, path)


def write_file(path: Path, chunks: str | bytes | Iterable[str | bytes]) -> None:
    """Write `chunks` (text or bytes) as one file inside a staging folder (see staged_file)."""
    parts: Iterable[str | bytes] = [chunks] if isinstance(chunks, (str, bytes)) else chunks
    with staged_file(path) as handle:
        for part in parts:
            handle.write(part.encode("utf-8") if isinstance(part, str) else part)


@lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str | bytes | Iterable[str]) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file.

    `text` may be an iterable of string chunks, written as they come (a large file need not be
    held in memory). A failure raises WriteError and removes the temporary file: the target keeps
    its previous content, or does not exist."""
    target, existed = Path(path), False
    try:
        existed = target.exists()
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        _write_via_rename(target, [text] if isinstance(text, (str, bytes)) else text)
    except OSError as exc:
        raise WriteError(target, exc, existed) from None


def _write_via_rename(target: Path, chunks: Iterable[str | bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
