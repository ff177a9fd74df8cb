"""Time and peak memory of reading each hostile workbook (tests/workbook_cases.py builds them).

Each case is read (as `assess check` reads it) in a fresh process, so the peak RSS (VmHWM) is that
process's own, interpreter and imports included: the baseline row reads a good workbook. Prints a Markdown
table: case, outcome, wall and CPU time, peak RSS.

    .venv/bin/python bench/hostile_workbooks.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHILD = r"""
def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss would carry the parent's over fork and exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
import json, sys, time
from assess.errors import InputError
from assess.input.load import read_source, validate
import assess.input.workbook.reader  # imported before the clock starts, as in a batch
sys.path.insert(0, "tests")
from hostile import library_wording
start, cpu = time.perf_counter(), time.process_time()
try:
    validate(read_source(sys.argv[1]))
    outcome = "read"
except InputError as exc:
    first = exc.all()[0]
    outcome = "refused: " + (first.problem if not first.cell else f"{first.cell}: {first.problem}")
    if any(library_wording(p.message) for p in exc.all()):
        outcome = "LIBRARY WORDING, not plain: " + outcome
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"outcome": outcome, "wall": wall, "cpu": cpu,
                  "rss_mb": peak_mb()}))
"""


def main() -> None:
    from workbook_cases import CASES, Case, build
    from workbookkit import fixture_workbook

    cases = [Case("baseline: a good workbook", fixture_workbook, ".xlsx", "read"), *CASES]
    print("| case | outcome | wall s | CPU s | peak RSS MB |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            path = build(case, Path(folder))
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                                  timeout=120, cwd=ROOT)
            if done.returncode != 0:
                print(f"| {case.name} | CRASH: {done.stderr.strip().splitlines()[-1:]} | | | |")
                continue
            row = json.loads(done.stdout)
            outcome = row["outcome"].replace("|", "/")
            outcome = outcome[:110] + ("…" if len(outcome) > 110 else "")
            print(f"| {case.name} | {outcome} | {row['wall']:.2f} | {row['cpu']:.2f} | {row['rss_mb']:.0f} |")
            path.unlink()


if __name__ == "__main__":
    main()
