"""The `when` grammar: parse and check condition trees, evaluate and explain them in Python.

A condition is `all` / `any` / `not` over two kinds of leaf: a comparison on a dotted field path
(`{path, op, value}` or `{path, op, value_from}`) and a count of list items matching a sub-condition
(`{count, where, op, value}`). One table, OPERATORS, drives checking, evaluation, explanation and the
catalogue reference. durable_rules decides which rules match (see engine.py); this module's
`holds()` is the independent second walk used to explain a failure, and a test checks the two agree.

Semantics, shared with the engine: a comparison on a value that was not given is false (only
`exists` is true or false about absence); an empty list counts as not given; `not` is plain negation.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple

from ..common.labels import field_label, list_label, lower_first, plain
from ..errors import did_you_mean
from ..input.fields import SCALAR_KINDS, FieldSpec, fields_of

NUMERIC = frozenset({"int", "float", "date"})
ORDERED_OPS = ("lt", "lte", "gt", "gte")
TRAJECTORY_PREFIX = "trajectory."


@dataclass(frozen=True)
class Operator:
    """One comparison the grammar offers."""

    name: str
    kinds: frozenset[str]  # field kinds it applies to
    operand: str  # "same", "pair", "list", "item" or "none"
    test: Callable[[Any, Any], bool]
    symbol: str
    description: str


def _between(v: Any, pair: Any) -> bool:
    return bool(pair[0] <= v <= pair[1])


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("eq", frozenset(SCALAR_KINDS), "same", lambda v, x: v == x, "=", "equals the value"),
    Operator("ne", frozenset(SCALAR_KINDS), "same", lambda v, x: v != x, "≠", "is given and differs from the value"),
    Operator("lt", NUMERIC, "same", lambda v, x: v < x, "<", "is less than the value"),
    Operator("lte", NUMERIC, "same", lambda v, x: v <= x, "≤", "is at most the value"),
    Operator("gt", NUMERIC, "same", lambda v, x: v > x, ">", "is more than the value"),
    Operator("gte", NUMERIC, "same", lambda v, x: v >= x, "≥", "is at least the value"),
    Operator("between", NUMERIC, "pair", _between, "between", "lies within [low, high], ends included"),
    Operator("in", frozenset({"enum", "str", "int"}), "list", lambda v, xs: v in xs, "one of",
             "is one of the values"),
    Operator("contains", frozenset({"list"}), "item", lambda v, x: x in v, "includes",
             "a list that includes the value"),
    Operator("exists", frozenset(SCALAR_KINDS) | {"list", "records"}, "none", lambda v, x: True, "given",
             "is given (a list: is not empty)"),
)}
COUNT_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "between")
NEGATE = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte"}


class ConditionError(ValueError):
    """A condition that does not fit the grammar or the schema; `where` locates it in the tree."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


# --- the parsed tree -------------------------------------------------------------------------

@dataclass(frozen=True)
class Leaf:
    """Common to both leaves: where the value is read from in a projected fact."""

    key: str  # key in the projected fact (or the item field name inside a `where`)
    label: str  # what a reviewer reads: the field path or the count description
    kind: str  # kind of the value read (for display: dates travel as ordinals)
    op: str
    operand: Any = None  # engine form (dates as ordinals, tuples for pairs and lists)
    expected: Any = None  # display form (dates as ISO text)
    ref_key: str | None = None  # value_from: compare with another value of the fact
    ref_label: str | None = None
    title: str = ""  # the field (or the count) in words, for explanations
    shown_path: str = ""  # the path shown beside the title (a count shows its list)
    ref_title: str | None = None  # value_from: the other field in words
    enum: bool = False  # values are enum codes, shown by their labels


@dataclass(frozen=True)
class Compare(Leaf):
    """A comparison on one field."""


@dataclass(frozen=True)
class Count(Leaf):
    """A comparison on how many items of a list match `where` (None: all items)."""

    list_path: str = ""
    where: "Node | None" = None


