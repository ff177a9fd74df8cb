"""`assess serve`'s JSON API, in-process: the same answers as the command line (scores byte for
byte, problems as `check` gives them, decisions checked as `--decisions` checks them), drafts, save
and download."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from casekit import FIXTURES, catalogue
from click.testing import CliRunner
from servekit import Site, client, decision, doc_id, fixture_body, make_site, writing

from assess.cli import main
from assess.errors import InputError
from assess.input.load import load_submission, read_source, validate
from assess.review.moderation import load_decisions


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_site(tmp_path_factory.mktemp("serve-api"))


@pytest.fixture
def app(site: Site, tmp_path: Path) -> Any:
    """A fresh application over the site, with its own decisions file and drafts database."""
    settings = site.settings(decisions=tmp_path / "decisions.yaml", store=tmp_path / "drafts.sqlite3")
    with client(settings) as c:
        c.settings = settings
        yield c


@pytest.mark.parametrize("name", ["lincs-no-leader.yaml", "frimley-ics-ready.yaml", "hcv-seven-day-behind.yaml"])
@pytest.mark.parametrize("edition", [None, "2019-ics"])
def test_assess_is_byte_identical_to_score_json(app: Any, tmp_path: Path, name: str, edition: str | None) -> None:
    body = fixture_body(name)
    (tmp_path / "sub.json").write_bytes(body)
    args = ["score", str(tmp_path / "sub.json"), "--format", "json"] + (["--edition", edition] if edition else [])
    cli = CliRunner().invoke(main, args)
    assert cli.exit_code == 0, cli.output
    response = app.post("/api/assess" + (f"?edition={edition}" if edition else ""), content=body,
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == cli.stdout_bytes


def test_assess_reads_yaml_bodies_as_the_yaml_reader_does(app: Any, tmp_path: Path) -> None:
    text = (FIXTURES / "dorset-thriving.yaml").read_bytes()
    cli = CliRunner().invoke(main, ["score", str(FIXTURES / "dorset-thriving.yaml"), "--format", "json"])
    response = app.post("/api/assess", content=text, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 200 and response.content == cli.stdout_bytes


def test_invalid_submission_gives_checks_problems(app: Any, tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURES / "lincs-no-leader.yaml").read_text())
    data["footprint"]["population"] = -5
    data["governance"]["leader_sector"] = "nhs-ish"
    data["surplus"] = 1
    body = json.dumps(data, default=str, indent=1).encode()
    path = tmp_path / "request body"
    path.write_bytes(body)
    expected = []
    with pytest.raises(InputError) as raised:
        validate(_json_source(path))
    for p in raised.value.all():
        expected.append({"file": "request body", "line": p.line, "field": p.path, "message": p.problem})
    response = app.post("/api/assess", content=body)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems == expected
    assert {p["field"] for p in problems} >= {"footprint.population", "surplus"}
    assert all(p["line"] for p in problems)  # JSON bodies are located by line, as `check` locates them


def _json_source(path: Path) -> Any:
    from assess.input.load import parse_text

    return parse_text(path.read_text(), "request body", "json", None)


def test_unparseable_body_and_unknown_edition(app: Any) -> None:
    response = app.post("/api/assess", content=b'{"schema_version": "1.0",')
    assert response.status_code == 422
    assert response.json()["problems"][0]["file"] == "request body"
    assert "not valid JSON" in response.json()["problems"][0]["message"]
    response = app.post("/api/assess?edition=2099-nope", content=fixture_body("dorset-thriving.yaml"))
    assert response.status_code == 400 and "2099-nope" in response.json()["error"]


def test_schema_and_health(app: Any) -> None:
    cli = CliRunner().invoke(main, ["schema"])
    response = app.get("/api/schema")
    assert response.status_code == 200 and response.content == cli.stdout_bytes
    assert app.get("/api/health").status_code == 200


# --- decisions -------------------------------------------------------------------------------

def test_decision_is_recorded_with_the_moderated_verdict(app: Any) -> None:
    response = app.post("/api/decisions", json=decision(), headers=writing(app.settings))
    assert response.status_code == 201, response.text
    answer = response.json()
    moderated = answer["moderated"]
    assert moderated["criterion"] == {**moderated["criterion"], "id": "GOV-03", "status": "met",
                                      "engine_status": "not_met"}
    assert moderated["decision_state"] == "unpinned"
    assert moderated["score"] > moderated["engine"]["score"]
    on_disk = load_decisions(app.settings.decisions, catalogue())
    assert [(d.submission, d.criterion, d.decision) for d in on_disk.decisions] == [("LINCS", "GOV-03", "met")]
    audit = [json.loads(line) for line in app.settings.decisions.with_name("decisions.yaml.audit.jsonl")
             .read_text().splitlines()]
    assert [(a["action"], a["criterion"]) for a in audit] == [("record", "GOV-03")]


def test_decision_validation_is_the_decisions_files(app: Any, tmp_path: Path) -> None:
    bad = decision(justification="ok", criterion="GOV-99", fingerprint="xyz")
    response = app.post("/api/decisions", json=bad, headers=writing(app.settings))
    assert response.status_code == 422
    problems = response.json()["problems"]
    (tmp_path / "as-file.yaml").write_text(yaml.safe_dump({"decisions": [bad]}))
    with pytest.raises(InputError) as raised:
        load_decisions(tmp_path / "as-file.yaml", catalogue())
    expected = {(str(p.path).removeprefix("decisions[0]."), p.problem) for p in raised.value.all()}
    assert {(p["field"], p["message"]) for p in problems} == expected
    assert {p["field"] for p in problems} == {"justification", "fingerprint"}
    assert not app.settings.decisions.exists()  # nothing written
    unknown = app.post("/api/decisions", json=decision(criterion="GOV-99"), headers=writing(app.settings))
    assert unknown.status_code == 422 and "unknown criterion" in unknown.json()["problems"][0]["message"]


def test_a_stale_write_is_refused_with_the_other_reviewers_change(app: Any) -> None:
    first = app.post("/api/decisions", json=decision(reviewer="Reviewer A"), headers=writing(app.settings))
    assert first.status_code == 201
    # reviewer B opened the page before A recorded: B's write is based on "no decision yet"
    second = app.post("/api/decisions", json=decision(reviewer="Reviewer B", decision="not_met"),
                      headers=writing(app.settings, **{"If-Match": "new"}))
    assert second.status_code == 409
    answer = second.json()
    assert answer["current"]["reviewer"] == "Reviewer A" and "Reviewer A" in answer["error"]
    assert [h["reviewer"] for h in answer["history"]] == ["Reviewer A"]
    # with A's version, B's change goes through and both stay in the audit log
    change = decision(reviewer="Reviewer B", decision="not_met",
                      justification="On reading the memorandum again it names no such body at all.")
    third = app.post("/api/decisions", json=change, headers=writing(app.settings, **{"If-Match": answer["version"]}))
    assert third.status_code == 201 and third.json()["action"] == "change"
    listed = app.get("/api/decisions").json()["decisions"]
    assert [(d["reviewer"], d["decision"]) for d in listed] == [("Reviewer B", "not_met")]
    withdrawn = app.delete("/api/decisions/LINCS/GOV-03?reviewer=Reviewer%20C",
                           headers=writing(app.settings, **{"If-Match": listed[0]["version"]}))
    assert withdrawn.status_code == 200
    audit = app.settings.decisions.with_name("decisions.yaml.audit.jsonl").read_text().splitlines()
    assert [json.loads(line)["action"] for line in audit] == ["record", "change", "withdraw"]
    assert load_decisions(app.settings.decisions, catalogue()).decisions == ()


def test_decisions_need_a_decisions_file(site: Site, tmp_path: Path) -> None:
    settings = site.settings(decisions=None, store=tmp_path / "d.sqlite3")
    with client(settings) as c:
        response = c.post("/api/decisions", json=decision(), headers=writing(settings))
    assert response.status_code == 404 and "--decisions" in response.json()["error"]


# --- drafts, save, download ------------------------------------------------------------------

def test_drafts_keep_the_newest_change(app: Any) -> None:
    doc = doc_id(app, "dorset-thriving.yaml")
    for seq, name in ((2, "newer"), (1, "older, arriving late")):
        response = app.put(f"/api/drafts/{doc}", json={"data": {"footprint": {"name": name}}, "seq": seq},
                           headers=writing(app.settings))
        assert response.status_code == 200
    assert app.get(f"/api/drafts/{doc}").json()["data"] == {"footprint": {"name": "newer"}}


def test_save_writes_the_files_own_format_and_refuses_a_file_changed_on_disk(tmp_path: Path) -> None:
    site = make_site(tmp_path / "own", ("dorset-thriving.yaml", "cornwall-workbook.xlsx"))
    settings = site.settings(store=tmp_path / "d.sqlite3", decisions=None)
    with client(settings) as app:
        for name in ("dorset-thriving.yaml", "cornwall-workbook.xlsx"):
            path = site.submissions / name
            source = read_source(path)
            data = json.loads(json.dumps(source.data, default=str))
            data["footprint"]["name"] = "Renamed <b>footprint</b>"
            doc = doc_id(app, name)
            diff = app.post(f"/api/documents/{doc}/diff", json={"data": data}, headers=writing(settings)).json()
            assert [c["field"] for c in diff["changes"]] == ["footprint.name"]
            saved = app.post(f"/api/documents/{doc}/save", json={"data": data, "opened_sha256": source.sha256},
                             headers=writing(settings))
            assert saved.status_code == 200, saved.text
            assert load_submission(path).footprint.name == "Renamed <b>footprint</b>"
            assert path.suffix != ".xlsx" or path.read_bytes()[:2] == b"PK"
            # someone else changes the file: a save based on the old version is refused
            stale = saved.json()["sha256"]
            data["footprint"]["name"] = "Mine"
            other = read_source(path)
            text_changed = app.post(f"/api/documents/{doc}/save", json={"data": data, "opened_sha256": "0" * 64},
                                    headers=writing(settings))
            assert text_changed.status_code == 409 and "changed on disk" in text_changed.json()["error"]
            assert read_source(path).sha256 == other.sha256 == stale  # not written
            forced = app.post(f"/api/documents/{doc}/save",
                              json={"data": data, "opened_sha256": "0" * 64, "force": True}, headers=writing(settings))
            assert forced.status_code == 200
            assert load_submission(path).footprint.name == "Mine"


def test_save_refuses_invalid_data_with_checks_problems(app: Any, site: Site) -> None:
    doc = doc_id(app, "dorset-thriving.yaml")
    before = (site.submissions / "dorset-thriving.yaml").read_bytes()
    opened = read_source(site.submissions / "dorset-thriving.yaml").sha256
    response = app.post(f"/api/documents/{doc}/save", json={"data": {"schema_version": "1.0"}, "opened_sha256": opened},
                        headers=writing(app.settings))
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "footprint"
    assert (site.submissions / "dorset-thriving.yaml").read_bytes() == before


@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx"])
def test_download_in_each_format_reads_back_the_same(app: Any, site: Site, tmp_path: Path, fmt: str) -> None:
    doc = doc_id(app, "lincs-no-leader.yaml")
    response = app.get(f"/documents/{doc}/download?format={fmt}")
    assert response.status_code == 200
    assert f'filename="lincs-no-leader.{fmt}"' in response.headers["content-disposition"]
    (tmp_path / f"back.{fmt}").write_bytes(response.content)
    assert load_submission(tmp_path / f"back.{fmt}") == load_submission(site.submissions / "lincs-no-leader.yaml")


def test_upload_and_new_become_drafts(app: Any) -> None:
    body = (FIXTURES / "cornwall-workbook.xlsx").read_bytes()
    response = app.post("/api/upload?name=cornwall.xlsx", content=body, headers=writing(app.settings))
    assert response.status_code == 201, response.text
    doc = response.json()["id"]
    draft = app.get(f"/api/drafts/{doc}").json()["data"]
    assert draft["footprint"]["code"] == load_submission(FIXTURES / "cornwall-workbook.xlsx").footprint.code
    assert app.get(f"/documents/{doc}").status_code == 200
    new = app.post("/api/new", headers=writing(app.settings))
    assert new.status_code == 201
    assert app.get(f"/api/drafts/{new.json()['id']}").json()["data"]["schema_version"]


def test_gap_report_of_the_current_state(app: Any) -> None:
    doc = doc_id(app, "lincs-no-leader.yaml")
    cli = CliRunner().invoke(main, ["score", str(FIXTURES / "lincs-no-leader.yaml"), "--format", "html"])
    response = app.get(f"/documents/{doc}/report")
    assert response.status_code == 200
    assert "<h1" in response.text and "GOV-01" in response.text
    assert response.text.count("<section") == cli.stdout.count("<section")


def test_submissions_begun_in_the_browser_are_listed_after_a_restart(site: Site, tmp_path: Path) -> None:
    settings = site.settings(store=tmp_path / "drafts.sqlite3", decisions=None)
    with client(settings) as app:
        body = (FIXTURES / "lincs-no-leader.yaml").read_bytes()
        uploaded = app.post("/api/upload?name=mine.yaml", content=body, headers=writing(settings)).json()["id"]
    restarted = site.settings(store=tmp_path / "drafts.sqlite3", decisions=None)
    with client(restarted) as app:
        index = app.get("/").text
    assert f'href="/documents/{uploaded}">LINCS: Lincolnshire</a>' in index


def test_a_batch_folder_without_results_is_refused_at_start(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["serve", "--batch", str(tmp_path / "empty"), "--store",
                                       str(tmp_path / "d.sqlite3")])
    assert result.exit_code == 3
    assert "results.json" in result.output and "Traceback" not in result.output


def test_an_invalid_decisions_file_is_refused_at_start(tmp_path: Path) -> None:
    (tmp_path / "decisions.yaml").write_text("decisions:\n  - submission: LINCS\n    criterion: GOV-03\n")
    result = CliRunner().invoke(main, ["serve", "--decisions", str(tmp_path / "decisions.yaml"), "--store",
                                       str(tmp_path / "d.sqlite3")])
    assert result.exit_code == 3
    assert "decisions.yaml:2" in result.output and "justification" in result.output


def test_a_recovered_draft_still_notices_a_file_changed_since_it_was_begun(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", ("dorset-thriving.yaml",))
    settings = site.settings(store=tmp_path / "d.sqlite3", decisions=None)
    path = site.submissions / "dorset-thriving.yaml"
    with client(settings) as app:
        doc = doc_id(app, "dorset-thriving.yaml")
        began_on = read_source(path).sha256
        data = json.loads(json.dumps(read_source(path).data, default=str))
        data["footprint"]["name"] = "Typed in the browser"
        app.put(f"/api/drafts/{doc}", json={"data": data, "seq": 1, "base_sha256": began_on},
                headers=writing(settings))
        path.write_text(path.read_text().replace("name: Dorset", "name: Dorset, edited on disk", 1))
        page = app.get(f"/documents/{doc}").text
        assert 'id="changed-since-draft"' in page
        opened = json.loads(re.search(r'<script type="application/json" id="doc">(.*?)</script>', page).group(1))
        assert opened["opened_sha256"] == began_on  # the version the draft was begun on, not today's
        refused = app.post(f"/api/documents/{doc}/save", json={"data": data, "opened_sha256": opened["opened_sha256"]},
                           headers=writing(settings))
        assert refused.status_code == 409
        assert load_submission(path).footprint.name == "Dorset, edited on disk"
