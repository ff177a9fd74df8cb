"""Hostile text reaches no terminal, report or spreadsheet as anything but text; a batch lists
every entry it cannot read beside good files whose results stay intact. The case table is in
hostile_output.py (run it directly for a table of outcomes and times)."""
from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_output import (
    FILE_NAMES,
    GOOD,
    PAYLOADS,
    build_batch_folder,
    check_field_case,
    csv_problems,
    free_text_fields,
    hostile_submission,
    html_problems,
    markdown_problems,
    terminal_problems,
)

from assess import assess_file, load_catalogue
from assess.cli import main
from assess.common import textsafe

SECONDS = 10.0  # bound for one case (the issue's), checked loosely: the machine may be shared


@pytest.mark.parametrize("payload_id,text", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_payload_in_every_free_text_field(tmp_path: Path, payload_id: str, text: str) -> None:
    outcome = check_field_case(tmp_path, free_text_fields(), payload_id, text)
    assert outcome.problems == [] and outcome.seconds < SECONDS


@pytest.mark.parametrize("payload_id,text", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_payload_as_the_footprint_code_is_refused_with_a_safe_message(tmp_path: Path, payload_id: str,
                                                                    text: str) -> None:
    outcome = check_field_case(tmp_path, ["footprint.code"], payload_id, text)
    assert outcome.exits == "3" and outcome.problems == []


def test_the_checks_can_fail() -> None:
    assert terminal_problems("\x1b[2Jx") and terminal_problems("a\nok  forged.yaml  (FORGED, all ok)")
    assert html_problems("<p><script>x</script></p>") and html_problems('<a href="javascript:x">') \
        and html_problems("<p>\u202e</p>")
    assert markdown_problems("# FORGED heading") and markdown_problems("x <script>")
    assert csv_problems([["=1+1"]]) and csv_problems([["a\x1bb"]])


def test_a_newline_in_a_name_cannot_forge_a_line_of_check(tmp_path: Path) -> None:
    path = tmp_path / "forge.json"
    path.write_text(json.dumps(hostile_submission(["footprint.name"], "x\nok  other.yaml  (OTHER, y)"),
                               default=str))
    result = CliRunner().invoke(main, ["check", str(path)])
    # names are one line (the schema refuses a line break in them); the message quotes it escaped
    assert result.exit_code == 3 and len(result.output.splitlines()) == 1 and "x\\nok  other" in result.output


def test_a_huge_key_is_echoed_clipped_and_escaped(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"schema_version": "1.0", "\x1b[2J" + "k" * 400_000: 1}))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert terminal_problems(result.output) == []
    assert max(map(len, result.output.splitlines())) < 2 * textsafe.MESSAGE_LIMIT
    assert "characters)" in result.output and "\\x1b[2J" in result.output


# --- the textsafe module ------------------------------------------------------------------------

@pytest.mark.parametrize("raw,shown", [
    ("\x1b[2J", "\\x1b[2J"), ("a\nb", "a\\nb"), ("a\rb\tc", "a\\rb\\tc"), ("\x9b\x85", "\\x9b\\x85"),
    ("x\u202ey", "x\\u202ey"), ("\u2066\u2069\u200e\u200f\u061c", "\\u2066\\u2069\\u200e\\u200f\\u061c"),
    ("\u2028\u2029", "\\u2028\\u2029"), ("bad\udcff.yaml", "bad\\xff.yaml"),
    ("\x7f\x00", "\\x7f\\x00"), ("plain — text, £ é 中", "plain — text, £ é 中"),
])
def test_visible(raw: str, shown: str) -> None:
    assert textsafe.visible(raw) == shown
    assert textsafe.is_clean(shown)


def test_visible_keeping_lines_for_html() -> None:
    assert textsafe.visible("a\nb\tc\rd\x1b", keep_lines=True) == "a\nb\tc\\rd\\x1b"


def test_clip_cuts_each_long_run_and_the_whole() -> None:
    key = "k" * 4_000_000
    text = textsafe.clip(f"unknown field '{key}'. Did you mean '{key}'?")
    assert len(text) < 400 and text.count("(4,000,002 characters)") == 0 and text.count("characters)") == 2
    assert textsafe.clip("short message") == "short message"
    assert textsafe.clip(text) == text and textsafe.one_line(textsafe.one_line(key)) == textsafe.one_line(key)
    long = textsafe.clip("word " * 1000)
    assert len(long) <= textsafe.MESSAGE_LIMIT and long.endswith("… (5,000 characters)")


@pytest.mark.parametrize("cell,safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (3, 3), (None, None), ("a=b", "a=b"),
])
def test_spreadsheet_cell(cell: object, safe: object) -> None:
    assert textsafe.spreadsheet_cell(cell) == safe


def test_csv_cell_is_one_safe_line() -> None:
    assert textsafe.csv_cell("=1\n2\x1b") == "'=1\\n2\\x1b" and textsafe.csv_cell(7) == 7
    assert len(textsafe.csv_cell("k" * 100_000)) < 200


# --- a batch: good files beside every hostile entry -----------------------------------------------

def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_batch_with_good_files_beside_every_hostile_entry(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    build_batch_folder(folder)
    out = tmp_path / "out"
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out)])
    seconds = time.perf_counter() - start
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert seconds < 60

    # every entry is assessed, listed with a reason or (a hidden, lock or system file) named in a warning
    errors = _rows(out / "errors.csv")
    listed = {row[0][1:] if row[0][:2] in ("'=", "'+", "'-", "'@") else row[0] for row in errors[1:]}
    league = {row["file"] for row in csv.DictReader(io.StringIO((out / "league.csv").read_text(encoding="utf-8")))}
    warned = {line.removeprefix("Warning: ").split(": not read: ")[0] for line in result.stderr.splitlines()
              if line.startswith("Warning: ") and ": not read: a hidden " in line}
    entries = {p.name for p in folder.iterdir()}
    shown = {textsafe.one_line(name): name for name in entries}
    assert warned == {".hidden.yaml"}
    assert {shown.get(f, f) for f in listed | league | warned} == entries
    for pid, name, _ in FILE_NAMES:
        assert textsafe.one_line(name) in (league if pid.endswith("-good") else listed), pid

    # the good results are those of each file scored alone
    catalogue = load_catalogue()
    results = {r["input_sha256"]: r for r in json.loads((out / "results.json").read_text(encoding="utf-8"))}
    for name in GOOD:
        alone = assess_file(str(folder / name), catalogue).to_dict()
        assert results[alone["input_sha256"]] == alone, name
    assert "dorset-copy.yaml" in listed and "dorset-thriving.yaml" in league  # the later one is ranked

    # every output shows the hostile text as text
    assert csv_problems(errors) == [] and csv_problems(_rows(out / "league.csv")) == []
    assert html_problems((out / "index.html").read_text(encoding="utf-8")) == []
    for report in (out / "reports").iterdir():
        text = report.read_text(encoding="utf-8")
        assert (html_problems if report.suffix == ".html" else markdown_problems)(text) == [], report.name
    assert terminal_problems(result.output) == []
    assert max(map(len, (out / "index.html").read_text(encoding="utf-8").splitlines())) < 200_000
