"""The submission workbook: the cell-type rule clause by clause, errors by sheet and cell, the
commands that take or write .xlsx, and the refusal of other spreadsheet formats."""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbookkit import FIXTURE, edit, fixture_workbook, load, save, where

import assess
from assess.cli import main
from assess.common.cellref import quote_sheet
from assess.errors import InputError
from assess.input.workbook.layout import sheets

BASE = fixture_workbook()


def _read(tmp_path: Path, changes: dict, **kw: object) -> assess.Submission:
    return load(save(tmp_path, edit(BASE, changes, **kw)))


def _problems(tmp_path: Path, changes: dict, **kw: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        _read(tmp_path, changes, **kw)
    return [p.message for p in caught.value.all()]


# --- the cell-type rule, clause by clause (docs/workbook.md) -------------------------------------

def test_blank_is_not_stated(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"governance.board_established": None, "seven_day.gp_extended_access_pct": "  "})
    assert sub.governance.board_established is None
    assert sub.seven_day.gp_extended_access_pct is None


@pytest.mark.parametrize("typed, expected", [("Yes", True), ("no", False), ("TRUE", True), (False, False)])
def test_yes_no(tmp_path: Path, typed: object, expected: bool) -> None:
    assert _read(tmp_path, {"governance.board_established": typed}).governance.board_established is expected


def test_yes_no_refuses_other_text(tmp_path: Path) -> None:
    title, ref = where("governance.board_established")
    [message] = _problems(tmp_path, {"governance.board_established": "maybe"})
    assert message == (f"sub.xlsx: {title}!{ref} (governance.board_established): expected Yes or No "
                       "(got 'maybe')").replace("sub.xlsx", str(tmp_path / "sub.xlsx"))


def test_enum_ignores_case_and_spaces(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"leadership.leader_sector": "Local Government", "footprint.region": "south"})
    assert sub.leadership.leader_sector == "local_government"
    assert sub.footprint.region == "South"


def test_enum_did_you_mean(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"leadership.leader_sector": "local_govt"})
    assert "Leadership!" in message and "(leadership.leader_sector)" in message
    assert "Did you mean 'local_government'?" in message


def test_list_item_enum_case_insensitive(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"Organisations!B2": "CCG"})
    assert sub.organisations[0].kind == "ccg"


def test_percentage_formatted_cell_reads_the_percentage_shown(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"seven_day.gp_extended_access_pct": 0.895},
                formats={"seven_day.gp_extended_access_pct": "0.0%"})
    assert sub.seven_day.gp_extended_access_pct == 89.5


def test_plain_number_in_percentage_field_is_the_number(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"seven_day.gp_extended_access_pct": 30},
                formats={"seven_day.gp_extended_access_pct": "General"})
    assert sub.seven_day.gp_extended_access_pct == 30  # a plain 30 is 30 %