@dataclass(frozen=True)
class All:
    """Every child holds (`all:` in a rule's `when`)."""
    children: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one child holds (`any:`)."""
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    """The child does not hold (`not:`)."""
    child: "Node"


Node = All | AnyOf | Not | Compare | Count


# --- what a catalogue needs projected --------------------------------------------------------

@dataclass
class Needs:
    """Registry of the values rules read; it assigns each a short key in the projected fact."""

    fields: dict[str, str] = field(default_factory=dict)  # root path -> key
    counts: dict[tuple[str, Any], tuple[str, "Node | None"]] = field(default_factory=dict)
    trajectories: dict[str, str] = field(default_factory=dict)
    item_fields: dict[str, set[str]] = field(default_factory=dict)  # list path -> item fields
    item_refs: dict[str, set[str]] = field(default_factory=dict)  # list path -> root keys

    def _next(self) -> str:
        return f"f{len(self.fields) + len(self.counts) + len(self.trajectories)}"

    def field_key(self, path: str) -> str:
        """The projected fact's key for a submitted field (or a trajectory's value on the submission's date)."""
        if path.startswith(TRAJECTORY_PREFIX):
            name = path[len(TRAJECTORY_PREFIX):]
            return self.trajectories.setdefault(name, self._next())
        return self.fields.setdefault(path, self._next())

    def count_key(self, list_path: str, where_sig: Any, where: "Node | None") -> str:
        """The projected fact's key for a count of a list's items that meet `where`."""
        found = self.counts.get((list_path, where_sig))
        if found is None:
            found = self.counts[(list_path, where_sig)] = (self._next(), where)
        return found[0]


# --- parsing ---------------------------------------------------------------------------------

def _convert(value: Any, kind: str, values: tuple[Any, ...], where: str) -> tuple[Any, Any]:
    """Check one operand against a field kind; return (engine form, display form)."""
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "str":
        ok = isinstance(value, str)
    elif kind == "enum":
        if value not in values:
            raise ConditionError(where, f"{value!r} is not an allowed value (allowed: "
                                 f"{', '.join(map(str, values))}).{did_you_mean(str(value), map(str, values))}")
        ok = True
    elif kind == "date":
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        if ok:
            return value.toordinal(), value.isoformat()
    else:
        ok = False
    if not ok:
        raise ConditionError(where, f"operand {value!r} does not suit a {kind} field")
    return value, value


def _spec(path: str, specs: Mapping[str, FieldSpec], trajectories: tuple[str, ...], where: str) -> FieldSpec:
    if path.startswith(TRAJECTORY_PREFIX) and path[len(TRAJECTORY_PREFIX):] in trajectories:
        return FieldSpec(path, "float", optional=True)
    spec = specs.get(path)
    if spec is None:
        known = list(specs) + [TRAJECTORY_PREFIX + t for t in trajectories]
        raise ConditionError(where, f"unknown field '{path}'.{did_you_mean(path, known)}")
    return spec


