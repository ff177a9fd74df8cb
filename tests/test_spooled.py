"""The batch's tail in streamed passes over slim records on disk (assess.spooled): the same
league, medians, dashboard and league.csv as from the records held in memory."""
from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import largebatch
import pytest
from casekit import catalogue

from assess.batch import spooled
from assess.batch.run import slim
from assess.common import jsonio
from assess.common.textsafe import visible
from assess.render import dashboard, tables


def spool(entries: list[dict[str, Any]], folder: Path) -> spooled.Entries:
    """The entries as a batch keeps them: a Scored each, its slim record on disk."""
    kept = []
    for i, e in enumerate(entries):
        path = str(folder / f"{i}.json")
        spooled.write_slim(path, e["assessment"], e["facts"])
        a = e["assessment"]
        record = spooled.Scored(e["file"], a["submission"]["code"], a["submission"]["submitted_on"], a["score"], path)
        record.stem = e["stem"]
        kept.append(record)
    return spooled.Entries(kept)


def arguments() -> dict[str, Any]:
    cat = catalogue()
    return {"domains": [{"id": d.id, "title": d.title} for d in cat.meta.domains],
            "ratings": [b.name for b in cat.scoring.ratings], "stages": [b.name for b in cat.scoring.stages]}


def test_entries_read_back_what_was_spooled_and_hold_none_of_it(tmp_path: Path) -> None:
    held = largebatch.entries(12)
    entries = spool(held, tmp_path)
    assert len(entries) == 12 and list(entries) == [{**e, "spool": str(tmp_path / f"{i}.json")}
                                                    for i, e in enumerate(held)]
    assert entries[3]["file"] == "x3.yaml" and [e["stem"] for e in entries[-2:]] == ["X000010", "X000011"]
    assert not hasattr(entries.scored[0], "__dict__"), "a Scored is slotted: a few values, no dict"
    changed = entries[5]
    changed["assessment"]["since_previous"] = {"score_change": 1.5}
    entries.save(changed)
    assert entries[5]["assessment"]["since_previous"] == {"score_change": 1.5}


@pytest.mark.parametrize("n", [1, 7, 40])
def test_the_lazy_league_is_the_league_row_for_row(tmp_path: Path, n: int) -> None:
    held = largebatch.entries(n)
    held[-1]["assessment"]["score"] = held[0]["assessment"]["score"]  # a tie across the batch
    args = arguments()
    expected = dashboard.league(held, **args)
    rows = spooled.LeagueRows(spool(held, tmp_path), dashboard.league_row_maker(**args))
    assert len(rows) == n and list(rows) == expected
    assert rows[:3] == expected[:3] and rows[-1] == expected[-1] and rows[1:n:2] == expected[1:n:2]
    assert len({r["rank"] for r in rows}) < n or n == 1, "ties share a rank"
    rows.marks.append(lambda row, entry: row.update(seen=entry["file"]))
    assert [r["seen"] for r in rows] == [r["file"] for r in expected], "marks see each row's own entry"


def test_streamed_medians_equal_the_medians_of_all_scores(tmp_path: Path) -> None:
    held = largebatch.entries(60)
    for i, e in enumerate(held):  # every size band, and some domains without a score
        e["assessment"]["submission"]["population"] = (200_000, 900_000, 2_000_000)[i % 3]
        if i % 4 == 0:
            e["assessment"]["domains"][0]["score"] = None
    got = dashboard.peer_medians(spool(held, tmp_path))
    for band in [None, *dashboard.SIZE_BANDS]:
        members = [e["assessment"] for e in held
                   if band is None or band.holds(e["assessment"]["submission"]["population"])]
        scores: dict[str, list[float]] = {}
        for a in members:
            for d in a["domains"]:
                if d["score"] is not None:
                    scores.setdefault(d["domain"], []).append(d["score"])
            scores.setdefault("overall", []).append(a["score"])
        group = got["batch"] if band is None else got["bands"][band.id]
        assert group == {k: {"median": round(statistics.median(v), 1), "n": len(v)} for k, v in scores.items()}
    assert got["size"] == 60 and sum(got["band_sizes"].values()) == 60


@pytest.mark.parametrize("n", [30, dashboard.LARGE_BATCH + 20])
def test_the_dashboard_from_disk_equals_the_dashboard_from_memory(tmp_path: Path, n: int) -> None:
    held = largebatch.entries(n)
    args = arguments()
    problems = [{"file": "bad.yaml", "line": 1, "field": None, "message": "not valid YAML"}]
    expected = dashboard.dashboard(held, problems, catalogue_version="v", **args)
    entries = spool(held, tmp_path)
    got = dashboard.dashboard(entries, problems, catalogue_version="v", **args,
                              rows=spooled.LeagueRows(entries, dashboard.league_row_maker(**args)),
                              medians=dashboard.peer_medians(entries))
    assert list(got.pop("league")) == expected.pop("league")
    assert got == expected
    assert got["large"] is (n > dashboard.LARGE_BATCH)


