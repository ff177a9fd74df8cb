"""Read a file in bounded memory and time: at most `limit` bytes, only a regular file (a named pipe
would block, a device never ends), and never a traceback. Below every reader (YAML, JSON, the
workbook, the decisions file), so that each refuses a hostile file the same way.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError


def read_bounded(path: str | Path, limit: int, advice: str) -> tuple[bytes, str]:
    """A file's bytes and UTF-8 text (read_bytes, then decoded); InputError naming the file when
    read_bytes refuses it or it is not UTF-8."""
    file = str(path)
    raw = read_bytes(path, limit, advice)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(file, "UTF-16 text; save the file as UTF-8")
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(file, f"not UTF-8 text (byte {exc.start})") from None


def read_bytes(path: str | Path, limit: int, advice: str) -> bytes:
    """A file's bytes, never reading more than `limit`; InputError naming the file when it is not a
    regular file, cannot be read or is larger (with `advice`).

    FIFOs, devices, sockets and folders are refused before opening (opening a FIFO for reading
    blocks until a writer comes); the file is then opened without blocking and checked again, in
    case it was swapped in between."""
    file = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(file, f"not a regular file ({_kind_of(info.st_mode)}); give a YAML, JSON or .xlsx file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(file, f"not a regular file ({_kind_of(mode)}); give a YAML, JSON or .xlsx file")
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise InputError(file, f"larger than {limit // (1024 * 1024)} MiB; {advice}")
    return raw


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"