class Parser:
    """Parses `when` trees against a schema, registering what the engine must be given."""

    def __init__(self, needs: Needs, trajectories: tuple[str, ...] = ()) -> None:
        self.needs = needs
        self.trajectories = trajectories
        self.root = fields_of()

    def parse(self, raw: Any, where: str = "when") -> Node:
        """The condition tree of one rule's `when` (or `applies_when`), checked against the schema."""
        return self._node(raw, where, self.root, None)

    def _node(self, raw: Any, where: str, specs: Mapping[str, FieldSpec], list_path: str | None) -> Node:
        if not isinstance(raw, dict):
            raise ConditionError(where, "a condition must be a mapping (all, any, not, a comparison or a count)")
        for combinator in ("all", "any"):
            if combinator in raw:
                if set(raw) != {combinator}:
                    raise ConditionError(where, f"'{combinator}' must stand alone, found also "
                                         f"{sorted(set(raw) - {combinator})}")
                items = raw[combinator]
                if not isinstance(items, list) or not items:
                    raise ConditionError(where, f"'{combinator}' needs a non-empty list of conditions")
                kids = tuple(self._node(c, f"{where}.{combinator}[{i}]", specs, list_path)
                             for i, c in enumerate(items))
                return All(kids) if combinator == "all" else AnyOf(kids)
        if "not" in raw:
            if set(raw) != {"not"}:
                raise ConditionError(where, "'not' must stand alone")
            return Not(self._node(raw["not"], f"{where}.not", specs, list_path))
        if "count" in raw:
            if list_path is not None:
                raise ConditionError(where, "a count cannot be nested inside another count's 'where'")
            return self._count(raw, where)
        if "path" in raw:
            return self._compare(raw, where, specs, list_path)
        raise ConditionError(where, f"expected one of all, any, not, count or path; got keys {sorted(raw)}."
                             + did_you_mean(next(iter(raw), ""), ["all", "any", "not", "count", "path"]))

    def _compare(self, raw: dict[str, Any], where: str, specs: Mapping[str, FieldSpec],
                 list_path: str | None) -> Compare:
        unknown = set(raw) - {"path", "op", "value", "value_from"}
        if unknown:
            raise ConditionError(where, f"unknown key(s) {sorted(unknown)} in a comparison")
        path, opname = raw["path"], raw.get("op")
        if not isinstance(path, str):
            raise ConditionError(where, "'path' must be a dotted field name")
        op = OPERATORS.get(opname) if isinstance(opname, str) else None
        if op is None:
            raise ConditionError(where, f"unknown operator {opname!r}.{did_you_mean(str(opname), OPERATORS)}"
                                 f" Operators: {', '.join(OPERATORS)}")
        spec = _spec(path, specs, self.trajectories if list_path is None else (), f"{where}.path")
        if spec.kind not in op.kinds:
            raise ConditionError(where, f"operator '{op.name}' does not apply to {spec.kind} field '{path}'")
        label = path  # inside a count's where: relative to the item, read after "count of <list> where"
        words: dict[str, Any] = {"title": field_label(path, spec.title), "shown_path": path,
                 "enum": spec.kind == "enum" or (spec.kind == "list" and spec.item_kind == "enum")}
        key = self.needs.field_key(path) if list_path is None else path
        if list_path is not None:
            self.needs.item_fields.setdefault(list_path, set()).add(path)
        if "value_from" in raw:
            return self._compare_ref(raw, where, spec, op, key, label, list_path, words)
        has_value = "value" in raw
        if op.operand == "none":
            if has_value:
                raise ConditionError(where, f"'{op.name}' takes no value")
            return Compare(key, label, spec.kind, op.name, **words)
        if not has_value:
            raise ConditionError(where, f"'{op.name}' needs a value (or value_from)")
        value = raw["value"]
        if op.operand == "same":
            operand, expected = _convert(value, spec.kind, spec.values, f"{where}.value")
        elif op.operand == "pair":
            if not isinstance(value, list) or len(value) != 2:
                raise ConditionError(f"{where}.value", "'between' needs [low, high]")
            pair = [_convert(v, spec.kind, spec.values, f"{where}.value") for v in value]
            if pair[0][0] > pair[1][0]:
                raise ConditionError(f"{where}.value", "'between' needs low <= high")
            operand, expected = (pair[0][0], pair[1][0]), [pair[0][1], pair[1][1]]
        elif op.operand == "list":
            if not isinstance(value, list) or not value:
                raise ConditionError(f"{where}.value", "'in' needs a non-empty list")
            conv = [_convert(v, spec.kind, spec.values, f"{where}.value") for v in value]
            operand, expected = tuple(c[0] for c in conv), [c[1] for c in conv]
        else:  # item of a list field
            operand, expected = _convert(value, spec.item_kind or "", spec.values, f"{where}.value")
        return Compare(key, label, spec.kind, op.name, operand, expected, **words)

    def _compare_ref(self, raw: dict[str, Any], where: str, spec: FieldSpec, op: Operator, key: str,
                     label: str, list_path: str | None, words: dict[str, Any]) -> Compare:
        if "value" in raw:
            raise ConditionError(where, "give either 'value' or 'value_from', not both")
        if op.name not in NEGATE:
            raise ConditionError(where, f"'value_from' works with {', '.join(NEGATE)}, not '{op.name}'")
        ref = raw["value_from"]
        if not isinstance(ref, str):
            raise ConditionError(f"{where}.value_from", "must be a dotted field name")
        ref_spec = _spec(ref, self.root, self.trajectories, f"{where}.value_from")
        numeric = {"int", "float"}
        compatible = (ref_spec.kind == spec.kind and ref_spec.values == spec.values) or (
            ref_spec.kind in numeric and spec.kind in numeric)
        if not compatible or ref_spec.kind not in SCALAR_KINDS:
            raise ConditionError(f"{where}.value_from",
                                 f"cannot compare {spec.kind} '{spec.path}' with {ref_spec.kind} '{ref}'")
        ref_key = self.needs.field_key(ref)
        if list_path is not None:
            self.needs.item_refs.setdefault(list_path, set()).add(ref_key)
        return Compare(key, label, spec.kind, op.name, ref_key=ref_key, ref_label=ref,
                       ref_title=field_label(ref, ref_spec.title), **words)

    def _count(self, raw: dict[str, Any], where: str) -> Count:
        unknown = set(raw) - {"count", "where", "op", "value"}
        if unknown:
            raise ConditionError(where, f"unknown key(s) {sorted(unknown)} in a count")
        list_path = raw["count"]
        spec = _spec(str(list_path), self.root, (), f"{where}.count")
        if spec.kind != "records" or spec.model is None:
            raise ConditionError(f"{where}.count", f"'{list_path}' is not a list of records")
        sub = None
        if raw.get("where") is not None:
            sub = self._node(raw["where"], f"{where}.where", fields_of(spec.model), list_path)
        op = raw.get("op")
        if op not in COUNT_OPS:
            raise ConditionError(f"{where}.op", f"a count takes one of {', '.join(COUNT_OPS)}, got {op!r}")
        value: Any = raw.get("value")
        if op == "between":
            ok = isinstance(value, list) and len(value) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value) and value[0] <= value[1]
            operand: Any = tuple(value) if ok else None
        else:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            operand = value
        if not ok:
            raise ConditionError(f"{where}.value", f"a count compares with a whole number (got {value!r})")
        key = self.needs.count_key(list_path, describe(sub) if sub else None, sub)
        label = f"count of {list_path}" + (f" where {describe(sub)}" if sub else "")
        title = f"Number of {list_label(list_path)}" + (f" where {say(sub)}" if sub else "")
        return Count(key, label, "int", op, operand, list(value) if op == "between" else value,
                     title=title, shown_path=list_path, list_path=list_path, where=sub)


