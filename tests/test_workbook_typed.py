"""The template as people type it: values entered through LibreOffice's own keyboard input path
(`.uno:EnterString`, dispatched over a UNO pipe to a headless soffice, the command a keystroke and
Enter become), in the en-GB and en-US locales, then saved and read by the tool. Re-saving a file
written by a library never exercises how the office program interprets "85%", "91" or
"20/07/2017" in a cell of a given format; typing does.

Each locale types every value into one copy of `assess init`'s template in one soffice session
(tests/office_typist.py, run by the system python3, which has LibreOffice's `uno` module).
Without LibreOffice or `uno` these tests skip, saying so; under CI=true they fail instead.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from workbookkit import edit

from assess.cli import main
from assess.common.cellref import quote_sheet
from assess.input.load import Source, read_source
from assess.input.workbook.layout import FIRST_FIELD_ROW, sheets
from assess.input.workbook.writer import template_workbook

TYPIST = Path(__file__).with_name("office_typist.py")
SYSTEM_PYTHON = "/usr/bin/python3"

# field path -> (typed in en-GB, typed in en-US, read as). Cells keep the template's formats except
# where PLAIN or TEXT says otherwise (a person who reformatted a cell, or pasted text).
TYPED: dict[str, tuple[str, str, Any]] = {
    # percentages, one clause of the written rule each (docs/workbook.md, "Percentages")
    "seven_day.gp_extended_access_pct": ("85%", "85%", 85.0),
    "seven_day.priority_standards_coverage_pct": ("91", "91", 91.0),
    "seven_day.gp_extended_access_planned_pct": ("0.85", "0.85", 85.0),  # in a percentage cell
    "seven_day.priority_standards_planned_2020_pct": ("89.5%", "89.5%", 89.5),
    "new_care_models.population_covered_pct": ("85 %", "85 %", 85.0),  # typed into a text cell
    "new_care_models.population_planned_2021_pct": ("0.91", "0.91", 0.91),  # in a plain cell: warned
    "digital.shared_care_record_coverage_pct": ("85", "85", 85.0),  # in a plain cell
    "out_of_hospital.gp_network_coverage_pct": ("100", "100", 100.0),
    "finance.aggregate_position_pct": ("-2.8", "-2.8", -2.8),
    "performance.emergency_admissions_change_pct": ("250%", "250%", 250.0),
    # numbers
    "footprint.population": ("1,250,000", "1,250,000", 1_250_000),
    "governance.board_meetings_last_12_months": ("12", "12", 12),
    "finance.do_nothing_gap_gbp_m": ("1,234.5", "1,234.5", 1234.5),
    # dates, as each locale writes them, and ISO in both
    "footprint.submitted_on": ("20/07/2017", "7/20/2017", dt.date(2017, 7, 20)),
    "leadership.leader_appointed_on": ("2016-10-21", "2016-10-21", dt.date(2016, 10, 21)),
    "governance.governance_agreed_on": ("21/10/2016", "21/10/2016", dt.date(2016, 10, 21)),  # en-US: text
    # Yes/No, drop-down values, text and lists
    "governance.board_established": ("Yes", "Yes", True),
    "prevention.cross_partner_plan": ("no", "no", False),
    "footprint.region": ("South", "South", "South"),
    "leadership.leader_sector": ("Local government", "Local government", "local_government"),
    "footprint.code": ("E54000041", "E54000041", "E54000041"),
    "footprint.name": ("Dorset", "Dorset", "Dorset"),
    "governance.short_return_sections": ("priorities, governance", "priorities, governance",
                                         ["priorities", "governance"]),
}
PLAIN = {"new_care_models.population_planned_2021_pct", "digital.shared_care_record_coverage_pct"}
TEXT = {"new_care_models.population_covered_pct"}
# list sheets: (sheet, cell) -> (typed, read as key in the first item)
LIST_TYPED: dict[tuple[str, str], tuple[str, str, str, Any]] = {
    ("Organisations", "A"): ("Dorset CCG", "Dorset CCG", "name", "Dorset CCG"),
    ("Organisations", "B"): ("CCG", "CCG", "kind", "ccg"),
    ("Organisations", "E"): ("Yes", "Yes", "signed_off_plan", True),
    ("Organisations", "H"): ("20/07/2017", "7/20/2017", "hwb_discussed_plan_on", dt.date(2017, 7, 20)),
}


def _where(path: str) -> tuple[str, str]:
    section, _, name = path.rpartition(".")
    for sheet in sheets():
        if not sheet.is_list and sheet.key == section and name in sheet.rows:
            return sheet.title, f"C{sheet.rows[name]}"
    raise KeyError(path)


def _list_column(title: str, name: str) -> str:
    sheet = next(s for s in sheets() if s.title == title)
    index = [c.name for c in sheet.columns].index(name)
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _office() -> str:
    found = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    reason = ""
    if not found:
        reason = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
    elif subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode != 0:
        reason = "the system python3 has no `uno` module (apt-get install python3-uno)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"office tests must run in CI, but {reason}")
        pytest.skip(reason)
    assert found
    return found


def _type(tmp: Path, locale: str) -> Path:
    """The template with every value of TYPED typed in `locale`; the path of the saved copy."""
    program = _office()
    formats = {path: "General" for path in PLAIN} | {path: "@" for path in TEXT}
    source = tmp / "template.xlsx"
    source.write_bytes(edit(template_workbook(), {path: None for path in formats}, formats=formats))
    column = 0 if locale == "en-GB" else 1
    typings = [[*_where(path), texts[column]] for path, texts in TYPED.items()]
    for (title, _column), texts in LIST_TYPED.items():
        typings.append([title, f"{_list_column(title, texts[2])}{FIRST_FIELD_ROW}", texts[column]])
    script = tmp / "typings.json"
    script.write_text(json.dumps(typings))
    typed = tmp / f"typed-{locale}.xlsx"
    done = subprocess.run([SYSTEM_PYTHON, str(TYPIST), program, str(tmp / "profile"), locale, str(source),
                           str(typed), str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and typed.is_file(), done.stdout + done.stderr
    return typed


@pytest.fixture(scope="module", params=["en-GB", "en-US"])
def typed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    locale = request.param
    return locale, _type(tmp_path_factory.mktemp(f"typed-{locale}"), locale)


def _value(source: Source, path: str) -> Any:
    data: Any = source.data
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


@pytest.mark.parametrize("path", list(TYPED))
def test_each_value_typed_is_read_as_the_person_meant(typed: tuple[str, Path], path: str) -> None:
    locale, saved = typed
    source = read_source(saved)
    assert [p.message for p in source.problems] == []
    text = TYPED[path][0 if locale == "en-GB" else 1]
    assert _value(source, path) == TYPED[path][2], f"{text!r} typed in {locale}"


def test_85_percent_and_91_typed_into_percentage_cells_are_85_and_91(typed: tuple[str, Path]) -> None:
    source = read_source(typed[1])
    assert source.data["seven_day"]["gp_extended_access_pct"] == 85
    assert source.data["seven_day"]["priority_standards_coverage_pct"] == 91


def test_list_sheet_values_typed_are_read(typed: tuple[str, Path]) -> None:
    item = read_source(typed[1]).data["organisations"][0]
    for _, _, key, expected in LIST_TYPED.values():
        assert item[key] == expected


def test_the_typed_workbook_checks_with_one_warning_and_strict_refuses_it(typed: tuple[str, Path]) -> None:
    saved = typed[1]
    title, ref = _where("new_care_models.population_planned_2021_pct")
    result = CliRunner().invoke(main, ["check", str(saved)])
    assert result.exit_code == 0, result.output
    [warning] = result.stderr.splitlines()
    assert f"{quote_sheet(title)}!{ref}" in warning and "0.91 is read as 0.91 %; if you meant 91 %" in warning
    strict = CliRunner().invoke(main, ["check", "--strict", str(saved)])
    assert strict.exit_code == 3 and "refused by --strict" in strict.stderr


def test_a_date_typed_in_the_other_locales_order_is_not_misread(tmp_path: Path) -> None:
    """7/20/2017 typed in en-GB is no date there: LibreOffice keeps it as text, and the reader
    refuses it naming the cell, rather than guessing."""
    program = _office()
    source = tmp_path / "template.xlsx"
    source.write_bytes(template_workbook())
    title, ref = _where("footprint.submitted_on")
    script = tmp_path / "typings.json"
    script.write_text(json.dumps([[title, ref, "7/20/2017"]]))
    typed = tmp_path / "typed.xlsx"
    done = subprocess.run([SYSTEM_PYTHON, str(TYPIST), program, str(tmp_path / "profile"), "en-GB", str(source),
                           str(typed), str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    [problem] = read_source(typed).problems
    assert problem.cell == f"{quote_sheet(title)}!{ref}" and "expected a date (got '7/20/2017')" in problem.problem
