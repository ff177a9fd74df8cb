"""The reviewer's desk: a batch's league (from its results.json), each row's gap report, and the
moderated verdict of a submission with the decisions file as it stands now.

A row's submission is found among the served files by the sha256 the batch recorded
(`input_sha256`), so the moderated verdict is scored from the very bytes the batch assessed."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..input.bounded import read_bytes
from .documents import Document, Documents

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..engine.results import Assessment
    from .ledger import Ledger

MAX_RESULTS_BYTES = 1024 * 1024 * 1024
FILTERS = ("rating", "ics_readiness", "stage", "region", "edition", "capped", "moderated")


class Desk:
    """A batch's output folder, read once at start."""

    def __init__(self, batch_dir: Path, documents: Documents, catalogue: "Catalogue",
                 ledger: "Ledger | None") -> None:
        results = batch_dir / "results.json"
        raw = read_bytes(results, MAX_RESULTS_BYTES, "is it a batch's results.json?")
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise InputError(str(results), f"not a batch's results.json ({exc})") from None
        if not isinstance(data, list):
            raise InputError(str(results), "not a batch's results.json (a list of assessments)")
        self.catalogue, self.ledger = catalogue, ledger
        self.results: dict[str, dict[str, Any]] = {a["submission"]["code"]: a for a in data}
        by_sha = documents.by_sha()
        self.files: dict[str, Document] = {code: by_sha[a["input_sha256"]] for code, a in self.results.items()
                                           if a.get("input_sha256") in by_sha}
        self._engine: dict[str, "Assessment"] = {}

    def rows(self) -> list[dict[str, Any]]:
        """The league, best first: one row per submission with what the filters read."""
        decided = {r["submission"] for r in (self.ledger.records() if self.ledger else [])}
        rows = []
        for code, a in self.results.items():
            sub = a["submission"]
            rows.append({"code": code, "name": sub["name"], "region": sub.get("region") or "",
                         "submitted_on": sub["submitted_on"], "edition": a["edition"], "rating": a["rating"],
                         "stage": a["stage"], "ics_readiness": a["ics_readiness"], "score": a["score"],
                         "capped": "yes" if a.get("caps_applied") else "no",
                         "moderated": "yes" if code in decided else "no",
                         "served": code in self.files})
        rows.sort(key=lambda r: (-float(r["score"] or 0), r["code"]))
        return rows

    def engine(self, code: str) -> "Assessment | None":
        """The engine's assessment of a row's submission (None when its file is not served)."""
        if code not in self.files:
            return None
        if code not in self._engine:
            from ..api import assess
            from ..input.load import read_source, validate

            doc = self.files[code]
            assert doc.path is not None
            source = read_source(doc.path)
            edition = self.results[code]["edition"]
            self._engine[code] = assess(validate(source), self.catalogue, edition=edition,
                                        source_sha256=source.sha256, source_file=doc.name)
        return self._engine[code]

    def assessment(self, code: str) -> dict[str, Any]:
        """A row's assessment as data: moderated by the decisions file as it stands now when the
        submission is served, else as the batch recorded it."""
        engine = self.engine(code)
        if engine is None:
            return self.results[code]
        decisions = self.ledger.decision_set() if self.ledger else None
        if decisions is None:
            return engine.to_dict()
        from ..review.moderation import moderate

        return moderate(engine, decisions, self.catalogue, strict=False).to_dict()
