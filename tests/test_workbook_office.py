"""A real office application: LibreOffice (headless) opens the template and filled workbooks and
saves them as .xlsx, the way an analyst's office suite would; the tool reads the result with the
same outcome. Formulas are read from the values LibreOffice computed.

Without `soffice` these tests skip, saying so; under CI=true they fail instead (.ci/run installs
Debian's libreoffice-calc-nogui). Each run uses its own LibreOffice profile, so parallel runs do
not share a lock.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from workbookkit import FIXTURE, edit, fixture_workbook, where

from assess.cli import main
from assess.input.convert import as_data
from assess.input.load import read_source, validate
from assess.input.workbook.layout import FIRST_FIELD_ROW, sheets
from assess.input.workbook.writer import cell_value


def _soffice() -> str:
    found = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        reason = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"office tests must run in CI, but {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Any:
    program = _soffice()
    profile = tmp_path_factory.mktemp("lo-profile")

    def resave(source: Path) -> Path:
        """Open `source` in LibreOffice and save it as .xlsx; the path of the saved copy."""
        out = source.parent / "saved"
        out.mkdir(exist_ok=True)
        done = subprocess.run(
            [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
            capture_output=True, text=True, timeout=180)
        saved = out / source.name
        assert done.returncode == 0 and saved.is_file(), done.stdout + done.stderr
        assert saved.read_bytes() != source.read_bytes()
        return saved

    return resave


def _score(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    data.pop("input_sha256")
    return data


def _fill(template: bytes, data: dict[str, Any]) -> bytes:
    """Type a submission's values into the template's cells as a person would: numbers as
    numbers, percentages as the fraction a percentage cell keeps for 89.5%, dates as dates,
    Yes/No and allowed values as text, lists comma-separated."""
    book = load_workbook(io.BytesIO(template))

    def typed(value: Any) -> Any:
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        return value

    for sheet in sheets():
        ws = book[sheet.title]
        if sheet.is_list:
            for offset, item in enumerate(data.get(sheet.key, [])):
                for index, column in enumerate(sheet.columns, 1):
                    if column.name in item:
                        cell = ws.cell(row=FIRST_FIELD_ROW + offset, column=index, value=typed(item[column.name]))
                        if isinstance(cell.value, dt.datetime):
                            cell.number_format = "dd/mm/yyyy"
        else:
            section = data if sheet.key == "" else data.get(sheet.key, {})
            for column in sheet.columns:
                if column.name in section:
                    value = typed(section[column.name])
                    if column.percent and isinstance(value, (int, float)):
                        value = cell_value(column, value)
                    cell = ws.cell(row=sheet.rows[column.name], column=3, value=value)
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_init_fill_save_in_libreoffice_then_check_and_score(office: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    template = tmp_path / "my-stp.xlsx"
    assert runner.invoke(main, ["init", str(template)]).exit_code == 0
    saved_template = office(template)
    before, after = (runner.invoke(main, ["check", str(p)]) for p in (template, saved_template))
    assert before.exit_code == after.exit_code == 3  # the placeholders still to replace, named alike
    assert before.output.replace(str(template), "T") == after.output.replace(str(saved_template), "T")
    assert read_source(saved_template).data == read_source(template).data

    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill(template.read_bytes(), as_data(validate(read_source(FIXTURE)))))
    saved = office(filled)
    result = runner.invoke(main, ["check", str(saved)])
    assert result.exit_code == 0, result.output
    assert validate(read_source(saved)) == validate(read_source(FIXTURE))
    assert _score(saved) == _score(FIXTURE)


def test_converted_workbook_survives_libreoffice(office: Any, tmp_path: Path) -> None:
    path = tmp_path / "dorset.xlsx"
    path.write_bytes(fixture_workbook())
    saved = office(path)
    assert validate(read_source(saved)) == validate(read_source(FIXTURE))
    assert _score(saved) == _score(FIXTURE)


def test_formulas_are_read_from_the_values_libreoffice_computed(office: Any, tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(edit(fixture_workbook(), {
        "governance.board_meetings_last_12_months": "=6*2",
        "seven_day.gp_extended_access_pct": "=0.5+0.25",  # a fraction shown as a percentage
    }, formats={"seven_day.gp_extended_access_pct": "0%"}))
    before = CliRunner().invoke(main, ["check", str(path)])
    title, ref = where("governance.board_meetings_last_12_months")
    assert before.exit_code == 3 and f"{title}!{ref}" in before.output and "no computed value" in before.output
    sub = validate(read_source(office(path)))
    assert sub.governance.board_meetings_last_12_months == 12
    assert sub.seven_day.gp_extended_access_pct == 75.0


def test_the_batch_league_workbook_opens_in_libreoffice_with_every_cell_as_written(
        office: Any, tmp_path: Path) -> None:
    """league.xlsx comes from the batch's own streaming writer: LibreOffice opens every sheet and
    keeps each value, its type, the links and the filters (hostile names stay text)."""
    import yaml

    from assess import load_catalogue
    from assess.batch.run import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(FIXTURE.parent.glob("*.yaml"))[:4]:
        shutil.copy(path, folder / path.name)
    hostile = yaml.safe_load(FIXTURE.read_text())
    hostile["footprint"]["name"], hostile["footprint"]["code"] = "=SUM(1,2)", "HOSTILE"
    (folder / "hostile.yaml").write_text(yaml.safe_dump(hostile))
    run_batch(folder, tmp_path / "out", catalogue=load_catalogue())
    written = tmp_path / "out" / "league.xlsx"
    ours, theirs = load_workbook(written), load_workbook(office(written))
    assert theirs.sheetnames == ours.sheetnames
    for title in ours.sheetnames:
        mine, saved = ours[title], theirs[title]
        assert [[c.value for c in r] for r in saved.iter_rows()] == [[c.value for c in r] for r in mine.iter_rows()]
        types = [[c.data_type for c in r] for r in mine.iter_rows()]
        assert [[c.data_type for c in r] for r in saved.iter_rows()] == types
        assert saved.auto_filter.ref == mine.auto_filter.ref  # (headless LibreOffice drops every frozen pane)
        # a link is relative to the workbook's folder: the copy saved one folder down points one up
        links = [(c.coordinate, "../" + c.hyperlink.target) for r in mine.iter_rows() for c in r if c.hyperlink]
        assert [(c.coordinate, c.hyperlink.target) for r in saved.iter_rows() for c in r if c.hyperlink] == links
    assert any(c.value == "=SUM(1,2)" for c in theirs["League"]["C"])
