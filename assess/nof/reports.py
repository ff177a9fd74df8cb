"""The reports `assess nof --out` writes: a page per trust and quarter, a dashboard and a league
workbook per quarter, a landing page, results.json, the agreement table and the problems met.

Layout of the output folder:
  index.html                 the quarters, the agreement with NHS England's results, the files
  results.json               the same records as `--format json`
  agreement.md               agreement per quarter and step
  problems.csv               every row of the input that could not be used as it stands
  <quarter>/index.html       the quarter's dashboard: segments, league, domain scores
  <quarter>/league.xlsx      the quarter's league table (typed cells, frozen header, filters)
  <quarter>/trusts/CODE.html a trust's report: scores beside peers, why its segment, the path to a
                             better one, and its change from the previous quarter
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ..common.files import write_atomic
from ..common.version import __version__
from ..render.report import environment
from . import verify
from .edition import Edition
from .method import TrustResult, round2
from .output import to_json
from .path import PeerStats, path_to_better
from .reader import PublishedData, quarter_key

SEGMENT_WORDS = {1: "highest performing", 2: "above average", 3: "below average", 4: "lowest performing",
                 5: "Recovery Support Programme"}


def quarter_slug(quarter: str) -> str:
    """'Q1 2025/26' -> 'q1-2025-26' (a folder name)."""
    return re.sub(r"[^a-z0-9]+", "-", quarter.lower()).strip("-") or "quarter"


def code_stem(code: str) -> str:
    """A trust code as a file name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", code) or "trust"