def _check(tmp_path: Path, changes: dict, *args: str, **kw: object) -> tuple[int, str, str]:
    path = save(tmp_path, edit(BASE, changes, **kw))
    result = CliRunner().invoke(main, ["check", *args, str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_a_fraction_in_a_plain_cell_of_a_share_is_read_with_a_warning_giving_both_readings(
        tmp_path: Path) -> None:
    changes = {"seven_day.gp_extended_access_pct": 0.91}
    formats = {"seven_day.gp_extended_access_pct": "General"}
    assert _read(tmp_path, changes, formats=formats).seven_day.gp_extended_access_pct == 0.91
    code, out, err = _check(tmp_path, changes, formats=formats)
    title, ref = where("seven_day.gp_extended_access_pct")
    assert code == 0 and out.startswith("ok ")
    assert err.strip() == (f"Warning: {tmp_path / 'sub.xlsx'}: {quote_sheet(title)}!{ref} "
                           "(seven_day.gp_extended_access_pct): 0.91 is read as 0.91 %; if you meant 91 %, "
                           "type 91 or 91%")


def test_score_scores_an_ambiguous_percentage_as_read_and_says_so(tmp_path: Path) -> None:
    path = save(tmp_path, edit(BASE, {"seven_day.gp_extended_access_pct": 0.91},
                               formats={"seven_day.gp_extended_access_pct": "General"}))
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 0
    assert "Warning: " in result.stderr and "0.91 is read as 0.91 %; if you meant 91 %" in result.stderr


def test_check_strict_refuses_an_ambiguous_percentage(tmp_path: Path) -> None:
    changes = {"seven_day.gp_extended_access_pct": "0.91"}
    code, out, err = _check(tmp_path, changes, "--strict", text={"seven_day.gp_extended_access_pct"})
    title, ref = where("seven_day.gp_extended_access_pct")
    assert code == 3 and "ok " not in out
    assert f"Error: {tmp_path / 'sub.xlsx'}: {quote_sheet(title)}!{ref} (seven_day.gp_extended_access_pct): " \
        "0.91 is read as 0.91 %; if you meant 91 %, type 91 or 91% (refused by --strict)" in err
    assert _check(tmp_path, {"seven_day.gp_extended_access_pct": 91}, "--strict",
                  formats={"seven_day.gp_extended_access_pct": "General"})[0] == 0


@pytest.mark.parametrize("field, value", [
    ("prevention.demand_reduction_target_pct", 0.5),  # a target that may truly be half a per cent
    ("finance.aggregate_position_pct", -0.4),  # a change, not a share
    ("finance.annual_efficiency_pct", 1),
])
def test_no_warning_where_a_small_percentage_is_usual(tmp_path: Path, field: str, value: float) -> None:
    code, out, err = _check(tmp_path, {field: value}, "--strict", formats={field: "General"})
    assert (code, err) == (0, ""), err


@pytest.mark.parametrize("stored, fmt, expected", [
    (0.85, "0%", 85),  # 85% typed into a percentage cell (Excel and LibreOffice)
    (0.85, "0.0##%", 85),  # 85 typed into it in Excel, 0.85 typed in either
    (91, "0.0##%", 91),  # 91 typed into it in LibreOffice, kept as 91 and shown 9100%
    (1, "0%", 100),  # shown 100%, which the field takes: read as shown
    (0.005, "0.0%", 0.5),
])
def test_percentage_cell_reads_what_it_shows_unless_only_the_typed_number_fits(
        tmp_path: Path, stored: float, fmt: str, expected: float) -> None:
    sub = _read(tmp_path, {"seven_day.gp_extended_access_pct": stored},
                formats={"seven_day.gp_extended_access_pct": fmt})
    assert sub.seven_day.gp_extended_access_pct == expected


def test_percentage_cell_in_a_field_that_takes_values_over_100(tmp_path: Path) -> None:
    field = "performance.emergency_admissions_change_pct"
    assert _read(tmp_path, {field: 2.5}, formats={field: "0%"}).performance.emergency_admissions_change_pct == 250
    assert _read(tmp_path, {field: 40}, formats={field: "0%"}).performance.emergency_admissions_change_pct == 40


def test_template_percentage_cells_have_a_real_percentage_format() -> None:
    from openpyxl import load_workbook

    from assess.input.workbook.writer import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    for sheet in sheets():
        if sheet.is_list:
            continue
        for column in sheet.columns:
            if column.percent:
                fmt = book[sheet.title].cell(row=sheet.rows[column.name], column=3).number_format
                assert fmt == "0.0##%", (column.path, fmt)


def test_percentages_round_trip_through_the_percentage_format(tmp_path: Path) -> None:
    sub = _read(tmp_path, {})
    for value in (14.3, 89.5, 0.5, 100.0, 33.333):
        assert load(save(tmp_path, edit(BASE, {"seven_day.gp_extended_access_pct": value / 100})))\
            .seven_day.gp_extended_access_pct == value
    assert sub == load(FIXTURE)


def test_percentage_text(tmp_path: Path) -> None:
    assert _read(tmp_path, {"seven_day.gp_extended_access_pct": "89.5%"}).seven_day.gp_extended_access_pct == 89.5


def test_percentage_format_on_a_non_percentage_field_is_an_error(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"footprint.population": 5}, formats={"footprint.population": "0%"})
    assert "formatted as a percentage but the field is not" in message


def test_number_as_text_with_thousands_separators(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"footprint.population": "1,250,000", "finance.do_nothing_gap_gbp_m": "1,234.5"})
    assert sub.footprint.population == 1_250_000
    assert sub.finance.do_nothing_gap_gbp_m == 1234.5