def pandas_league_csv(rows: list[dict[str, Any]], domains: list[dict[str, str]],
                      extra: list[tuple[str, str]]) -> str:
    """league.csv as it was written before it was streamed: through a pandas DataFrame."""
    pd = pytest.importorskip("pandas")
    columns = [key for key, _ in tables.league_columns(domains, extra)]
    records = [{k: tables.defuse(visible(v) if isinstance(v, str) else v) for k, v in r.items()}
               for r in tables.league_records(rows, domains, extra)]
    frame = pd.DataFrame(records, columns=columns)
    return tables.BOM + str(frame.to_csv(index=False, lineterminator="\n", float_format="%.1f"))


HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tlead", "\rcarriage", "a,b", 'say "hi"',
           "line\nbreak", "Ünïcødé – ‘quotes’ 🏥", "right\u202eleft", "nul\x00byte", "", " padded "]
FLOATS = [1.25, 0.05, 2.0, -0.0, 99.95, 1e-7, 123456.789, math.nan, math.inf]


def hostile_rows() -> tuple[list[dict[str, Any]], list[dict[str, str]], list[tuple[str, str]]]:
    domains = [{"id": "plan", "title": "Plan"}, {"id": "care", "title": "Care"}]
    extra = [("engine_score", "Engine score"), ("note", "Note"), ("late_float", "Late float"),
             ("flag", "Flag"), ("empty", "Empty"), ("mixed", "Mixed")]
    rows = []
    for i in range(40):
        rows.append({
            "rank": i + 1, "code": HOSTILE[i % len(HOSTILE)], "name": HOSTILE[(i + 3) % len(HOSTILE)],
            "region": None if i % 5 == 0 else "North – East", "population": 300_000 + i,
            "submitted_on": "2017-06-30", "edition": "2017-partnership", "illustrative": i % 2 == 0,
            "rating": "Good", "stage": "Emerging", "ics_readiness": "aspirant",
            "score": FLOATS[i % len(FLOATS)], "domains": {"plan": None if i % 3 else 12.25, "care": float(i)},
            "unmet_blocking": i % 4, "file": f"{HOSTILE[i % len(HOSTILE)]}.yaml", "stem": f"S{i}",
            "engine_score": FLOATS[(i + 1) % len(FLOATS)], "note": None if i % 2 else HOSTILE[i % len(HOSTILE)],
            "late_float": 3 if i < 30 else 3.5,  # whole numbers, until a decimal arrives late
            "flag": None if i == 39 else True,  # booleans, then a blank
            "empty": None, "mixed": 7 if i < 20 else "seven",  # numbers, then text
        })
    return rows, domains, extra


def test_league_csv_is_the_bytes_pandas_wrote_on_hostile_values(tmp_path: Path) -> None:
    rows, domains, extra = hostile_rows()
    expected = pandas_league_csv(rows, domains, extra)
    assert tables.league_csv(rows, domains, extra) == expected
    tables.write_league_csv(tmp_path / "league.csv", rows, domains, extra)
    assert (tmp_path / "league.csv").read_bytes() == expected.encode("utf-8")
    assert "'=HYPERLINK(" in expected and ",'+1," in expected and ",inf," in expected  # the case is hostile


@pytest.mark.parametrize("column", [
    [1, 2, 3], [1, None, 3], [None, 1.25, 2.45], [True, False], [True, None], ["a", 1.25, None],
    ["a", 3], [None, None], [True, 2], [1, True, None], [math.nan, 1.0], [math.inf, -1.0], [3, 3, 3.5],
    [2**63, 1], [7, "7"], [0.15, 0.25, 0.35],
])
def test_each_kind_of_column_is_written_as_pandas_wrote_it(tmp_path: Path, column: list[Any]) -> None:
    rows = [{"rank": 1, "domains": {}, "stem": f"s{i}", "value": v} for i, v in enumerate(column)]
    extra = [("value", "Value")]
    expected = pandas_league_csv(rows, [], extra)
    assert tables.league_csv(rows, [], extra) == expected
    tables.write_league_csv(tmp_path / "league.csv", rows, [], extra)
    assert (tmp_path / "league.csv").read_bytes() == expected.encode("utf-8")


def test_a_league_with_no_rows_is_its_header(tmp_path: Path) -> None:
    domains = [{"id": "plan", "title": "Plan"}]
    assert tables.league_csv([], domains) == pandas_league_csv([], domains, [])


def test_slim_records_read_back_equal_even_where_orjson_cannot_write_them(tmp_path: Path) -> None:
    awkward = {"nan": math.nan, "big": 2**70, "text": "x" * 3 + "\u2028", "tiny": 1e-7, "nested": [{"a": None}]}
    data = jsonio.loads(jsonio.compact_bytes(awkward))
    assert math.isnan(data.pop("nan")) and data == {k: v for k, v in awkward.items() if k != "nan"}
    assert jsonio.loads(b'{"id": 12345678901234567890123}') == {"id": 12345678901234567890123}
    assert jsonio.loads(b'{"id": "1234567890123456789"}') == {"id": "1234567890123456789"}
    full = {"criteria": [{"id": "GOV-01", "status": "met", "title": "t", "domain": "d", "severity": "high",
                          "explanation": ["long"]}], "domains": [], "score": 1.0}
    assert slim(full)["criteria"] == [{"id": "GOV-01", "title": "t", "domain": "d", "severity": "high",
                                       "status": "met"}]