def describe(node: Node | None) -> str:
    """A one-line reading of a condition, for labels and the catalogue document."""
    if node is None:
        return "always"
    if isinstance(node, All):
        return " and ".join(f"({describe(c)})" if isinstance(c, AnyOf) else describe(c) for c in node.children)
    if isinstance(node, AnyOf):
        return " or ".join(f"({describe(c)})" if isinstance(c, All) else describe(c) for c in node.children)
    if isinstance(node, Not):
        return f"not ({describe(node.child)})"
    return f"{node.label} {expectation(node)}"


def say(node: Node) -> str:
    """A condition in words, for explanations: field labels and enum labels, dates as dates."""
    if isinstance(node, All):
        return " and ".join(f"({say(c)})" if isinstance(c, AnyOf) else say(c) for c in node.children)
    if isinstance(node, AnyOf):
        return " or ".join(f"({say(c)})" if isinstance(c, All) else say(c) for c in node.children)
    if isinstance(node, Not):
        child = node.child
        if isinstance(child, (Compare, Count)) and child.op == "exists":
            return f"{lower_first(child.title or child.label)} not given"
        return f"not ({say(child)})"
    return f"{lower_first(node.title or node.label)} {expectation(node, for_reader=True)}"


def expectation(leaf: Leaf, negated: bool = False, *, for_reader: bool = False) -> str:
    """What a leaf asks for: '≥ 25', 'one of a, b', 'given'. For a reader of an explanation
    (`for_reader`), values are in words (dates as dates, enum values by label, the other field by
    its label) and a negated comparison is turned round ('≤ 0' rather than 'not > 0')."""
    op = OPERATORS[leaf.op]
    if for_reader and negated and leaf.op in NEGATE:
        negated, op = False, OPERATORS[NEGATE[leaf.op]]
    show: Callable[[Any], str] = (lambda v: plain(v, leaf.kind, leaf.enum)) if for_reader else _show
    if op.name == "exists":
        text = "given"
    elif leaf.ref_label is not None:
        text = f"{op.symbol} {lower_first(leaf.ref_title or leaf.ref_label) if for_reader else leaf.ref_label}"
    elif op.name == "between":
        text = f"between {show(leaf.expected[0])} and {show(leaf.expected[1])}"
    elif op.name == "in":
        text = "one of " + ", ".join(show(v) for v in leaf.expected)
    else:
        text = f"{op.symbol} {show(leaf.expected)}"
    return f"not {text}" if negated else text


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- evaluation and explanation ---------------------------------------------------------------

