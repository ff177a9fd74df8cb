"""Writing files so that a reader never sees half of one.

`write_atomic` writes a file anywhere: a temporary name in the same folder, flushed and renamed
over the target, so an interruption leaves the old file or the new one, never a mix. `staged_file`
and `write_file` write inside a batch's staging folder, which is synced once and swapped in whole
(assess.batch.outdir), so they skip the per-file flush.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterable, Iterator


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
    held in memory)."""
    chunks = [text] if isinstance(text, (str, bytes)) else text
    target = Path(path)
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
