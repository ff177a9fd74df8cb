"""Running a batch's tasks in order, in this process or in a pool of worker processes.

Workers end with their parent (PR_SET_PDEATHSIG on Linux, and a watch on the parent's pid
elsewhere), ignore Ctrl-C (the parent handles it, once, and kills them), and start with SIGINT and
SIGTERM held so that a signal during their start-up prints no traceback. A worker that dies costs
only the task it was running: the few tasks that were in flight are retried one at a time in a
fresh process, the rest go on in a fresh pool.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from typing import Any, Callable, ContextManager, Iterator, Sequence

import click

from .outdir import libc, signals_deferred

_PR_SET_PDEATHSIG = 1


def bind_to_parent(parent_pid: int) -> None:
    """In a worker: die with the parent process, and leave Ctrl-C to it."""
    c = libc()
    if c is not None and hasattr(c, "prctl"):
        c.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:  # where PR_SET_PDEATHSIG does not exist
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


class Runner:
    """Runs tasks in order, here (jobs=1) or in a pool of `jobs` worker processes, each set up by
    `initializer(*initargs)`; the parent's pid is appended to `initargs`."""

    def __init__(self, jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...],
                 progress: bool) -> None:
        self.jobs, self.progress = jobs, progress
        self._initializer, self._initargs = initializer, initargs
        self._pool: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        with signals_deferred():  # the pool's helper processes start with the signals held
            return ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=self._initializer, initargs=(*self._initargs, os.getpid()))

    def close(self) -> None:
        """Wait for the workers to finish and end them."""
        for pool in (self._pool, self._alone):
            if pool is not None:
                pool.shutdown()
        self._pool = self._alone = None

    def kill(self) -> None:
        """End the workers now (on an interruption), without waiting for their tasks."""
        for pool in (self._pool, self._alone):
            if pool is not None:
                _kill(pool)
        self._pool = self._alone = None

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], label: str,
            on_crash: Callable[[Any], Any], keep: Callable[[Any], Any] | None = None) -> list[Any]:
        """fn over tasks, results in order. `on_crash(task)` stands for the result of a task
        whose worker died twice (once in the pool, once alone). `keep(result)` is what is kept of
        each result as it arrives (to slim it before the next arrives: memory stays flat)."""
        keep = keep or _same
        with self._bar(len(tasks), label) as bar:
            if self.jobs == 1 or len(tasks) <= 1:
                out = []
                for task in tasks:
                    out.append(keep(fn(task)))
                    bar.update(1)
                return out
            return self._map_pool(fn, tasks, bar, on_crash, keep)

    def _map_pool(self, fn: Callable[[Any], Any], tasks: Sequence[Any], bar: Any,
                  on_crash: Callable[[Any], Any], keep: Callable[[Any], Any]) -> list[Any]:
        results: dict[int, Any] = {}
        pending = list(range(len(tasks)))
        window = 8 * self.jobs  # tasks submitted ahead: their arguments are not all held at once
        while pending:
            if self._pool is None:
                self._pool = self._new_pool(self.jobs)
            pool = self._pool
            futures: dict[int, Future[Any]] = {}
            ahead = iter(pending)

            def top_up(futures: dict[int, Future[Any]] = futures, ahead: Iterator[int] = ahead,
                       pool: Any = pool) -> None:  # this round's pool and futures, bound now
                with signals_deferred():  # never interrupted while the executor holds its locks
                    while len(futures) < window:
                        i = next(ahead, None)
                        if i is None:
                            return
                        futures[i] = pool.submit(fn, tasks[i])

            try:
                top_up()
                for i in pending:
                    results[i] = keep(futures.pop(i).result())  # the future lets go of it
                    bar.update(1)
                    top_up()
                pending = []
            except BrokenProcessPool:
                _kill(pool)
                self._pool = None
                for i, future in futures.items():  # results that arrived before the break
                    if i not in results and _succeeded(future):
                        results[i] = keep(future.result())
                        bar.update(1)
                pending = [i for i in pending if i not in results]
                # Tasks reach workers in order, and at most 2 x jobs + 1 are in flight at once
                # (one running in each worker, jobs + 1 queued): the one that broke the pool is
                # among the first unfinished. Those run alone; the rest go on in a fresh pool.
                suspects, pending = pending[:2 * self.jobs + 2], pending[2 * self.jobs + 2:]
                for i in suspects:
                    results[i] = keep(self._run_alone(fn, tasks[i], on_crash))
                    bar.update(1)
        return [results[i] for i in range(len(tasks))]

    def _run_alone(self, fn: Callable[[Any], Any], task: Any, on_crash: Callable[[Any], Any]) -> Any:
        if self._alone is None:
            self._alone = self._new_pool(1)
        with signals_deferred():
            future = self._alone.submit(fn, task)
        try:
            return future.result()
        except BrokenProcessPool:
            _kill(self._alone)
            self._alone = None
            return on_crash(task)

    def _bar(self, length: int, label: str) -> ContextManager[Any]:
        if self.progress and length:
            return click.progressbar(length=length, label=label, file=sys.stderr)
        return nullcontext(_NoBar())


def _same(result: Any) -> Any:
    return result


def _succeeded(future: Future[Any]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers and let it go without waiting (its tasks are abandoned)."""
    processes = dict(getattr(pool, "_processes", None) or {})
    for process in processes.values():
        if process.is_alive():
            process.kill()
    with signals_deferred():
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        process.join(timeout=5)


class _NoBar:
    def update(self, _: int) -> None:
        pass


class _Interrupted:
    signum: int = signal.SIGINT


@contextlib.contextmanager
def interruptible() -> Iterator[_Interrupted]:
    """SIGTERM raises KeyboardInterrupt like Ctrl-C, so that a batch cleans up the same way; the
    yielded object says which signal came (for the exit status, 128 + its number)."""
    seen = _Interrupted()

    def on_signal(signum: int, _frame: Any) -> None:
        seen.signum = signum
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield seen
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