def leaf_holds(leaf: Leaf, fact: Mapping[str, Any]) -> bool:
    """One comparison on a projected fact; absent values fail every operator but `exists`."""
    value = fact.get(leaf.key)
    if leaf.op == "exists":
        return value is not None
    if value is None:
        return False
    test = OPERATORS[leaf.op].test
    if leaf.ref_key is not None:
        other = fact.get(leaf.ref_key)
        return other is not None and test(value, other)
    return test(value, leaf.operand)


def holds(node: Node, fact: Mapping[str, Any]) -> bool:
    """Evaluate a condition on a projected fact (the Python walk that explanations use)."""
    if isinstance(node, All):
        return all(holds(c, fact) for c in node.children)
    if isinstance(node, AnyOf):
        return any(holds(c, fact) for c in node.children)
    if isinstance(node, Not):
        return not holds(node.child, fact)
    return leaf_holds(node, fact)


@dataclass(frozen=True, init=False)
class ClauseFailure:
    """One clause that failed: which value, what was submitted, what was expected.

    Failures that share `one_of` are alternatives: meeting every clause of any one `option`
    would have been enough.
    """

    path: str
    op: str
    expected: Any
    submitted: Any
    text: str
    one_of: int | None = None
    option: int | None = None
    label: str = ""  # the field (or count) in words
    field: str = ""  # the path shown beside the label (a count's list)
    submitted_text: str = ""  # the submitted value in words (dates as dates, enum labels)
    expected_text: str = ""  # what was expected, in words

    def __init__(self, path: str, op: str, expected: Any, submitted: Any, text: str,
                 one_of: int | None = None, option: int | None = None, label: str = "", field: str = "",
                 submitted_text: str = "", expected_text: str = "") -> None:
        # the generated frozen __init__ sets each field through object.__setattr__ (2.4 µs); an
        # assessment builds ~45 of these, so fill the instance dict directly (0.9 µs)
        d = self.__dict__
        d["path"], d["op"], d["expected"], d["submitted"] = path, op, expected, submitted
        d["text"], d["one_of"], d["option"] = text, one_of, option
        d["label"], d["field"], d["submitted_text"], d["expected_text"] = label, field, submitted_text, expected_text

    def to_dict(self) -> dict[str, Any]:
        """The clause as plain data, as reports and results.json show it."""
        return {"path": self.path, "op": self.op, "expected": self.expected, "submitted": self.submitted,
                "text": self.text, "one_of": self.one_of, "option": self.option, "label": self.label,
                "field": self.field, "submitted_text": self.submitted_text, "expected_text": self.expected_text}


