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
from typing import Any, Callable, Generic, Iterator, Sequence, TypeVar, overload

from ..common import jsonio

SLIM_SUFFIX = ".slim.json"
T = TypeVar("T")


class Lazy(Sequence[T], Generic[T]):
    """`make(item)` for each of `items`, made when asked for and never kept: a pass over it holds
    one at a time (a batch's tasks, entries and league rows)."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], T]) -> None:
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])

    def __iter__(self) -> Iterator[T]:
        for item in self.items:
            yield self.make(item)


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


def _write(path: str, data: Any) -> None:
    with open(path, "wb") as handle:
        handle.write(jsonio.compact_bytes(data))


def _read(path: str) -> Any:
    with open(path, "rb") as handle:
        return jsonio.loads(handle.read())


def write_slim(spool: str, assessment: dict[str, Any], facts: dict[str, Any]) -> None:
    """Write a submission's slim record (its slim assessment and the facts the national checks need)."""
    _write(slim_path(spool), {"assessment": assessment, "facts": facts})


def read_slim(spool: str) -> dict[str, Any]:
    """The slim record spooled beside an assessment (read back by the batch's streamed passes)."""
    record: dict[str, Any] = _read(slim_path(spool))
    return record


def change_path(spool: str) -> str:
    """The change since the previous submission (a review batch), beside the assessment's spool file."""
    return spool.removesuffix(".json") + ".since.json"


def write_change(spool: str, change: dict[str, Any]) -> None:
    """Spool a submission's change since its previous one, beside its assessment."""
    _write(change_path(spool), change)


def read_change(spool: str) -> dict[str, Any] | None:
    """The change written by `write_change`, or None when the submission has no previous one."""
    try:
        change: dict[str, Any] = _read(change_path(spool))
    except FileNotFoundError:
        return None
    return change


class Entries(Lazy[dict[str, Any]]):
    """The batch's entries, in the order given (the batch keeps them by code, then file), each
    read from its slim record when asked for: {file, stem, spool, assessment, facts}. A pass over
    it holds one entry at a time; `save(entry)` writes an entry's changed record back."""

    in_code_order = True  # dashboard: the national checks add up in this order without sorting

    def __init__(self, scored: Sequence[Scored]) -> None:
        super().__init__(scored, self.entry)
        self.scored = scored

    @staticmethod
    def entry(s: Scored) -> dict[str, Any]:
        """One submission's entry, read from its slim record."""
        record = read_slim(s.spool)
        return {"file": s.file, "stem": s.stem, "spool": s.spool, "assessment": record["assessment"],
                "facts": record["facts"]}

    @staticmethod
    def save(entry: dict[str, Any]) -> None:
        """Spool the entry's slim record beside its assessment."""
        write_slim(entry["spool"], entry["assessment"], entry["facts"])


Row = dict[str, Any]


class LeagueRows(Lazy[Row]):
    """The league, best score first (ties by code, then file), ranked 1, 2, 2, 4…, each row made
    when asked for by `make(entry, rank)` and then passed to each of `marks` (row, entry), which
    add the columns of the review and the notes. Only the order and ranks are held."""

    def __init__(self, entries: Entries, make: Callable[[dict[str, Any], int], Row]) -> None:
        scored = entries.scored
        self.entries, self.make_row = entries, make
        self.marks: list[Callable[[Row, dict[str, Any]], None]] = []
        order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].code, scored[i].file))
        self.ranks = array("q")
        for position, i in enumerate(order, 1):
            tied = bool(self.ranks) and scored[order[position - 2]].score == scored[i].score
            self.ranks.append(self.ranks[-1] if tied else position)
        self.order = array("q", order)  # 8 bytes a row, where a list of ints takes ~36
        super().__init__(range(len(order)), self._row)

    def _row(self, position: int) -> Row:
        entry = self.entries.entry(self.entries.scored[self.order[position]])
        row = self.make_row(entry, self.ranks[position])
        for mark in self.marks:
            mark(row, entry)
        return row
