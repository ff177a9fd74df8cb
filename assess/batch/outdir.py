"""An output folder that is all old or all new.

A batch never writes into its output folder. It writes a complete new output into a staging
folder beside it (same parent, so the same file system), flushes it to disk once, and swaps it in
with one atomic rename (Linux: renameat2 RENAME_EXCHANGE). An interruption at any point therefore
leaves the previous complete output, or none if there was none: never a mix, and never the
reports of inputs since removed.

Leftovers of a run killed outright (a staging folder, an old output being removed) carry the
target's name and are reclaimed by the next run into the same folder. A lock file beside the
target (released by the kernel when its holder dies) refuses a second batch into the same folder
with a clear message instead of letting two runs mix.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from ..common.files import reason
from ..errors import OutputError as OutputError  # raised here; still importable from here

#: Everything a batch writes into its output folder. A folder holding anything else is not a
#: batch output, and is refused rather than replaced (a new output file must be added here).
OUTPUT_NAMES = frozenset({"results.json", "league.csv", "league.xlsx", "errors.csv", "index.html", "reports"})
_LEGACY_LEFTOVERS = (".spool-",)  # spool folders left inside the output by earlier versions
_RENAME_EXCHANGE = 2


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (they are delivered then). Child processes
    started inside inherit the blocked mask, so they cannot be interrupted while starting up."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def fd_opened(path: Path, flags: int, mode: int = 0o777) -> Iterator[int]:
    """A file descriptor opened with os.open, closed when the block ends."""
    fd = os.open(path, flags, mode)
    try:
        yield fd
    finally:
        os.close(fd)


@functools.lru_cache(maxsize=1)
def libc() -> ctypes.CDLL | None:
    """The C library (Linux), for syncfs and renameat2; None elsewhere or when it cannot be loaded."""
    if not sys.platform.startswith("linux"):
        return None
    try:  # the process's own symbols include libc's (find_library would fork a subprocess)
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def sync_tree(root: Path) -> None:
    """Make every file under `root` durable: one syncfs() of its file system on Linux (instead of
    an fsync per file), else an fsync of each file; then the folders themselves."""
    c = libc()
    synced = False
    if c is not None and hasattr(c, "syncfs"):
        with fd_opened(root, os.O_RDONLY) as fd:
            synced = c.syncfs(fd) == 0
    for folder, _, files in os.walk(root):
        if not synced:
            for name in files:
                with fd_opened(Path(folder) / name, os.O_RDONLY) as fd:
                    os.fsync(fd)
        sync_dir(Path(folder))


def sync_dir(folder: Path) -> None:
    """fsync a folder, so a rename inside it survives a power cut (a no-op where unsupported)."""
    try:
        with fd_opened(folder, os.O_RDONLY) as fd:
            os.fsync(fd)
    except OSError:
        pass


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then the caller falls back)."""
    c = libc()
    if c is None or not hasattr(c, "renameat2"):
        return False
    at_fdcwd = -100
    if c.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


