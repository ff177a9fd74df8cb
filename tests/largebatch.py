"""A large batch's dashboard data without scoring thousands of files: the fixtures' real
assessments, repeated under distinct codes (the dashboard reads only the slim records)."""
from __future__ import annotations

from typing import Any

from casekit import FIXTURES, catalogue

import assess
from assess.batch import run as batch
from assess.render import dashboard, report


def entries(n: int) -> list[dict[str, Any]]:
    cat = catalogue()
    base = [batch.slim(assess.assess_file(p, cat).to_dict()) for p in sorted(FIXTURES.glob("*.yaml"))]
    out = []
    for i in range(n):
        a = dict(base[i % len(base)])
        a["submission"] = {**a["submission"], "code": f"X{i:06d}", "name": f"Footprint {i}"}
        a["score"] = round(a["score"] - (i % 97) / 10, 1)
        facts = {"seven_day_coverage_pct": None if i % 5 == 0 else float(i % 100), "seven_day_trajectory_pct": 50.0}
        out.append({"file": f"x{i}.yaml", "stem": f"X{i:06d}", "assessment": a, "facts": facts})
    return out


def page(n: int, errors: int = 0) -> str:
    """index.html for n submissions and `errors` problem rows."""
    cat = catalogue()
    problems = [{"file": f"bad{i}.yaml", "line": 1, "field": None, "message": "not valid YAML"} for i in range(errors)]
    data = dashboard.dashboard(entries(n), problems, domains=[{"id": d.id, "title": d.title} for d in cat.meta.domains],
                               ratings=[b.name for b in cat.scoring.ratings],
                               stages=[b.name for b in cat.scoring.stages],
                               catalogue_version=cat.version)
    return report.render_dashboard(data)