def test_decimal_comma_is_ambiguous(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"finance.annual_efficiency_pct": "3,5"})
    assert "ambiguous" in message and "3.5" in message


def test_whole_number_field_refuses_a_fraction(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"governance.board_meetings_last_12_months": 2.5})
    assert "expected a whole number (got 2.5)" in message


def test_whole_number_stored_as_float_is_read(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"governance.board_meetings_last_12_months": 12.0})
    assert sub.governance.board_meetings_last_12_months == 12


def test_date_cell(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"footprint.submitted_on": dt.datetime(2017, 7, 21)})
    assert sub.footprint.submitted_on == dt.date(2017, 7, 21)


def test_date_with_a_time_is_an_error(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"footprint.submitted_on": dt.datetime(2016, 10, 21, 9, 30)},
                          formats={"footprint.submitted_on": "yyyy-mm-dd hh:mm"})
    assert "not a date and time" in message


@pytest.mark.parametrize("typed", ["2017-07-21", "21/07/2017"])
def test_date_as_text(tmp_path: Path, typed: str) -> None:
    assert _read(tmp_path, {"footprint.submitted_on": typed}).footprint.submitted_on == dt.date(2017, 7, 21)


def test_ambiguous_date_text_gives_both_readings(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"footprint.submitted_on": "01/02/2017"})
    assert "ambiguous" in message and "2017-02-01" in message and "2017-01-02" in message


def test_number_in_a_date_field_is_an_error(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"footprint.submitted_on": 42664}, formats={"footprint.submitted_on": "General"})
    assert "format the cell as a date" in message and "2016-10-21" in message


def test_text_is_kept_exactly_and_never_run(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"footprint.name": '=HYPERLINK("http://x","y")'}, text={"footprint.name"})
    assert sub.footprint.name == '=HYPERLINK("http://x","y")'


def test_whole_number_typed_into_text_field(tmp_path: Path) -> None:
    assert _read(tmp_path, {"footprint.code": 12345}).footprint.code == "12345"


def test_list_of_values_comma_separated(tmp_path: Path) -> None:
    sub = _read(tmp_path, {"governance.short_return_sections": "Priorities, governance"})
    assert sub.governance.short_return_sections == ["priorities", "governance"]


def test_formula_reads_the_saved_value_and_refuses_none(tmp_path: Path) -> None:
    # openpyxl saves formulas without a computed value: the reader must say so, at the cell
    title, ref = where("governance.board_meetings_last_12_months")
    [message] = _problems(tmp_path, {"governance.board_meetings_last_12_months": "=6*2"})
    assert f"{title}!{ref}" in message and "no computed value" in message


def test_schema_bound_refused_at_its_cell(tmp_path: Path) -> None:
    title, ref = where("footprint.population")
    [message] = _problems(tmp_path, {"footprint.population": 5})
    assert f"{title}!{ref} (footprint.population): should be at least 10,000 (got 5)" in message


def test_missing_required_field_names_its_cell(tmp_path: Path) -> None:
    title, ref = where("footprint.code")
    [message] = _problems(tmp_path, {"footprint.code": None})
    assert message.endswith(f"{title}!{ref} (footprint.code): required field is missing")