class OutputFolder:
    """A transaction on a batch's output folder: `staging` is written, then `commit()` swaps it in.

    Use as a context manager: leaving without a commit removes the staging folder and leaves the
    target untouched; the lock is held throughout.
    """

    def __init__(self, target: str | Path, *, inputs: str | Path | None = None) -> None:
        self.shown = Path(target)
        self.target = Path(os.path.realpath(target))
        self.inputs = None if inputs is None else Path(os.path.realpath(inputs))
        self.parent = self.target.parent
        self.prefix = f".{self.target.name}.assess-"
        self.staging = Path()
        self.committed = False
        self._lock_fd: int | None = None

    # --- opening ---------------------------------------------------------------------------------

    def __enter__(self) -> "OutputFolder":
        try:
            self._check_target()
            self.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            self._reclaim()
            self._check_target()  # again, now that a half-finished swap may have been undone
            with signals_deferred():  # a Ctrl-C now is delivered once the staging folder is known
                self.staging = Path(tempfile.mkdtemp(prefix=self.prefix + "new-", dir=self.parent))
        except OSError as exc:
            self._discard()
            self._unlock()
            where = exc.filename or self.parent
            kept = "the previous output was left as it was" if self.target.exists() else "nothing was written"
            raise OutputError(f"cannot write the output beside {self.shown} ({where}): {reason(exc)}; "
                              f"{kept}") from None
        except BaseException:  # Ctrl-C while opening: leave nothing behind
            self._discard()
            self._unlock()
            raise
        return self

    def _discard(self) -> None:
        if not self.committed and self.staging != Path():
            with signals_deferred():
                shutil.rmtree(self.staging, ignore_errors=True)

    def _check_target(self) -> None:
        target = self.target
        if self.inputs is not None and (target == self.inputs or target in self.inputs.parents):
            raise OutputError(f"--out {self.shown} is or holds the input folder; give the output a folder of "
                              f"its own (the batch replaces the whole of it)")
        if not target.exists():
            return
        if not target.is_dir():
            raise OutputError(f"--out {self.shown} exists and is not a folder")
        foreign = sorted(p.name for p in target.iterdir()
                         if p.name not in OUTPUT_NAMES and not p.name.startswith(_LEGACY_LEFTOVERS)
                         and not (p.name.startswith(".") and p.name.endswith(".tmp")))
        if foreign:
            raise OutputError(
                f"--out {self.shown} holds files a batch did not write ({', '.join(foreign[:3])}"
                f"{', …' if len(foreign) > 3 else ''}); the batch replaces the whole folder, so give it "
                f"an empty or new folder, or one an earlier batch wrote")
        for folder in (target, target / "reports"):
            if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
                why = ("the file system is read-only" if os.statvfs(folder).f_flag & os.ST_RDONLY
                       else "permission denied")
                raise OutputError(f"cannot replace {self.shown}: {folder} is not writable ({why}); the "
                                  f"previous output was left as it was")

    def _lock(self) -> None:
        import fcntl

        path = self.parent / (self.prefix + "lock")
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise OutputError(f"another batch (process {holder}) is writing to {self.shown}; wait for "
                                  f"it to finish or choose another --out") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # else the holder removed it as we opened it: take the lock afresh
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_path, self._lock_fd = path, fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._lock_path)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _reclaim(self) -> None:
        """Undo what a run killed outright left behind (we hold the lock, so no run is live)."""
        leftovers = sorted(p for p in self.parent.iterdir()
                           if p.name.startswith(self.prefix) and p.name != self.prefix + "lock")
        for path in leftovers:
            if path.name.startswith(self.prefix + "old-") and not self.target.exists():
                os.rename(path, self.target)  # killed between the two renames of the fallback swap
            else:
                shutil.rmtree(path, ignore_errors=True)
        if self.target.is_dir():
            for path in self.target.iterdir():
                if path.name.startswith(_LEGACY_LEFTOVERS):
                    shutil.rmtree(path, ignore_errors=True)

    # --- closing ---------------------------------------------------------------------------------

    def commit(self) -> None:
        """Flush the staging folder to disk and swap it in; the previous output is then removed.
        SIGINT and SIGTERM wait until this is done."""
        with signals_deferred():
            sync_tree(self.staging)
            if not self.target.exists():
                os.rename(self.staging, self.target)
            elif _exchange(self.staging, self.target):
                pass  # the staging path now holds the previous output, removed below
            else:
                old = Path(tempfile.mkdtemp(prefix=self.prefix + "old-", dir=self.parent))
                os.rename(self.target, old)
                os.rename(self.staging, self.target)
                os.rename(old, self.staging)
            self.committed = True
            sync_dir(self.parent)
            shutil.rmtree(self.staging, ignore_errors=True)

    def shown_path(self, path: str | os.PathLike[str] | None) -> str:
        """A path inside the staging folder as the user will know it (under --out)."""
        text = str(path or self.staging)
        staged = str(self.staging)
        return str(self.shown) + text[len(staged):] if text.startswith(staged) else text

    def __exit__(self, *exc: object) -> None:
        try:
            self._discard()
        finally:
            self._unlock()