def display(leaf: Leaf, value: Any) -> Any:
    """A projected value as a reviewer reads it (dates back to ISO text)."""
    if value is None:
        return None
    if leaf.kind == "date" and isinstance(value, int):
        return dt.date.fromordinal(value).isoformat()
    return value


def explain(node: Node, fact: Mapping[str, Any]) -> list[ClauseFailure]:
    """The failing clauses of a condition that does not hold (empty if it holds)."""
    return _failures(node, fact, False, None, itertools.count(1))


def _failures(node: Node, fact: Mapping[str, Any], negated: bool, tag: tuple[int, int] | None,
              groups: "itertools.count[int]") -> list[ClauseFailure]:
    if isinstance(node, Not):
        return _failures(node.child, fact, not negated, tag, groups)
    if isinstance(node, (All, AnyOf)):
        conjunctive = isinstance(node, All) != negated  # not(any) behaves as all(not)
        failing = [c for c in node.children if holds(c, fact) == negated]
        if conjunctive:
            return [f for c in failing for f in _failures(c, fact, negated, tag, groups)]
        if len(failing) < len(node.children):  # some alternative held: nothing failed here
            return []
        if len(failing) == 1:
            return _failures(failing[0], fact, negated, tag, groups)
        group = next(groups)
        return [f for k, c in enumerate(failing, 1) for f in _failures(c, fact, negated, (group, k), groups)]
    if leaf_holds(node, fact) != negated:
        return []
    op = f"not {node.op}" if negated else node.op
    return [clause_failure(node, op, expectation(node, negated, for_reader=True), fact, tag)]


def clause_failure(leaf: Leaf, op: str, want: str, fact: Mapping[str, Any],
                   tag: tuple[int, int] | None) -> ClauseFailure:
    """The record of one failing leaf: the values as data (dates in ISO form) and in words."""
    submitted = display(leaf, fact.get(leaf.key))
    if leaf.ref_key is not None:
        ref_value = display(leaf, fact.get(leaf.ref_key))
        want += f" ({plain(ref_value, leaf.kind, leaf.enum)})"
        expected: Any = {"value_from": leaf.ref_label, "value": ref_value}
    else:
        expected = leaf.expected
    got = plain(submitted, leaf.kind, leaf.enum)
    one_of, option = tag or (None, None)
    return ClauseFailure(leaf.label, op, expected, submitted,
                         f"{leaf.title} ({leaf.shown_path}): submitted {got}; expected {want}",
                         one_of, option, leaf.title, leaf.shown_path, got, want)


class PreparedLeaf(NamedTuple):
    """A comparison made ready for Explainer when the rule is compiled: all that does not depend on
    the submission. Its first field is the node kind, as in the tuples of the tree's other nodes."""

    kind: int  # always Explainer._LEAF
    leaf: Leaf
    key: str  # the projected fact's key of the value compared
    is_exists: bool  # `exists`: only whether a value is given
    test: Callable[[Any, Any], Any]  # the operator's comparison
    operand: Any  # the value expected (None when compared with another field)
    ref_key: str | None  # `value_from`: the projected key of the value compared with
    expectations: tuple[str, str]  # what is expected, in words: as stated, and negated
    op_names: tuple[str, str]  # the operator as stated, and negated ("not eq")
    is_date: bool


