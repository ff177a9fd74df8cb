"""Hostile workbooks beyond the corpus: every case of tests/workbook_cases.py also runs as a row
of the hostile-input corpus (tests/hostile.py: check, score in every format, a batch beside good
files, bounded time and memory); here, what a read case must read, and a batch in which each
readable workbook has its own footprint code. Time and memory per case are printed by
bench/hostile_workbooks.py (never asserted here)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from workbook_cases import CASES, build
from workbookkit import FIXTURE, edit

from assess.cli import main
from assess.input.load import read_source, validate


def test_injection_text_is_read_as_text(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "formula-injection text")
    sub = validate(read_source(build(case, tmp_path)))
    assert sub.footprint.name == "=cmd|' /C calc'!A0"
    assert sub.evidence[0].title.startswith("@SUM(")


def test_hidden_sheet_is_still_read(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name.startswith("hidden"))
    assert validate(read_source(build(case, tmp_path))) == validate(read_source(FIXTURE))


def test_batch_of_hostile_workbooks_still_scores_the_good_one(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index, case in enumerate(CASES):
        if case.suffix == ".xlsx":
            path = build(case, folder)
            if case.expect == "read":  # one file per footprint, or the batch will not rank them
                path.write_bytes(edit(path.read_bytes(), {"footprint.code": f"READ{index}"}))
    (folder / "good.yaml").write_text((FIXTURE.parent / "lincs-no-leader.yaml").read_text())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out)])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assessed = json.loads((out / "results.json").read_text())
    assert len(assessed) == 1 + sum(c.expect == "read" for c in CASES if c.suffix == ".xlsx")
    with open(out / "errors.csv", encoding="utf-8-sig", newline="") as handle:
        failed = {row["file"] for row in csv.DictReader(handle)}
    assert failed == {build(c, tmp_path).name for c in CASES if c.suffix == ".xlsx" and c.expect != "read"}


def test_every_hostile_workbook_is_refused_or_read_in_plain_words(tmp_path: Path) -> None:
    from hostile import library_wording

    for case in CASES:
        path = build(case, tmp_path)
        result = CliRunner().invoke(main, ["check", str(path)])
        assert "Traceback" not in result.output, case.name
        assert library_wording(result.output) == [], (case.name, result.output)