def test_list_item_error_names_row_and_column(tmp_path: Path) -> None:
    [message] = _problems(tmp_path, {"Evidence!D3": "finished"})
    assert "Evidence!D3 (evidence.1.status)" in message


def test_unknown_field_path_did_you_mean(tmp_path: Path) -> None:
    title, ref = where("governance.board_established")
    [message] = _problems(tmp_path, {f"{title}!B{ref[1:]}": "governance.board_establish"})
    assert "Did you mean 'governance.board_established'?" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"governance.board_established": "maybe", "footprint.population": 5,
                                    "leadership.leader_sector": "nope"})
    assert len(problems) == 3


# --- commands and the library API ----------------------------------------------------------------

def test_init_xlsx_writes_a_workbook_that_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "my-stp.xlsx"
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    assert target.read_bytes()[:2] == b"PK"
    result = runner.invoke(main, ["check", str(target)])  # the placeholders must be replaced, as in YAML
    code_title, code_ref = where("footprint.code")
    assert result.exit_code == 3 and f"{code_title}!{code_ref} (footprint.code): still the template's placeholder" \
        in result.output
    target.write_bytes(edit(target.read_bytes(), {"footprint.code": "E54000036", "footprint.name": "Cornwall"}))
    result = runner.invoke(main, ["check", str(target)])
    assert result.exit_code == 3
    for path in ("footprint.region", "footprint.population", "footprint.submitted_on"):
        title, ref = where(path)
        assert f"{title}!{ref} ({path}): required field is missing" in result.output
    target.write_bytes(edit(target.read_bytes(), {"footprint.region": "South", "footprint.population": 560_000,
                                                  "footprint.submitted_on": dt.datetime(2016, 10, 21)}))
    result = runner.invoke(main, ["check", str(target)])
    assert result.exit_code == 0, result.output


def test_the_template_leaves_region_population_and_date_for_the_person_to_fill_in() -> None:
    """Pre-filled, they passed `check` unnoticed, and the date picked the edition applied."""
    from openpyxl import load_workbook

    from assess.input.workbook.writer import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    for path in ("footprint.region", "footprint.population", "footprint.submitted_on"):
        title, ref = where(path)
        assert book[title][ref].value is None, path


@pytest.mark.parametrize("column, heading", [("D", "Unit"), ("E", "Kind"), ("F", "Allowed values"),
                                             ("G", "Help")])
def test_a_value_typed_in_another_column_of_a_field_row_is_an_error_naming_the_cell(
        tmp_path: Path, column: str, heading: str) -> None:
    title, ref = where("finance.do_nothing_gap_gbp_m")
    row = ref[1:]
    messages = _problems(tmp_path, {f"{title}!{column}{row}": 123.4, "finance.do_nothing_gap_gbp_m": None})
    [message] = [m for m in messages if f"{title}!{column}{row}" in m]
    assert f"(finance.do_nothing_gap_gbp_m): a value in the {heading} column ({column}{row}) is not read; " \
        f"enter the value in the Value column (C{row})" in message


def test_a_value_right_of_help_or_in_an_unused_row_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    title, ref = where("finance.do_nothing_gap_gbp_m")
    row = int(ref[1:])
    last = max(next(s for s in sheets() if s.title == title).rows.values())
    messages = _problems(tmp_path, {f"{title}!J{row}": "120", f"{title}!A{last + 3}": "note: 45 WTE",
                                    f"{title}!C{last + 2}": 7})
    assert any(f"{title}!J{row} (finance.do_nothing_gap_gbp_m): a value outside the template's columns (A to G)"
               in m for m in messages), messages
    assert any(f"{title}!A{last + 3}: a value in a row with no field path in column B, so it is not read" in m
               for m in messages), messages
    assert any(f"{title}!C{last + 2}: a value in a row with no field path in column B, so it is not read" in m
               for m in messages), messages