class Explainer:
    """`explain(node, fact)` for one condition tree, with all that does not depend on the fact done once.

    An assessment explains every unmet rule, so the walk above ran for most rules of every
    submission, evaluating each subtree again at every level and formatting the same expectation
    text each time. This evaluates every node once per fact (bottom up, into a list) and reuses
    labels and expectation texts prepared when the rule is compiled; a lone comparison or an `all`
    of comparisons (most rules) skips the tree walk altogether. Its output equals explain()'s,
    which stays the reference (a test compares the two).
    """

    _ALL, _ANY, _NOT, _LEAF = range(4)

    def __init__(self, node: Node) -> None:
        self.node = node
        # post-order, children before their parent: (kind, child indexes) for all/any, (kind, child
        # index) for not, a PreparedLeaf for a comparison
        self._order: list[Any] = []
        self._root = self._add(node)
        root = self._order[self._root]
        self._flat: tuple[PreparedLeaf, ...] | None = None  # the leaves of a lone leaf or all-of-leaves
        if root[0] == self._LEAF:
            self._flat = (root,)
        elif root[0] == self._ALL and all(self._order[k][0] == self._LEAF for k in root[1]):
            self._flat = tuple(self._order[k] for k in root[1])

    def _add(self, node: Node) -> int:
        if isinstance(node, (All, AnyOf)):
            kids = tuple(self._add(c) for c in node.children)
            self._order.append((self._ALL if isinstance(node, All) else self._ANY, kids))
        elif isinstance(node, Not):
            self._order.append((self._NOT, self._add(node.child)))
        else:
            texts = (expectation(node, False, for_reader=True), expectation(node, True, for_reader=True))
            self._order.append(PreparedLeaf(self._LEAF, node, node.key, node.op == "exists", OPERATORS[node.op].test,
                                            node.operand, node.ref_key, texts, (node.op, f"not {node.op}"),
                                            node.kind == "date"))
        return len(self._order) - 1

    @staticmethod
    def _leaf_holds(entry: PreparedLeaf, fact: Mapping[str, Any]) -> bool:
        """leaf_holds, on a prepared leaf."""
        value = fact.get(entry.key)
        if entry.is_exists:
            return value is not None
        if value is None:
            return False
        if entry.ref_key is not None:
            other = fact.get(entry.ref_key)
            return other is not None and bool(entry.test(value, other))
        return bool(entry.test(value, entry.operand))

    def truths(self, fact: Mapping[str, Any]) -> list[bool]:
        """Whether each node holds, in post-order (the root last)."""
        out: list[bool] = []
        leaf_holds_ = self._leaf_holds
        for entry in self._order:
            kind = entry[0]
            if kind == 3:
                out.append(leaf_holds_(entry, fact))
            elif kind == 0:
                out.append(all(out[k] for k in entry[1]))
            elif kind == 1:
                out.append(any(out[k] for k in entry[1]))
            else:
                out.append(not out[entry[1]])
        return out

    def holds(self, fact: Mapping[str, Any]) -> bool:
        """Whether the condition holds for a projected fact (the plain-Python evaluation)."""
        if self._flat is not None:
            return all(self._leaf_holds(entry, fact) for entry in self._flat)
        return self.truths(fact)[self._root]

    def __call__(self, fact: Mapping[str, Any]) -> list[ClauseFailure]:
        """The failing clauses (empty if the condition holds), exactly as explain() gives them."""
        out: list[ClauseFailure] = []
        if self._flat is not None:  # every failing comparison, in order, ungrouped
            for entry in self._flat:
                if not self._leaf_holds(entry, fact):
                    out.append(self._failure(entry, fact, False, None))
            return out
        truth = self.truths(fact)
        if not truth[self._root]:
            self._walk(self._root, truth, fact, False, None, itertools.count(1), out)
        return out

    def _walk(self, index: int, truth: list[bool], fact: Mapping[str, Any], negated: bool,
              tag: tuple[int, int] | None, groups: "itertools.count[int]", out: list[ClauseFailure]) -> None:
        entry = self._order[index]
        kind = entry[0]
        if kind == self._NOT:
            self._walk(entry[1], truth, fact, not negated, tag, groups, out)
        elif kind != self._LEAF:
            conjunctive = (kind == self._ALL) != negated
            failing = [k for k in entry[1] if truth[k] == negated]
            if conjunctive:
                for k in failing:
                    self._walk(k, truth, fact, negated, tag, groups, out)
            elif len(failing) == len(entry[1]):
                if len(failing) == 1:
                    self._walk(failing[0], truth, fact, negated, tag, groups, out)
                else:
                    group = next(groups)
                    for n, k in enumerate(failing, 1):
                        self._walk(k, truth, fact, negated, (group, n), groups, out)
        elif truth[index] == negated:
            out.append(self._failure(entry, fact, negated, tag))

    @staticmethod
    def _failure(entry: PreparedLeaf, fact: Mapping[str, Any], negated: bool,
                 tag: tuple[int, int] | None) -> ClauseFailure:
        return clause_failure(entry.leaf, entry.op_names[negated], entry.expectations[negated], fact, tag)


