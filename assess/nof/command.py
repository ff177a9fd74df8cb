"""`assess nof`: the body of the command (assess/cli.py holds only its options)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import AssessError
from .edition import load_edition
from .method import Method, load_cutpoints, resolve_cutpoints
from .output import to_json, to_text
from .path import peer_stats
from .reader import read_published

MAX_WARNINGS_SHOWN = 20


class OutputFolderError(AssessError):
    """--out names a folder that cannot be written: an output error (exit 6, as for `assess batch`)."""

    exit_code = 6


def run_nof(data_file: Path, quarter: str | None, cutpoints_file: Path | None, fmt: str, out_dir: Path | None,
            echo: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Read, apply the method, print the text or JSON, and with `out_dir` write the reports."""
    edition = load_edition()
    user = load_cutpoints(cutpoints_file) if cutpoints_file is not None else None
    cutpoints = resolve_cutpoints(edition, user, str(cutpoints_file) if cutpoints_file else None)
    data = read_published(data_file, edition)
    for problem in data.problems[:MAX_WARNINGS_SHOWN]:
        warn(f"Warning: {problem}")
    if len(data.problems) > MAX_WARNINGS_SHOWN:
        more = len(data.problems) - MAX_WARNINGS_SHOWN
        warn(f"Warning: ... and {more} more" + (" (all in problems.csv)" if out_dir else
                                                 " (give --out to have them all in problems.csv)"))
    with Method(edition) as method:
        results = method.run(data, cutpoints, quarter)
        earlier = None
        if out_dir is not None and quarter is not None:  # the trust pages show the change from it
            before = data.quarters[:data.quarters.index(quarter)]
            if before and before[-1] in cutpoints:
                earlier = method.run(data, cutpoints, before[-1])
    peers = peer_stats(results)
    if fmt == "json":
        echo(to_json(results, edition, peers))
    else:
        echo(to_text(results, edition))
    if out_dir is not None:
        from .reports import write_reports

        try:
            written = write_reports(out_dir, data, results, peers, edition, earlier)
        except OSError as exc:  # a folder that cannot be written: say which, never a traceback
            where = exc.filename or out_dir
            raise OutputFolderError(f"{where}: cannot write the reports: {exc.strerror or exc}") from None
        warn(f"wrote {written} files to {out_dir}: open {out_dir / 'index.html'}")
