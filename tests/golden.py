"""Golden outputs of the bundled fixtures: what `assess batch fixtures` and `assess score` write.

    .venv/bin/python tests/golden.py          # compare (what tests/test_golden.py does)
    .venv/bin/python tests/golden.py --write  # regenerate tests/golden/ after an intended change

The batch files (results.json, league.csv, errors.csv, index.html and every gap report) and each
fixture's terminal summary are compared byte for byte. league.xlsx is left out (a zip: its own
test checks it is deterministic). Nothing in these outputs depends on the run's date or machine;
the package version is replaced by a placeholder so that a version bump alone changes nothing.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = ROOT / "fixtures"
SKIP = {"league.xlsx"}


def build() -> dict[str, bytes]:
    """Every golden file's name and bytes, made now from the fixtures."""
    import assess
    from assess.batch.run import run_batch
    from assess.input.load import read_source, validate
    from assess.render import report

    catalogue = assess.load_catalogue()
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        run_batch(FIXTURES, out, catalogue=catalogue, progress=False)
        for path in sorted(out.rglob("*")):
            if path.is_file() and path.name not in SKIP:
                files[f"batch/{path.relative_to(out).as_posix()}"] = path.read_bytes()
    context = report.catalogue_context(catalogue)
    for path in sorted(FIXTURES.glob("*.yaml")):
        source = read_source(path)
        result = assess.assess(validate(source), catalogue, source_sha256=source.sha256,
                               source_file=f"fixtures/{path.name}")
        files[f"score/{path.stem}.txt"] = report.render(result, "text", **context).encode("utf-8")
    version = assess.__version__.encode()
    return {name: data.replace(version, b"<version>") for name, data in files.items()}


def stored() -> dict[str, bytes]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="regenerate the golden files")
    args = parser.parse_args(argv)
    now = build()
    if args.write:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in now.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        print(f"wrote {len(now)} golden files to {GOLDEN.relative_to(ROOT)}/")
        return 0
    old = stored()
    changed = sorted(n for n in old.keys() & now.keys() if old[n] != now[n])
    missing, extra = sorted(old.keys() - now.keys()), sorted(now.keys() - old.keys())
    for label, names in (("changed", changed), ("no longer written", missing), ("new", extra)):
        for name in names:
            print(f"{label}: {name}")
    return 1 if changed or missing or extra else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
