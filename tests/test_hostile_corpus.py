"""Every case of the hostile-input corpus (tests/hostile.py) through `check` and `score` in every
format, and the regular files among them through one `batch` beside good files.

Each case runs in a forked child process, under an address-space limit so a runaway dies instead of
swamping the machine; its CPU time and peak RSS come from wait4, and the memory figure is how far
the child's peak RSS rose above the parent's resident size at the fork (what the case cost). The
bounds asserted (10 s CPU, 500 MB) are generous guards, not timings; the figures are printed as a
table at the end (`pytest -s` shows it).
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile import CASES, Case, library_wording

from assess.cli import main

CPU_BOUND_S = 10.0
RSS_BOUND_MB = 500.0
COMMANDS = (
    ("check",),
    ("score", "-f", "text"),
    ("score", "-f", "json"),
    ("score", "-f", "markdown"),
    ("score", "-f", "html"),
)
FIGURES: dict[str, dict[str, Any]] = {}
PEAKS: list[float] = []  # peak RSS of every child, the parent's pages included

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "mkfifo"), reason="needs fork and FIFOs")


def _observe(path: Path, case: Case) -> dict[str, Any]:
    """Run every command on one file in this process; a summary of what a user would see."""
    runner = CliRunner()
    seen: dict[str, Any] = {}
    for command in COMMANDS:
        result = runner.invoke(main, [*command, str(path)])
        out, err = result.stdout, result.stderr
        internal = result.exception is not None and not isinstance(result.exception, SystemExit)
        report: dict[str, Any] = {
            "exit": result.exit_code,
            "traceback": internal or "Traceback" in out + err,
            "longest_error_line": max((len(line) for line in err.splitlines()), default=0),
            "errors": err[:600],
            "names_file": path.name in err,
            "raw_controls_in_errors": any(c in err for c in ("\x1b", "\x9b", "\u202e")),
            "library_wording": library_wording(out + err),
        }
        if result.exit_code == 0 and command[0] == "score":
            fmt = command[2]
            if fmt == "json":
                try:
                    json.loads(out)
                    report["valid_json"] = True
                except ValueError:
                    report["valid_json"] = False
            wanted = [
                text.partition(":")[2] if text.startswith(("html:", "markdown:")) else text
                for text in case.forbidden
                if not text.startswith(("html:", "markdown:")) or text.startswith(fmt + ":")
            ]
            if fmt == "html":
                report["raw"] = [text for text in wanted if text in out]
            if fmt == "markdown":  # Markdown escapes with a backslash before the opening character
                report["raw"] = [text for text in wanted if re.search(r"(?<!\\)" + re.escape(text), out)]
        seen[" ".join(command)] = report
    return seen


def _run_in_child(fn: Any, *args: Any) -> tuple[Any, float, float, float]:
    """fn(*args) in a forked child: (its JSON result, CPU s, wall s, MB its peak RSS grew beyond
    the parent's resident size at the fork, i.e. what the case itself cost)."""
    read_end, write_end = os.pipe()
    with open("/proc/self/statm") as handle:  # the parent's resident size, which the child starts with
        inherited_mb = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read_end)
            with open("/proc/self/statm") as handle:
                size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            limit = size + 1024 * 2**20  # room for 1 GB more address space, then MemoryError
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            signal.alarm(120)  # a guard against a hang: the parent sees the signal
            payload = json.dumps({"ok": fn(*args)})
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            payload = json.dumps({"crash": f"{type(exc).__name__}: {str(exc)[:500]}"})
            code = 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload.encode())
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    if os.WIFSIGNALED(status):
        raise AssertionError(f"child killed by signal {os.WTERMSIG(status)} after {wall:.1f} s")
    result = json.loads(data)
    if "crash" in result:
        raise AssertionError(result["crash"])
    peak_mb = usage.ru_maxrss / 1024
    PEAKS.append(peak_mb)
    return result["ok"], usage.ru_utime + usage.ru_stime, wall, max(0.0, peak_mb - inherited_mb)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    seen, cpu, wall, rss = _run_in_child(_observe, path, case)
    exits = sorted({r["exit"] for r in seen.values()})
    FIGURES[case.name] = {"category": case.category, "exits": exits, "cpu": cpu, "wall": wall, "rss": rss}
    for command, report in seen.items():
        assert not report["traceback"], (command, report["errors"])
        assert not report["library_wording"], (command, report["library_wording"], report["errors"])
        if case.outcome == "ok":
            assert report["exit"] == 0, (command, report["errors"])
            assert report.get("valid_json", True), command
            assert not report.get("raw"), (command, report.get("raw"))
        else:
            assert report["exit"] == 3, (command, report["exit"], report["errors"])
            assert report["names_file"], (command, report["errors"])
            assert case.expect in report["errors"], (command, case.expect, report["errors"])
            assert report["longest_error_line"] < 1000, command  # never a copy of a huge input
            assert not report["raw_controls_in_errors"], (command, report["errors"])
    assert cpu < CPU_BOUND_S and rss < RSS_BOUND_MB, (cpu, rss)