def _fmt(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def trust_context(r: TrustResult, peers: dict[tuple[str, str, str], PeerStats], everyone: list[TrustResult],
                  edition: Edition, previous: TrustResult | None) -> dict[str, Any]:
    """Everything a trust's page shows, as plain values."""
    t = r.trust
    ed = edition.data
    path = path_to_better(r, peers, everyone)
    peers_of_type = [p for p in everyone if p.trust.quarter == t.quarter and p.trust.trust_type == t.trust_type]
    metrics = []
    domain_name = {d.id: d.name for d in ed.domains}
    for m in ed.metrics:
        score = r.scores.get(m.id) if m.in_average else t.value(m.id)
        if score is None and t.value(m.id) is None:
            continue
        raw = t.rows.get(m.value_id) if m.value_id else None
        stats = peers.get((t.quarter, t.trust_type, m.id))
        metrics.append({
            "id": m.id, "name": m.name, "domain": domain_name[m.domain], "in_average": m.in_average,
            "score": score, "combines": m.combines,
            "peer": stats, "value": raw.value if raw else None, "units": raw.units if raw else "",
            "reporting_date": raw.reporting_date if raw else (t.rows[m.id].reporting_date if m.id in t.rows else ""),
            "value_median": raw.median if raw else None, "value_lq": raw.lower_quartile if raw else None,
            "value_uq": raw.upper_quartile if raw else None, "rank": raw.rank if raw else None,
            "better_than_median": stats is not None and score is not None and score < stats.median,
            "worse_than_median": stats is not None and score is not None and score > stats.median,
        })
    for metric_id, score in sorted(r.scores.items()):  # scored metrics the edition does not list
        if metric_id not in edition.metrics:
            metrics.append({"id": metric_id, "name": t.rows[metric_id].description, "domain": "(not in the edition)",
                            "in_average": True, "score": score, "combines": [], "peer": peers.get(
                                (t.quarter, t.trust_type, metric_id)), "value": None, "units": "",
                            "reporting_date": t.rows[metric_id].reporting_date, "value_median": None,
                            "value_lq": None, "value_uq": None, "rank": None, "better_than_median": False,
                            "worse_than_median": False})
    domains = [{"name": d.name, "score": r.domain_scores.get(d.id), "published": t.value(d.score_id),
                "published_segment": t.value(d.segment_id)} for d in ed.domains]
    change = None
    if previous is not None:
        moved: list[dict[str, Any]] = []
        for metric_id, score in sorted(r.scores.items()):
            before = previous.scores.get(metric_id)
            if before is not None and abs(score - before) >= 0.005:
                name = edition.metrics[metric_id].name if metric_id in edition.metrics else metric_id
                moved.append({"id": metric_id, "name": name, "before": before, "after": score,
                              "delta": score - before})
        moved.sort(key=lambda m: (-abs(m["delta"]), m["id"]))
        change = {"quarter": previous.trust.quarter, "average": previous.average, "segment": previous.segment,
                  "final_segment": previous.final_segment, "rank": previous.rank, "metrics": moved,
                  "average_delta": r.average - previous.average,
                  "new": sorted(set(r.scores) - set(previous.scores)),
                  "gone": sorted(set(previous.scores) - set(r.scores))}
    rules = [{"id": rid, "title": edition.rules[rid].title, "assumption": edition.rules[rid].assumption,
              "note": edition.rules[rid].assumption_note} for rid in r.fired]
    improvements = [{"id": i.metric, "current": i.current, "target": i.target, "kind": i.target_kind,
                     "name": edition.metrics[i.metric].name if i.metric in edition.metrics else i.metric}
                    for i in path.improvements]
    return {"r": r, "t": t, "metrics": metrics, "domains": domains, "path": path, "improvements": improvements,
            "change": change, "rules": rules, "peer_count": len(peers_of_type), "cuts": r.cutpoints,
            "segment_words": SEGMENT_WORDS, "average_2dp": round2(r.average),
            "published_average": t.value(ed.published.average)}


def league_rows(results: list[TrustResult], edition: Edition, peers: dict[tuple[str, str, str], PeerStats]
                ) -> list[dict[str, Any]]:
    """The quarter's league rows in rank order, each with its path to a better segment."""
    rows = []
    for r in sorted(results, key=lambda r: (r.trust.trust_type, r.rank or 0, r.trust.trust_code)):
        path = path_to_better(r, peers, results)
        rows.append({"r": r, "t": r.trust, "stem": code_stem(r.trust.trust_code), "path": path,
                     "domains": [r.domain_scores.get(d.id) for d in edition.data.domains]})
    return rows


def league_xlsx(rows: list[dict[str, Any]], edition: Edition, quarter: str, cut_text: str) -> bytes:
    """The quarter's league table for reviewers: typed cells, a frozen header row and filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font


    wb = Workbook()
    ws = wb.active
    ws.title = "League"
    domains = [d.name for d in edition.data.domains]
    headings = (["Rank", "Trust code", "Trust name", "Trust type", "Subtype", "Region", "Average score",
                 "Average (ranked on)", "Segment (average)", "In financial deficit", "Segment (adjusted)",
                 "Final segment", "Recovery Support Programme"] + [f"{d} score" for d in domains]
                + ["Next better segment", "Metrics to improve", "Average it would reach", "Path"])
    ws.append(headings)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        r, t, path = row["r"], row["t"], row["path"]
        ws.append([r.rank, t.trust_code, t.trust_name, t.trust_type, t.trust_subtype, t.region, round2(r.average),
                   r.rank_average, r.segment_unadjusted, r.in_deficit, r.segment, r.final_segment, r.recovery_support]
                  + [None if s is None else round2(s) for s in row["domains"]]
                  + [path.target_segment, len(path.improvements) if path.reachable else None,
                     None if path.average_after is None or not path.reachable else round(path.average_after, 3),
                     path.note])
    two_places = {7, 8, *range(14, 14 + len(domains))}
    three_places = 14 + len(domains) + 2
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if cell.data_type == "f":  # published text such as "=..." stays text
                cell.data_type = "s"
            if cell.column in two_places:
                cell.number_format = "0.00"
            elif cell.column == three_places:
                cell.number_format = "0.000"
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = ws.dimensions
    for index, heading in enumerate(headings, 1):
        letter = ws.cell(row=1, column=index).column_letter
        longest = max([len(heading)] + [len(str(ws.cell(row=i, column=index).value or ""))
                                        for i in range(2, min(ws.max_row, 80) + 1)])
        ws.column_dimensions[letter].width = min(max(9, longest + 2), 60)
    about = wb.create_sheet("About")
    for line in (["Quarter", quarter], ["Method", edition.data.title], ["Cut-points", cut_text],
                 ["Data", "NHS England, published Oversight Framework data"],
                 ["Licence", edition.data.licence_note],
                 ["Rank", "Within trust type: by adjusted segment, then the published 2-decimal average; "
                          "ties share the lowest rank"]):
        about.append(line)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalise_zip(buffer.getvalue(), "2000-01-01")


def problems_csv(data: PublishedData) -> str:
    """problems.csv: file, line, problem; a header alone when every row was used."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "line", "problem"])
    for p in data.problems:
        writer.writerow([p.file, p.line or "", p.message])
    return buffer.getvalue()


def write_reports(out_dir: Path, data: PublishedData, results: list[TrustResult],
                  peers: dict[tuple[str, str, str], PeerStats], edition: Edition,
                  earlier: list[TrustResult] | None = None) -> int:
    """Write every file of the output folder (each atomically); the number written.

    `earlier`: the results of the quarter before the first one reported (when only some quarters
    are reported), so that their trust pages still show the change from it."""
    env = environment()
    common = {"version": __version__, "edition": edition.data, "source_file": Path(data.file).name,
              "source_sha256": data.sha256, "fmt": _fmt}
    written = 0

    def put(path: Path, content: str | bytes) -> None:
        nonlocal written
        write_atomic(path, content)
        written += 1

    quarters = sorted({r.trust.quarter for r in results}, key=quarter_key)
    by_key = {(r.trust.trust_code, r.trust.trust_type, r.trust.quarter): r for r in (earlier or []) + results}
    before = sorted({r.trust.quarter for r in earlier or []}, key=quarter_key)
    table = verify.agreement(results, edition)
    trust_page = env.get_template("nof_trust.html.j2")
    quarter_page = env.get_template("nof_dashboard.html.j2")
    for index, quarter in enumerate(quarters):
        in_quarter = [r for r in results if r.trust.quarter == quarter]
        previous_quarter = quarters[index - 1] if index else (before[-1] if before else None)
        for r in in_quarter:
            previous = (by_key.get((r.trust.trust_code, r.trust.trust_type, previous_quarter))
                        if previous_quarter else None)
            context = trust_context(r, peers, results, edition, previous)
            put(out_dir / quarter_slug(quarter) / "trusts" / f"{code_stem(r.trust.trust_code)}.html",
                trust_page.render(**common, **context, stem=code_stem(r.trust.trust_code),
                                  previous_slug=quarter_slug(previous_quarter) if index and previous_quarter else None))
        rows = league_rows(in_quarter, edition, peers)
        cuts = in_quarter[0].cutpoints
        cut_text = (f"{', '.join(f'{c:g}' for c in cuts.cuts)} ({cuts.provenance})" if cuts else "none")
        segments = [{"segment": s, "words": SEGMENT_WORDS[s],
                     "count": sum(1 for r in in_quarter if r.final_segment == s)} for s in (1, 2, 3, 4, 5)]
        put(out_dir / quarter_slug(quarter) / "index.html", quarter_page.render(
            **common, quarter=quarter, rows=rows, segments=segments, count=len(in_quarter), cuts=cuts,
            domains=edition.data.domains, agreement=table.get(quarter), steps=verify.STEPS,
            deficit=sum(1 for r in in_quarter if r.in_deficit),
            held=sum(1 for r in in_quarter if r.segment > r.segment_unadjusted),
            quarters=[(q, quarter_slug(q)) for q in quarters]))
        put(out_dir / quarter_slug(quarter) / "league.xlsx", league_xlsx(rows, edition, quarter, cut_text))
    put(out_dir / "index.html", env.get_template("nof_index.html.j2").render(
        **common, quarters=[(q, quarter_slug(q), sum(1 for r in results if r.trust.quarter == q)) for q in quarters],
        table=table, steps=verify.STEPS, problems=data.problems, layout=data.layout))
    put(out_dir / "results.json", to_json(results, edition, peers))
    put(out_dir / "agreement.md", "# Agreement with NHS England's published results\n\n"
        "Agreeing trust-quarters / trust-quarters with a published figure, per quarter and step.\n\n"
        + verify.markdown(table))
    put(out_dir / "problems.csv", problems_csv(data))
    return written


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _normalise_zip(data: bytes, stamp: str) -> bytes:
    """The same workbook with fixed member times and a fixed created/modified date."""
    when = f"{stamp}T00:00:00Z".encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_TIMES.sub(lambda m: m.group(1) + when + m.group(3), payload)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, payload)
    return out.getvalue()