def test_the_template_text_right_of_the_value_is_not_an_error_however_it_wraps(tmp_path: Path) -> None:
    title, ref = where("finance.do_nothing_gap_gbp_m")
    from assess.input.workbook.layout import guide_texts

    column = next(c for s in sheets() for c in s.columns if c.path == "finance.do_nothing_gap_gbp_m")
    help_text = guide_texts(column)[3]
    sub = _read(tmp_path, {f"{title}!G{ref[1:]}": help_text.replace(" ", "\n", 2), f"{title}!D{ref[1:]}": None})
    assert sub == load(FIXTURE)


def test_template_has_every_schema_field() -> None:
    import io

    from openpyxl import load_workbook

    from assess.input.fields import fields_of
    from assess.input.workbook.writer import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    paths = set()
    for sheet in sheets():
        ws = book[sheet.title]
        if sheet.is_list:
            paths |= {f"{sheet.key}" for c in ws[1] if c.value}
        else:
            paths |= {ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)}
    assert set(fields_of()) <= paths


def test_convert_round_trip_and_score_equal(tmp_path: Path) -> None:
    runner = CliRunner()
    xlsx, back = tmp_path / "s.xlsx", tmp_path / "s.yaml"
    assert runner.invoke(main, ["convert", str(FIXTURE), str(xlsx)]).exit_code == 0
    assert runner.invoke(main, ["convert", str(xlsx), str(back)]).exit_code == 0
    assert load(back) == load(FIXTURE)
    one = json.loads(runner.invoke(main, ["score", str(FIXTURE), "-f", "json"]).output)
    two = json.loads(runner.invoke(main, ["score", str(xlsx), "-f", "json"]).output)
    assert one.pop("input_sha256") != two.pop("input_sha256")
    assert one == two