def _batch(folder: Path, out: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out)])
    internal = result.exception is not None and not isinstance(result.exception, SystemExit)
    return {
        "exit": result.exit_code,
        "traceback": internal or "Traceback" in result.output,
        "errors": result.stderr[-2000:],
    }


def test_batch_of_hostile_files_beside_good_ones(tmp_path: Path) -> None:
    """All regular hostile files in one folder with good ones: the good files' results are the ones
    they get alone, every refused file is in errors.csv, and nothing raises."""
    from casekit import FIXTURES

    folder, alone = tmp_path / "in", tmp_path / "alone"
    folder.mkdir()
    alone.mkdir()
    refused = set()
    for case in CASES:
        if case.batch:
            sub = folder / case.name
            sub.mkdir()
            made = case.make(sub)
            target = folder / f"{case.name}{made.suffix}"
            made.rename(target)
            sub.rmdir()
            if case.outcome == "refused":
                refused.add(target.name)
    goods = [p for p in sorted(FIXTURES.glob("*.yaml")) if "dorset" not in p.name][:3]  # corpus cases are Dorset
    for good in goods:
        (folder / f"good-{good.name}").write_bytes(good.read_bytes())
        (alone / f"good-{good.name}").write_bytes(good.read_bytes())
    seen, cpu, wall, rss = _run_in_child(_batch, folder, tmp_path / "out")
    FIGURES["batch (all regular cases + 3 good)"] = {
        "category": "batch",
        "exits": [seen["exit"]],
        "cpu": cpu,
        "wall": wall,
        "rss": rss,
    }
    assert not seen["traceback"] and seen["exit"] == 3, seen["errors"]
    alone_seen, *_ = _run_in_child(_batch, alone, tmp_path / "out-alone")
    assert alone_seen["exit"] == 0, alone_seen["errors"]
    mixed = json.loads((tmp_path / "out" / "results.json").read_text())
    single = json.loads((tmp_path / "out-alone" / "results.json").read_text())

    def by_code(rows: Any) -> dict[str, Any]:
        return {row["submission"]["code"]: row for row in rows}

    mixed_rows, single_rows = by_code(mixed), by_code(single)
    assert len(single_rows) == len(goods)
    for code, row in single_rows.items():
        assert mixed_rows[code]["score"] == row["score"] and mixed_rows[code]["criteria"] == row["criteria"]
    errors_csv = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8")
    missing = [name for name in refused if name not in errors_csv]
    assert not missing, missing


def test_zz_print_the_corpus_table() -> None:
    """The table of the corpus: cases by category, exit codes, worst CPU, wall and memory."""
    if not FIGURES:
        pytest.skip("no corpus figures (cases deselected)")
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"cases": 0, "exits": set(), "cpu": 0.0, "wall": 0.0, "rss": 0.0}
    )
    for figure in FIGURES.values():
        row = rows[figure["category"]]
        row["cases"] += 1
        row["exits"].update(figure["exits"])
        for key in ("cpu", "wall", "rss"):
            row[key] = max(row[key], figure[key])
    lines = [
        "",
        "| category | cases | exits | worst CPU s | worst wall s | worst RSS growth MB |",
        "|---|---|---|---|---|---|",
    ]
    for category, row in sorted(rows.items()):
        lines.append(
            f"| {category} | {row['cases']} | {', '.join(map(str, sorted(row['exits'])))} | "
            f"{row['cpu']:.2f} | {row['wall']:.2f} | {row['rss']:.0f} |"
        )
    total = sum(r["cases"] for r in rows.values())
    lines.append(
        f"| all | {total} | | {max(r['cpu'] for r in rows.values()):.2f} | "
        f"{max(r['wall'] for r in rows.values()):.2f} | {max(r['rss'] for r in rows.values()):.0f} |"
    )
    lines.append(f"worst peak RSS of a case's process, the pytest parent's pages included: {max(PEAKS):.0f} MB")
    worst = max(FIGURES.items(), key=lambda item: item[1]["cpu"])
    lines.append(f"slowest case: {worst[0]} ({worst[1]['cpu']:.2f} s CPU)")
    print("\n".join(lines))
    assert total >= 100 or len(FIGURES) < len(CASES)
