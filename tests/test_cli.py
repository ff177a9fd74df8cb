"""The `assess` command: every command, every exit code, never a traceback for bad input."""
from __future__ import annotations

import json

import pytest
from casekit import FIXTURES
from click.testing import CliRunner

import assess.engine.durable as engine
from assess import load_submission
from assess.cli import main
from assess.cli.common import ExitCode

FIXTURE = FIXTURES / "west-yorkshire-developing.yaml"


def run(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output
    return result


def test_help_teaches_commands_and_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    for word in ("check", "score", "rules", "schema", "init", "batch", "Exit codes", "invalid input"):
        assert word in result.output


@pytest.mark.parametrize("fmt,marker", [("text", "Readiness"), ("markdown", "#"), ("json", '"criteria"')])
def test_score_formats(fmt, marker):
    result = run("score", FIXTURE, "--format", fmt)
    assert result.exit_code == ExitCode.OK, result.output
    assert marker in result.output


def test_score_json_has_the_documented_keys():
    data = json.loads(run("score", FIXTURE, "-f", "json").output)
    for key in ("submission", "edition", "rating", "stage", "ics_readiness", "score", "domains", "criteria",
                "path_to_ics", "catalogue_version", "input_sha256"):
        assert key in data
    assert data["submission"]["code"] == "WYH"
    failed = [c for c in data["criteria"] if c["status"] == "not_met"]
    assert failed and all(c["explanation"] for c in failed)
    clause = failed[0]["explanation"][0]
    assert {"path", "submitted", "expected"} <= set(clause)


def test_score_with_explicit_edition_and_output_file(tmp_path):
    out = tmp_path / "a.json"
    result = run("score", FIXTURE, "--edition", "2019-ics", "-f", "json", "-o", out)
    assert result.exit_code == 0 and json.loads(out.read_text())["edition"] == "2019-ics"


def test_unknown_edition_is_a_usage_error():
    result = run("score", FIXTURE, "--edition", "2016-plans")
    assert result.exit_code == ExitCode.USAGE and "Did you mean '2016-plan'" in result.output


def test_unknown_format_is_a_usage_error():
    assert run("score", FIXTURE, "--format", "pdf").exit_code == ExitCode.USAGE


def test_invalid_submission_exit_3_with_file_line_and_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIXTURE.read_text().replace("  obesity_actions: 1", "  obesity_action: 1"))
    for command in ("score", "check"):
        result = run(command, bad)
        assert result.exit_code == ExitCode.INVALID_INPUT
        assert f"Error: {bad}:" in result.output and "prevention.obesity_action" in result.output
        assert "Did you mean 'obesity_actions'" in result.output


def test_check_reports_valid_and_invalid_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- not a mapping\n")
    result = run("check", FIXTURE, bad)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "ok  " in result.output and "must be a mapping" in result.output
    assert run("check", *sorted(FIXTURES.glob("*.yaml"))).exit_code == 0


def test_missing_file_is_invalid_input():
    result = run("score", "no-such-file.yaml")
    assert result.exit_code == ExitCode.INVALID_INPUT and "cannot read" in result.output


def test_broken_catalogue_exit_4(tmp_path):
    (tmp_path / "catalogue.yaml").write_text("version: 1\n")
    result = run("score", FIXTURE, "--rules", tmp_path)
    assert result.exit_code == ExitCode.INVALID_RULES and "catalogue.yaml" in result.output


def test_engine_error_exit_5(monkeypatch):
    monkeypatch.setattr(engine._durable, "assert_fact", lambda handle, payload: (2, 0))
    result = run("score", FIXTURE)
    assert result.exit_code == ExitCode.ENGINE and "durable_rules" in result.output


def test_rules_listing_and_filters():
    result = run("rules", "--domain", "finance")
    assert result.exit_code == 0 and "FIN-01" in result.output and "PREV-01" not in result.output
    assert run("rules", "--domain", "nope").exit_code == ExitCode.USAGE
    data = json.loads(run("rules", "-f", "json").output)
    assert data["rules"] and data["traceability"]


def test_schema_is_json_schema():
    data = json.loads(run("schema").output)
    assert data["title"] == "stp-assess submission" and "footprint" in data["properties"]


def test_init_writes_a_template_that_check_refuses_until_its_placeholders_are_replaced(tmp_path):
    path = tmp_path / "mine.yaml"
    assert run("init", path).exit_code == 0
    unedited = run("check", path)
    assert unedited.exit_code == ExitCode.INVALID_INPUT
    assert "footprint.code" in unedited.output and "footprint.name" in unedited.output
    assert "placeholder" in unedited.output and "Traceback" not in unedited.output
    assert run("score", path).exit_code == ExitCode.INVALID_INPUT
    text = path.read_text().replace("E54000000", "E54000005").replace("Your footprint's published name", "Mine")
    path.write_text(text)
    assert load_submission(path).footprint.code == "E54000005"
    assert run("check", path).exit_code == 0
    refused = run("init", path)
    assert refused.exit_code == ExitCode.USAGE and "--force" in refused.output
    assert run("init", path, "--force").exit_code == 0


def test_template_lists_every_field():
    from assess.input.fields import fields_of
    text = run("init").output
    for path in fields_of():
        assert path.split(".")[-1] + ":" in text, path


def test_without_the_built_engine_the_command_says_how_to_build_it() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['durable_rules_engine'] = None; "  # as if the C extension were not built
            "from assess.cli import main; main(sys.argv[1:])")
    proc = subprocess.run([sys.executable, "-c", code, "score", str(FIXTURES / "dorset-thriving.yaml")],
                          capture_output=True, text=True)
    assert proc.returncode == 5, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "scripts/venv" in proc.stderr and "durable_rules" in proc.stderr
