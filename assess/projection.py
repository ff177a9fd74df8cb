"""Project a submission onto the flat fact the engine is given: only the values rules read.

The engine is fed this projection, never the whole submission (prose and evidence lists would cost
on every rule firing). Dates become day numbers so they compare as numbers, empty lists and missing
values are left out (the grammar treats both as "not given"), counts of matching list items and
trajectory values for the submission's date are derived here.
"""
from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, Callable

from .catalogue import Catalogue
from .conditions import holds
from .fields import fields_of
from .submission import Submission


def _plain(value: Any) -> Any:
    """A value as the engine and the Python walk both see it."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, (list, tuple)):
        return list(value) if value else None
    return value


class Projector:
    """Builds, once per catalogue, the getters that turn a Submission into a projected fact."""

    def __init__(self, catalogue: Catalogue) -> None:
        needs = catalogue.needs
        specs = fields_of()
        self._fields: list[tuple[str, Callable[[Any], Any], bool]] = []
        for path, key in needs.fields.items():
            records = specs[path].kind == "records"
            self._fields.append((key, attrgetter(path), records))
        self._trajectories = [(key, name) for name, key in needs.trajectories.items()]
        self._catalogue = catalogue
        by_list: dict[str, list[tuple[str, Any]]] = {}
        for (list_path, _sig), (key, where) in needs.counts.items():
            by_list.setdefault(list_path, []).append((key, where))
        self._counts = [
            (attrgetter(list_path), sorted(needs.item_fields.get(list_path, ())),
             sorted(needs.item_refs.get(list_path, ())), counts)
            for list_path, counts in by_list.items()
        ]

    def project(self, submission: Submission) -> dict[str, Any]:
        """The flat fact for one submission (keys are the catalogue's short value keys)."""
        fact: dict[str, Any] = {}
        for key, get, records in self._fields:
            value = get(submission)
            value = (len(value) or None) if records else _plain(value)
            if value is not None:
                fact[key] = value
        if self._trajectories:
            day = submission.footprint.submitted_on
            for key, name in self._trajectories:
                value = self._catalogue.trajectory_value(name, day)
                if value is not None:
                    fact[key] = value
        for get_list, item_fields, refs, counts in self._counts:
            items = get_list(submission)
            if not items:
                for key, _ in counts:
                    fact[key] = 0
                continue
            shared = {ref: fact[ref] for ref in refs if ref in fact}
            rows = []
            for item in items:
                row = dict(shared)
                for name in item_fields:
                    value = _plain(getattr(item, name))
                    if value is not None:
                        row[name] = value
                rows.append(row)
            for key, where in counts:
                fact[key] = len(rows) if where is None else sum(1 for row in rows if holds(where, row))
        return fact