def test_convert_refuses_invalid_input_and_unknown_target(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = save(tmp_path, edit(BASE, {"footprint.population": 5}))
    result = runner.invoke(main, ["convert", str(bad), str(tmp_path / "out.yaml")])
    assert result.exit_code == 3 and "population" in result.output and not (tmp_path / "out.yaml").exists()
    assert runner.invoke(main, ["convert", str(FIXTURE), str(tmp_path / "x.csv")]).exit_code == 2


@pytest.mark.parametrize("suffix", [".xlsm", ".xls", ".xlsb", ".ods"])
def test_other_spreadsheet_formats_refused_with_how_to_save(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"sub{suffix}"
    path.write_bytes(BASE)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 3
    assert "save it as an Excel Workbook (.xlsx)" in result.output and "Traceback" not in result.output


def test_assess_file_takes_a_workbook(tmp_path: Path) -> None:
    catalogue = assess.load_catalogue()
    result = assess.assess_file(save(tmp_path, BASE), catalogue)
    assert result.to_dict()["criteria"] == assess.assess_file(FIXTURE, catalogue).to_dict()["criteria"]


def test_batch_reads_workbooks_beside_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    save(folder, BASE, "dorset.xlsx")
    save(folder, edit(BASE, {"footprint.code": "BAD", "footprint.population": 5}), "bad.xlsx")
    (folder / "other.yaml").write_text((FIXTURE.parent / "lincs-no-leader.yaml").read_text())
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert sorted(a["submission"]["code"] for a in results) == ["DORSET", "LINCS"]
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
    assert "bad.xlsx" in errors and "Footprint!C" in errors


def test_value_cells_carry_validation_formats_and_help() -> None:
    import io

    from openpyxl import load_workbook

    from assess.input.workbook.writer import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    title, ref = where("leadership.leader_sector")
    checks = {str(r): dv for dv in book[title].data_validations.dataValidation for r in dv.sqref.ranges}
    assert checks[ref].type == "list" and checks[ref].formula1 == '"nhs,local_government,other"'
    title, ref = where("footprint.population")
    dv = {str(r): dv for dv in book[title].data_validations.dataValidation for r in dv.sqref.ranges}[ref]
    assert (dv.type, dv.formula1, dv.formula2) == ("whole", "10000", "10000000")
    assert dv.prompt == "Registered or resident population covered."
    title, ref = where("governance.board_established")
    dv = {str(r): dv for dv in book[title].data_validations.dataValidation for r in dv.sqref.ranges}[ref]
    assert dv.formula1 == '"Yes,No"'
    ws = book[where("footprint.submitted_on")[0]]
    assert ws[where("footprint.submitted_on")[1]].number_format == "yyyy-mm-dd"
    evidence = book["Evidence"]
    assert any(dv.type == "list" and "delivered" in dv.formula1 for dv in evidence.data_validations.dataValidation)


@pytest.mark.parametrize("prolog, verdict", [
    (b'<?xml version="1.0"?><worksheet/>', True),
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c --><worksheet/>', True),
    (b'<?xml version="1.0"?><!-- <worksheet> --><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>', False),
    (b'\xef\xbb\xbf  <!DOCTYPE x><worksheet/>', False),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><w/>'.encode("utf-16"), False),
    (b'<?xml version="1.0"', None),  # more bytes needed to tell
])
def test_a_dtd_anywhere_in_the_prolog_is_found(prolog: bytes, verdict: bool | None) -> None:
    from assess.input.workbook.reader import _prolog

    assert _prolog(prolog) is verdict


def test_section_rows_give_unit_kind_allowed_values_and_help() -> None:
    import io

    from openpyxl import load_workbook

    from assess.input.workbook.writer import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    title, ref = where("finance.planned_position_2020_21_gbp_m")
    row = [c.value for c in book[title][int(ref[1:])]]
    assert row[:2] == ["Planned position 2020/21", "finance.planned_position_2020_21_gbp_m"]
    assert row[3] == "£ million" and row[4] == "number from -100,000 to 100,000"
    assert row[6].startswith("Planned aggregate surplus")
    title, ref = where("leadership.leader_sector")
    row = [c.value for c in book[title][int(ref[1:])]]
    assert row[5] == "nhs, local_government, other"


def test_cross_field_problems_name_their_cell(tmp_path: Path) -> None:
    problems = _problems(tmp_path, {"footprint.submitted_on": dt.datetime(2016, 10, 21)})
    assert problems and all("Evidence!" in p and "is after the submission date" in p for p in problems)


def test_check_and_batch_name_a_cell_in_one_grammar(tmp_path: Path) -> None:
    """`file: Sheet!C4 (field): problem` on the terminal from both commands; errors.csv keeps the
    cell in its line column and the field in its field column."""
    folder = tmp_path / "in"
    folder.mkdir()
    bad = save(folder, edit(BASE, {"governance.board_established": "maybe"}))
    title, ref = where("governance.board_established")
    checked = CliRunner().invoke(main, ["check", str(bad)])
    expected = f"{bad.name}: {title}!{ref} (governance.board_established): expected Yes or No (got 'maybe')"
    assert checked.exit_code == 3 and f"{bad}: {title}!{ref} (governance.board_established)" in checked.output
    batched = CliRunner().invoke(main, ["batch", str(folder), "--out", str(tmp_path / "out")])
    assert batched.exit_code == 3 and expected in batched.output, batched.output
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
    assert f"{bad.name},{title}!{ref},governance.board_established,expected Yes or No" in errors


def test_a_sheet_full_of_stray_values_costs_a_few_messages(tmp_path: Path) -> None:
    from assess.input.workbook.reader import MAX_STRAY_ROWS

    title = where("finance.do_nothing_gap_gbp_m")[0]
    changes: dict = {f"{title}!{letter}{row}": 1 for row in range(60, 60 + MAX_STRAY_ROWS + 10) for letter in "HIJ"}
    messages = _problems(tmp_path, changes)
    assert len(messages) == MAX_STRAY_ROWS + 1
    assert "(and 2 more cells of this row)" in messages[0]
    assert f"only the first {MAX_STRAY_ROWS} are named" in messages[-1]
