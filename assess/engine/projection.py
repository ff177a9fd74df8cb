"""Project a submission onto the flat fact the engine is given: only the values rules read.

The engine is fed this projection, never the whole submission (prose and evidence lists would cost
on every rule firing). Dates become day numbers so they compare as numbers, empty lists and missing
values are left out (the grammar treats both as "not given"), counts of matching list items and
trajectory values for the submission's date are derived here.

The projection runs once per submission and was most of the cost of an assessment when it walked
the condition trees for every list item (conditions.holds on a dict built per item). It is now
compiled once per catalogue into one Python function: straight-line attribute reads for the fields,
and for each list one loop that evaluates every count's `where` as a Python expression. The source
is generated from the parsed condition trees only (field names are schema identifiers, operands are
passed as named constants, never written into the text), and `reference_project` keeps the original
tree walk so a test can check that both give the same fact (tests/test_projection.py, on 150
random submissions of every edition). Generated source is used because it is several times faster
than walking the trees per list item, and the projection runs for every submission.
"""
from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, Callable

from ..catalogue.conditions import All, AnyOf, Compare, Node, Not, holds
from ..catalogue.model import Catalogue
from ..input.fields import fields_of
from ..input.submission import Submission

_SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def _plain(value: Any) -> Any:
    """A value as the engine and the Python walk both see it."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, (list, tuple)):
        return list(value) if value else None
    return value


class _Source:
    """Accumulates the generated function: lines, and constants handed over by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def const(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name


def _ident(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"field name {name!r} cannot be projected")
    return name


def _where_expr(node: Node, items: dict[str, str], refs: dict[str, str], src: _Source,
                always: set[str]) -> str:
    """A Python expression equal to conditions.holds(node, row) for one list item.

    `always`: item variables that can never be None (required fields), whose None test is left out.
    """
    if isinstance(node, All):
        return "(" + " and ".join(_where_expr(c, items, refs, src, always) for c in node.children) + ")"
    if isinstance(node, AnyOf):
        return "(" + " or ".join(_where_expr(c, items, refs, src, always) for c in node.children) + ")"
    if isinstance(node, Not):
        return "(not " + _where_expr(node.child, items, refs, src, always) + ")"
    if not isinstance(node, Compare):
        raise TypeError(f"a count's condition cannot hold {type(node).__name__}")
    var = items[node.key]
    if node.op == "exists":
        return "True" if var in always else f"({var} is not None)"
    if node.ref_key is not None:
        ref = refs[node.ref_key]
        return f"({var} is not None and {ref} is not None and {var} {_SYMBOL[node.op]} {ref})"
    if node.op in _SYMBOL:
        test = f"{var} {_SYMBOL[node.op]} {src.const(node.operand)}"
    elif node.op == "between":
        test = f"{src.const(node.operand[0])} <= {var} <= {src.const(node.operand[1])}"
    elif node.op == "in":
        test = f"{var} in {src.const(node.operand)}"
    elif node.op == "contains":
        test = f"{src.const(node.operand)} in {var}"
    else:
        raise ValueError(f"unknown operator {node.op!r}")
    return f"({test})" if var in always else f"({var} is not None and {test})"


class Projector:
    """Builds, once per catalogue, the function that turns a Submission into a projected fact."""

    def __init__(self, catalogue: Catalogue) -> None:
        needs = catalogue.needs
        specs = fields_of()
        self._catalogue = catalogue
        self._trajectories = [(key, name) for name, key in needs.trajectories.items()]
        by_list: dict[str, list[tuple[str, Any]]] = {}
        for (list_path, _sig), (key, where) in needs.counts.items():
            by_list.setdefault(list_path, []).append((key, where))
        # the original tree walk, kept as the reference the compiled function is tested against
        self._fields_ref = [(key, attrgetter(path), specs[path].kind == "records")
                            for path, key in needs.fields.items()]
        self._counts_ref = [
            (attrgetter(list_path), sorted(needs.item_fields.get(list_path, ())),
             sorted(needs.item_refs.get(list_path, ())), counts)
            for list_path, counts in by_list.items()
        ]

        src = _Source()
        src.emit(0, "def project(s):")
        src.emit(1, "fact = {}")
        sections: dict[str, str] = {"": "s"}

        def holder(path: str) -> str:  # a local bound once per section: s.footprint -> _s0
            parent = path.rpartition(".")[0]
            if parent not in sections:
                owner = holder(parent)
                sections[parent] = f"_s{len(sections)}"
                src.emit(1, f"{sections[parent]} = {owner}.{_ident(parent.rpartition('.')[2])}")
            return sections[parent]

        for path, key in needs.fields.items():
            kind = specs[path].kind
            src.emit(1, f"v = {holder(path)}.{_ident(path.rpartition('.')[2])}")
            if kind == "records":
                src.emit(1, f"if v: fact[{key!r}] = len(v)")
            elif kind == "list":
                src.emit(1, f"if v: fact[{key!r}] = list(v)")
            elif kind == "date":
                src.emit(1, f"if v is not None: fact[{key!r}] = v.toordinal()")
            else:
                src.emit(1, f"if v is not None: fact[{key!r}] = v")
        if self._trajectories:
            src.emit(1, f"day = {holder('footprint.submitted_on')}.submitted_on")
            for key, name in self._trajectories:
                src.emit(1, f"v = _trajectory({src.const(name)}, day)")
                src.emit(1, f"if v is not None: fact[{key!r}] = v")
        item_specs_of = {path: fields_of(specs[path].model) for path in by_list}
        for list_path, counts in by_list.items():
            item_specs = item_specs_of[list_path]
            src.emit(1, f"items = {holder(list_path)}.{_ident(list_path.rpartition('.')[2])}")
            src.emit(1, "if not items:")
            for key, _ in counts:
                src.emit(2, f"fact[{key!r}] = 0")
            src.emit(1, "else:")
            refs = {ref: f"r{i}" for i, ref in enumerate(sorted(needs.item_refs.get(list_path, ())))}
            for ref, var in refs.items():
                src.emit(2, f"{var} = fact.get({ref!r})")
            names = sorted(needs.item_fields.get(list_path, ()))
            items = {name: f"a{i}" for i, name in enumerate(names)}
            always = {var for name, var in items.items()
                      if not item_specs[name].optional and item_specs[name].kind not in ("list", "records")}
            tallies = {key: f"n{i}" for i, (key, where) in enumerate(counts) if where is not None}
            if tallies:
                src.emit(2, " = ".join(tallies.values()) + " = 0")
                src.emit(2, "for it in items:")
                for name, var in items.items():
                    kind = item_specs[name].kind
                    src.emit(3, f"{var} = it.{_ident(name)}")
                    if kind == "date":
                        src.emit(3, f"if {var} is not None: {var} = {var}.toordinal()")
                    elif kind in ("list", "records"):
                        src.emit(3, f"if not {var}: {var} = None")
                for key, where in counts:
                    if where is not None:
                        src.emit(3, f"if {_where_expr(where, items, refs, src, always)}: {tallies[key]} += 1")
            for key, where in counts:
                src.emit(2, f"fact[{key!r}] = " + ("len(items)" if where is None else tallies[key]))
        src.emit(1, "return fact")
        self.source = "\n".join(src.lines)
        namespace: dict[str, Any] = {"_trajectory": catalogue.trajectory_value, **src.constants}
        exec(compile(self.source, "<stp-assess projection>", "exec"), namespace)  # noqa: S102
        self._project: Callable[[Submission], dict[str, Any]] = namespace["project"]

    def project(self, submission: Submission) -> dict[str, Any]:
        """The flat fact for one submission (keys are the catalogue's short value keys)."""
        return self._project(submission)

    def reference_project(self, submission: Submission) -> dict[str, Any]:
        """The same fact by walking the condition trees item by item (slow; for tests)."""
        fact: dict[str, Any] = {}
        for key, get, records in self._fields_ref:
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
        for get_list, item_fields, refs, counts in self._counts_ref:
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
