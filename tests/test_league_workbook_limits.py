"""league.xlsx beyond Excel's limits, tested on a small batch with the limits lowered: the rows a
sheet holds (1,048,575 below the header) and the hyperlinks it holds (65,530). A sheet past the
links limit carries no links and says so; Domain scores and Unmet criteria past the rows limit
change form; League and Criteria keep the first rows; the About sheet states every change."""
from __future__ import annotations

import io
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from casekit import FIXTURES

from assess import load_catalogue
from assess.batch.run import run_batch
from assess.render import league_workbook


def _batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, rows: int, links: int) -> openpyxl.Workbook:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    monkeypatch.setattr(league_workbook, "MAX_ROWS", rows)
    monkeypatch.setattr(league_workbook, "MAX_LINKS", links)
    run_batch(folder, tmp_path / "out", catalogue=load_catalogue())
    return openpyxl.load_workbook(tmp_path / "out" / "league.xlsx")


def _about(book: openpyxl.Workbook) -> dict[str, Any]:
    return {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r and r[0]}


def _links(ws: Any) -> int:
    return sum(cell.hyperlink is not None for row in ws.iter_rows() for cell in row)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The same batch within the limits, to compare with."""
    with pytest.MonkeyPatch.context() as patch:
        return _batch(tmp_path_factory.mktemp("full"), patch, rows=league_workbook.MAX_ROWS,
                      links=league_workbook.MAX_LINKS)


def test_past_the_links_limit_a_sheet_has_no_links_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                full: openpyxl.Workbook) -> None:
    count = len(list(FIXTURES.glob("*.yaml")))
    book = _batch(tmp_path, monkeypatch, rows=league_workbook.MAX_ROWS, links=count)
    about = _about(book)
    assert _links(book["League"]) == _links(book["Criteria"]) == count  # one row each: within the limit
    assert "each name links to its gap report" in about["League"]
    for title in ("Domain scores", "Unmet criteria"):
        assert _links(book[title]) == 0 and _links(full[title]) > count
        assert f"more than Excel's {count:,} links per sheet" in about[title]
        assert about[title].startswith("One row per")
        # the rows themselves are all there
        assert [[c.value for c in r] for r in book[title].iter_rows()] == \
               [[c.value for c in r] for r in full[title].iter_rows()]


def test_past_the_rows_limit_domain_scores_and_unmet_criteria_are_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: openpyxl.Workbook) -> None:
    book = _batch(tmp_path, monkeypatch, rows=40, links=5)
    about = _about(book)
    assert book.sheetnames == full.sheetnames

    domain_rows = list(full["Domain scores"].iter_rows(values_only=True))[1:]
    counted = list(book["Domain scores"].iter_rows(values_only=True))
    assert counted[0] == ("Domain", "Stage", "Submissions")
    assert sorted(counted[1:]) == sorted(
        (d, s, sum(1 for r in domain_rows if (r[2], r[4]) == (d, s))) for d, s in {(r[2], r[4]) for r in domain_rows})
    assert f"{len(domain_rows):,} rows, more than 40" in about["Domain scores"]

    unmet = list(full["Unmet criteria"].iter_rows(values_only=True))[1:]
    rows = list(book["Unmet criteria"].iter_rows(values_only=True))
    assert rows[0] == ("Criterion", "Rule", "Domain", "Severity", "Submissions not meeting it")
    counts = [r for r in rows[1:] if r and r[0] and r[4] is not None]
    assert sorted((r[0], r[4]) for r in counts) == sorted(
        (cid, sum(1 for u in unmet if u[2] == cid)) for cid in {u[2] for u in unmet})
    assert [r[4] for r in counts] == sorted((r[4] for r in counts), reverse=True)
    note = rows[-1][0]
    assert f"{len(unmet):,} unmet criteria in all" in note and "gap report" in note and "results.json" in note
    assert about["Unmet criteria"] == note
    ws = book["Unmet criteria"]
    assert ws.auto_filter.ref == f"A1:E{len(counts) + 1}"  # the note is not among the filtered rows

    # League and Criteria: one row per submission, here more than 5 links: kept in full, unlinked
    assert _links(book["League"]) == 0 and "not linked" in about["League"]
    assert [[c.value for c in r] for r in book["League"].iter_rows()] == \
           [[c.value for c in r] for r in full["League"].iter_rows()]


def test_past_the_rows_limit_league_and_criteria_keep_the_first_rows_and_say_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: openpyxl.Workbook) -> None:
    count = len(list(FIXTURES.glob("*.yaml")))
    book = _batch(tmp_path, monkeypatch, rows=4, links=league_workbook.MAX_LINKS)
    about = _about(book)
    for title in ("League", "Criteria"):
        rows = [[c.value for c in r] for r in book[title].iter_rows()]
        assert rows == [[c.value for c in r] for r in full[title].iter_rows()][:5]
        assert f"only the first 4 of {count} submissions fit" in about[title] and "league.csv" in about[title]
    notes = [r[0] for r in book["About"].iter_rows(values_only=True) if r and r[0]]
    assert any(str(n).startswith(f"only the first 0 of {count} files fit") for n in notes)


def test_the_large_form_is_the_same_bytes_on_one_or_two_processes(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    books = []
    for jobs in (1, 2):
        folder = tmp_path / f"in{jobs}"
        folder.mkdir()
        for path in sorted(FIXTURES.glob("*.yaml")):
            shutil.copy(path, folder / path.name)
        monkeypatch.setattr(league_workbook, "MAX_ROWS", 40)
        monkeypatch.setattr(league_workbook, "MAX_LINKS", 5)
        run_batch(folder, tmp_path / f"out{jobs}", catalogue=load_catalogue(), jobs=jobs)
        books.append((tmp_path / f"out{jobs}" / "league.xlsx").read_bytes())
    assert books[0] == books[1]


class _Passes(Sequence[dict[str, Any]]):
    """Entries as a sequence that is not a list, counting the passes made over it."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self._items, self.passes = items, 0

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.passes += 1
        return iter(self._items)


def test_entries_are_read_in_a_few_passes_from_any_sequence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer reads the batch's entries in passes (a census, then one per sheet that needs
    them), so that they may come from disk one at a time; the bytes are those of a list."""
    real = league_workbook.save_league_xlsx
    seen: dict[str, Any] = {}

    def save(path: Path, rows: Any, domains: Any, *, stamp: str, **options: Any) -> None:
        real(path, rows, domains, stamp=stamp, **options)
        lazy = _Passes(list(options.pop("entries")))
        other = io.BytesIO()
        league_workbook.write_league_xlsx(other, rows, domains, stamp=stamp, entries=lazy, **options)
        seen.update(passes=lazy.passes, bytes=other.getvalue(), path=path)

    monkeypatch.setattr(league_workbook, "save_league_xlsx", save)
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    run_batch(folder, tmp_path / "out", catalogue=load_catalogue())
    assert seen["bytes"] == (tmp_path / "out" / "league.xlsx").read_bytes()
    assert seen["passes"] == 5  # census, Domain scores, Criteria, Unmet criteria, About