# --- negation normal form, for the engine -----------------------------------------------------

def nnf(node: Node, negated: bool = False) -> tuple[Any, ...]:
    """The condition with negation pushed to the leaves, in engine-neutral tuples.

    ('and', [...]), ('or', [...]) or a leaf (op, key, operand, ref_key) with op one of
    eq ne lt lte gt gte ex nex has hasnt. Absent values make every positive comparison false,
    so a negated comparison becomes 'absent, or the opposite comparison'.
    """
    if isinstance(node, Not):
        return nnf(node.child, not negated)
    if isinstance(node, (All, AnyOf)):
        conj = isinstance(node, All) != negated
        return _join("and" if conj else "or", [nnf(c, negated) for c in node.children])
    return _leaf_nnf(node, negated)


def _join(kind: str, parts: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    flat: list[tuple[Any, ...]] = []
    for p in parts:
        flat.extend(p[1] if p[0] == kind else [p])
    return flat[0] if len(flat) == 1 else (kind, flat)


def _leaf_nnf(leaf: Leaf, negated: bool) -> tuple[Any, ...]:
    k, op, x = leaf.key, leaf.op, leaf.operand
    always_given = isinstance(leaf, Count)
    if op == "exists":
        return ("nex", k, None, None) if negated else ("ex", k, None, None)
    if leaf.ref_key is not None:
        r = leaf.ref_key
        if negated:
            return _join("or", [("nex", k, None, None), ("nex", r, None, None), (NEGATE[op], k, None, r)])
        return _join("and", [("ex", k, None, None), ("ex", r, None, None), (op, k, None, r)])
    if op == "between":
        if negated:
            core = _join("or", [("lt", k, x[0], None), ("gt", k, x[1], None)])
        else:
            core = _join("and", [("gte", k, x[0], None), ("lte", k, x[1], None)])
    elif op == "in":
        core = (_join("and", [("ne", k, v, None) for v in x]) if negated
                else _join("or", [("eq", k, v, None) for v in x]))
    elif op == "contains":
        core = ("hasnt" if negated else "has", k, x, None)
    else:
        core = (NEGATE[op] if negated else op, k, x, None)
    if negated and not always_given:
        return _join("or", [("nex", k, None, None), core])
    return core


def dnf_terms(form: tuple[Any, ...]) -> int:
    """How many times the engine may fire one rule for one fact (it expands `or` branches)."""
    if form[0] == "and":
        product = 1
        for part in form[1]:
            product *= dnf_terms(part)
        return product
    if form[0] == "or":
        return sum(dnf_terms(part) for part in form[1])
    return 1


def leaves(node: Node | None) -> list[Leaf]:
    """All leaves of a tree (not those inside a count's `where`)."""
    if node is None:
        return []
    if isinstance(node, (All, AnyOf)):
        return [leaf for c in node.children for leaf in leaves(c)]
    if isinstance(node, Not):
        return leaves(node.child)
    return [node]
