"""A batch's scored submissions kept on disk, not in memory, so that the batch's memory stays flat
however many files it assesses.

Each worker writes two files per submission into the batch's spool folder: the whole assessment
(`N.json`, canonical JSON: results.json is made of these) and its slim record (`N.slim.json`:
what the dashboard, the medians, the league and the review need). The parent keeps per
submission only a `Scored`: the few values that ranking, duplicate codes and file stems need.
`Entries` and `LeagueRows` read the slim records back one at a time, in as many passes as an
output needs. A review batch also spools each submission's change since its previous one
(`N.since.json`), which its gap report reads.
"""
from __future__ import annotations

from array import array
from typing import Any, Callable, Iterator, Sequence, overload

from . import jsonio

SLIM_SUFFIX = ".slim.json"


class Scored:
    """What the batch holds of one assessed submission (a few hundred bytes)."""

    __slots__ = ("file", "code", "submitted_on", "score", "spool", "stem")

    def __init__(self, file: str, code: str, submitted_on: str, score: float, spool: str) -> None:
        self.file, self.code, self.submitted_on, self.score, self.spool = file, code, submitted_on, score, spool
        self.stem = ""

    def __repr__(self) -> str:
        return f"Scored({self.file!r}, {self.code!r}, {self.submitted_on!r}, {self.score!r})"


def slim_path(spool: str) -> str:
    """The slim record beside an assessment's spool file `N.json`."""
    return spool.removesuffix(".json") + SLIM_SUFFIX


def write_slim(spool: str, assessment: dict[str, Any], facts: dict[str, Any]) -> None:
    """Write a submission's slim record (its slim assessment and the facts the national checks need)."""
    with open(slim_path(spool), "wb") as handle:
        handle.write(jsonio.compact_bytes({"assessment": assessment, "facts": facts}))


def read_slim(spool: str) -> dict[str, Any]:
    with open(slim_path(spool), "rb") as handle:
        record: dict[str, Any] = jsonio.loads(handle.read())
    return record


def change_path(spool: str) -> str:
    """The change since the previous submission (a review batch), beside the assessment's spool file."""
    return spool.removesuffix(".json") + ".since.json"


def write_change(spool: str, change: dict[str, Any]) -> None:
    with open(change_path(spool), "wb") as handle:
        handle.write(jsonio.compact_bytes(change))


def read_change(spool: str) -> dict[str, Any] | None:
    """The change written by `write_change`, or None when the submission has no previous one."""
    try:
        with open(change_path(spool), "rb") as handle:
            change: dict[str, Any] = jsonio.loads(handle.read())
    except FileNotFoundError:
        return None
    return change


class Entries(Sequence[dict[str, Any]]):
    """The batch's entries, in the order given (the batch keeps them by code, then file), each
    read from its slim record when asked for: {file, stem, spool, assessment, facts}. A pass over
    it holds one entry at a time; `save(entry)` writes an entry's changed record back."""

    in_code_order = True  # dashboard: the national checks add up in this order without sorting

    def __init__(self, scored: Sequence[Scored]) -> None:
        self.scored = scored

    def __len__(self) -> int:
        return len(self.scored)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self.entry(s) for s in self.scored[index]]
        return self.entry(self.scored[index])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for s in self.scored:
            yield self.entry(s)

    @staticmethod
    def entry(s: Scored) -> dict[str, Any]:
        """One submission's entry, read from its slim record."""
        record = read_slim(s.spool)
        return {"file": s.file, "stem": s.stem, "spool": s.spool, "assessment": record["assessment"],
                "facts": record["facts"]}

    @staticmethod
    def save(entry: dict[str, Any]) -> None:
        write_slim(entry["spool"], entry["assessment"], entry["facts"])


Row = dict[str, Any]


class LeagueRows(Sequence[Row]):
    """The league, best score first (ties by code, then file), ranked 1, 2, 2, 4…, each row made
    when asked for by `make(entry, rank)` and then passed to each of `marks` (row, entry), which
    add the columns of the review and the notes. Only the order and ranks are held."""

    def __init__(self, entries: Entries, make: Callable[[dict[str, Any], int], Row]) -> None:
        scored = entries.scored
        self.entries, self.make = entries, make
        self.marks: list[Callable[[Row, dict[str, Any]], None]] = []
        order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].code, scored[i].file))
        self.ranks = array("q")
        for position, i in enumerate(order, 1):
            tied = bool(self.ranks) and scored[order[position - 2]].score == scored[i].score
            self.ranks.append(self.ranks[-1] if tied else position)
        self.order = array("q", order)  # 8 bytes a row, where a list of ints takes ~36

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(len(self))[index]]
        return self._row(range(len(self))[index])

    def __iter__(self) -> Iterator[Row]:
        for position in range(len(self)):
            yield self._row(position)

    def _row(self, position: int) -> Row:
        entry = self.entries.entry(self.entries.scored[self.order[position]])
        row = self.make(entry, self.ranks[position])
        for mark in self.marks:
            mark(row, entry)
        return row
