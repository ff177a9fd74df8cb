"""Random submissions aimed at the catalogue's thresholds, for engine-vs-walk agreement tests.

Values are drawn at, just below and just above every operand the catalogue compares with, plus
missing values and empty lists, so that every branch of every rule is exercised.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from assess.catalogue.conditions import Leaf, leaves
from assess.catalogue.model import Catalogue
from assess.input.fields import FieldSpec, fields_of
from assess.input.submission import FIRST_SUBMISSION, LAST_SUBMISSION, Submission


def _operands(catalogue: Catalogue) -> dict[str, list[Any]]:
    """Operand values per field path (root and 'list[].item' paths)."""
    found: dict[str, list[Any]] = defaultdict(list)

    def visit(leaf: Leaf, prefix: str = "") -> None:
        values = leaf.expected if isinstance(leaf.expected, list) else [leaf.expected]
        found[prefix + leaf.label].extend(v for v in values if v is not None)
        where = getattr(leaf, "where", None)
        for inner in leaves(where):
            visit(inner, f"{leaf.list_path}[].")

    for rule in catalogue.rules.values():
        for leaf in leaves(rule.when) + leaves(rule.applies):
            visit(leaf)
    return found


def _value(spec: FieldSpec, near: list[Any], rng: random.Random) -> Any:
    kind = spec.kind
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "enum":
        return rng.choice(spec.values)
    if kind == "date":
        base = dt.date.fromisoformat(rng.choice(near)) if near and rng.random() < 0.7 else dt.date(2016, 10, 1)
        return base + dt.timedelta(days=rng.choice([-400, -1, 0, 1, 400]))
    if kind in ("int", "float"):
        numbers = [n for n in near if isinstance(n, (int, float))]
        if numbers and rng.random() < 0.8:
            x = rng.choice(numbers) + rng.choice([-1, 0, 0, 1])
        else:
            x = rng.choice([0, 1, 2, 5, 10, 50, 100])
        return int(x) if kind == "int" else float(x) + rng.choice([0, 0.5])
    if kind == "str":
        return rng.choice(["x", "A name", "Something else"])
    if kind == "list":
        return rng.sample(list(spec.values), rng.randint(0, len(spec.values))) if spec.values else []
    raise AssertionError(kind)


def _model(model: type[BaseModel], prefix: str, specs: dict[str, FieldSpec], near: dict[str, list[Any]],
           rng: random.Random, p_missing: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, spec in specs.items():
        if spec.kind == "records":
            continue
        if spec.optional and rng.random() < p_missing:
            continue
        out[path] = _value(spec, near.get(prefix + path, []), rng)
    return out


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        node = tree
        *heads, last = path.split(".")
        for h in heads:
            node = node.setdefault(h, {})
        node[last] = value
    return tree


def _dates_in_order(item: dict[str, Any], submitted: dt.date) -> None:
    """Evidence dates as the schema requires: started <= delivered <= measured, delivered no later
    than the submission (the draw keeps its values, only their order)."""
    keys = [k for k in ("started_on", "delivered_on", "measured_on") if item.get(k) is not None]
    for key, day in zip(keys, sorted(item[k] for k in keys)):
        item[key] = day
    if item.get("delivered_on") is not None and item["delivered_on"] > submitted:
        item["delivered_on"] = submitted
        if item.get("started_on") is not None:
            item["started_on"] = min(item["started_on"], submitted)
        if item.get("measured_on") is not None:
            item["measured_on"] = max(item["measured_on"], submitted)


def random_submission(catalogue: Catalogue, rng: random.Random, near: dict[str, list[Any]] | None = None) -> Submission:
    """One valid random submission (retrying on the odd invalid draw)."""
    near = near if near is not None else _operands(catalogue)
    root = fields_of()
    for _ in range(50):
        p_missing = rng.choice([0.05, 0.3, 0.7])
        flat = _model(Submission, "", {k: v for k, v in root.items()
                                       if not k.startswith(("schema_version", "footprint.code", "footprint.name"))},
                      near, rng, p_missing)
        data = _nest(flat)
        data["schema_version"] = "1.0"
        data["footprint"].update(code=f"R{rng.randint(0, 10**6)}", name="Random footprint")
        day = data["footprint"]["submitted_on"]
        data["footprint"]["submitted_on"] = min(max(day, FIRST_SUBMISSION), LAST_SUBMISSION)
        data["footprint"]["population"] = rng.choice([200_000, 499_999, 500_000, 1_000_000, 3_000_000, 3_000_001])
        for path, spec in root.items():
            if spec.kind != "records" or spec.model is None:
                continue
            items = []
            for i in range(rng.choice([0, 0, 1, 2, 5, 12])):
                item = _nest(_model(spec.model, path + "[].", fields_of(spec.model), near, rng, 0.3))
                for name, info in spec.model.model_fields.items():  # required item fields
                    if info.is_required() and name not in item:
                        item[name] = _value(fields_of(spec.model)[name], near.get(f"{path}[].{name}", []), rng)
                if path == "must_dos":
                    item["number"] = i + 1
                if "ref" in item:
                    item["ref"] = f"E{i}"
                if path == "evidence":
                    _dates_in_order(item, data["footprint"]["submitted_on"])
                items.append(item)
            data[path] = items[:9] if path == "must_dos" else items
        try:
            return Submission.model_validate(data)
        except Exception:  # an out-of-range draw: draw again
            continue
    raise AssertionError("could not draw a valid random submission")


def operands(catalogue: Catalogue) -> dict[str, list[Any]]:
    return _operands(catalogue)
