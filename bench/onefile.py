"""One-file commands against the import time of the libraries they need (issue 15: `assess score`
on one file within 2x that floor).

    .venv/bin/python bench/onefile.py                 # 15 rounds, ~2 min
    .venv/bin/python bench/onefile.py --runs 21 --baseline /path/to/other/checkout

Every figure is a fresh process, as a user runs the command: interpreter start-up, imports, the
catalogue (from its cache, as the second and later runs read it) and the work. The commands and
their floors run in turn, round after round, so that a busy machine slows all of them alike; each
row gives the median and the range of wall and CPU (user + system) milliseconds, and the ratio
command / floor is taken round by round, its median printed. Bytecode is written and used as an
installed package has it (PYTHONDONTWRITEBYTECODE is unset for the children). With --baseline,
the same commands also run on another checkout's package (put first on PYTHONPATH), in the same
rounds, and their output must be byte-identical.

Floors: `python -c "import click, yaml, durable_rules_engine, jinja2; from pydantic import
BaseModel, Field"` for text and HTML (JSON and check leave out what they do not use); the row
"+ pydantic's first model" adds defining one model, which is where pydantic imports its field
machinery and looks for plugins (importlib.metadata), a cost any pydantic program pays once.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "dorset-thriving.yaml"
LIBS = "import click, yaml, durable_rules_engine"
FLOORS = {
    "python": "pass",
    "floor: --help": "import click",
    "floor: check": "import click, yaml\nfrom pydantic import BaseModel, Field",
    "floor: json": LIBS + "\nfrom pydantic import BaseModel, Field",
    "floor: text, html": LIBS + ", jinja2\nfrom pydantic import BaseModel, Field",
    "  + pydantic's first model": LIBS + ", jinja2\nfrom pydantic import BaseModel, Field\n"
                                  "class M(BaseModel):\n    x: int",
}
COMMANDS = {  # label: (arguments, its floor)
    "assess score (text)": (["score", str(FIXTURE)], "floor: text, html"),
    "assess score --format json": (["score", str(FIXTURE), "--format", "json"], "floor: json"),
    "assess score --format html": (["score", str(FIXTURE), "--format", "html"], "floor: text, html"),
    "assess check": (["check", str(FIXTURE)], "floor: check"),
    "assess --help": (["--help"], "floor: --help"),
}


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one fresh process, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run from the package's own checkout: `python -m` puts the working folder first on the path
    done = subprocess.run(argv, env=env, capture_output=True, cwd=env["PYTHONPATH"], check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose package to time as well")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    jobs: dict[str, list[str]] = {name: [sys.executable, "-c", code] for name, code in FLOORS.items()}
    envs = {name: env for name in jobs}
    for label, (argv, _) in COMMANDS.items():
        jobs[label] = [sys.executable, "-m", "assess", *argv]
        envs[label] = env
        if args.baseline:
            jobs[label + " [baseline]"] = jobs[label]
            envs[label + " [baseline]"] = {**env, "PYTHONPATH": str(args.baseline.resolve())}
    outputs = {name: timed(argv, envs[name])[2] for name, argv in jobs.items()}  # warm-up, fills the caches
    if args.baseline:
        for label in COMMANDS:
            if outputs[label] != outputs[label + " [baseline]"]:
                raise SystemExit(f"{label}: the output differs from the baseline's")
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for _ in range(args.runs):
        for name, argv in jobs.items():
            figures[name].append(timed(argv, envs[name])[:2])

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:5.0f} ({min(values) * 1000:4.0f}-{max(values) * 1000:4.0f})"

    print(f"{args.runs} rounds, fresh processes, bytecode cached; load average {os.getloadavg()[0]:.1f}")
    print(f"| {'command':38s} | {'wall ms, median (range)':>23s} | {'CPU ms, median (range)':>23s} | CPU / floor |")
    print(f"|{'-' * 40}|{'-' * 25}:|{'-' * 25}:|------------:|")
    for name, runs in figures.items():
        floor = COMMANDS.get(name.removesuffix(" [baseline]"), (None, None))[1]
        ratio = ""
        if floor is not None:
            ratio = f"{statistics.median(c / f[1] for (_, c), f in zip(runs, figures[floor])):.2f}x"
        print(f"| {name:38s} | {spread([w for w, _ in runs]):>23s} | {spread([c for _, c in runs]):>23s} "
              f"| {ratio:>11s} |")


if __name__ == "__main__":
    main()
