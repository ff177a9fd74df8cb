"""The only module that touches durable_rules: compile condition trees, match projected facts.

Driven through the C extension directly (`durable_rules_engine`), as `durable.lang` does inside,
because the public host costs ~20 µs per firing in JSON and bookkeeping (the project's notes measure
~900 against ~14,000 facts/s at 100 rules / 50 firings); bench/ prints our rate beside the bare
extension's at the catalogue's rule and firing counts. Matching is all durable_rules' Rete network.
Each ruleset is sent only the fact keys its rules read: the engine parses the fact once per
ruleset and copies it into every firing's message. Rules for the engine's known hazards:

* never `delete_state` (it frees uninitialised pointers and can crash the process): one long-lived
  session per ruleset, a unique fact id per assertion, `retract_fact` afterwards;
* facts, not events (an event is consumed by the first rule that matches it);
* at most ~60 matches per ruleset per fact (a C stack of 64): rulesets are packed by the number of
  times their rules can fire, counting each `or` branch, which the engine fires separately;
* never `$ex` / `$nex`: measured here, `$nex` fires for facts that do have the field as soon as
  its ruleset holds any other rule; presence is matched on flags this module adds to the fact
  (`<key>_given`: true/false) instead;
* any failure of the engine raises EngineError: a silent wrong score is the worst outcome.
"""
from __future__ import annotations

import itertools
import json
import re
from typing import Any, Iterable

from ..errors import EngineError

try:
    import durable_rules_engine as _durable
except ImportError as exc:  # the C extension was not built: say how to build it, not a traceback
    raise EngineError(
        f"the rules engine (durable_rules' C extension) is not installed ({exc}); build it with "
        "scripts/venv, or: CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install .") from None

MAX_FIRINGS_PER_RULESET = 48  # the C engine's match stack is 64; keep a margin
MAX_RULES_PER_RULESET = 40
_SESSION = "0"
_ruleset_serial = itertools.count(1)

_COMPARE = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


PRESENCE_SUFFIX = "_given"


def to_durable(form: tuple[Any, ...], presence: set[str]) -> dict[str, Any]:
    """An engine-neutral NNF condition (conditions.nnf) in durable_rules' JSON form.

    Keys tested for presence are added to `presence`; match() then gives the engine a flag for each.
    """
    op = form[0]
    if op in ("and", "or"):
        return {f"${op}": [to_durable(part, presence) for part in form[1]]}
    _, key, operand, ref = form
    right = {"$m": ref} if ref is not None else operand
    if op == "eq":
        return {key: right}
    if op in _COMPARE:
        return {_COMPARE[op]: {key: right}}
    if op in ("ex", "nex"):
        presence.add(key)
        return {key + PRESENCE_SUFFIX: op == "ex"}
    if op == "has":
        return {"$iany": {key: {"$i": operand}}}
    if op == "hasnt":
        return {"$iall": {key: {"$neq": {"$i": operand}}}}
    raise ValueError(f"unknown engine operator {op!r}")


def _read_keys(form: tuple[Any, ...], keys: set[str], presence: set[str]) -> None:
    """The fact keys a condition reads (values, references) and the keys it tests for presence."""
    if form[0] in ("and", "or"):
        for part in form[1]:
            _read_keys(part, keys, presence)
        return
    op, key, _, ref = form
    if op in ("ex", "nex"):
        presence.add(key)
        return
    keys.add(key)
    if ref is not None:
        keys.add(ref)


def _engine_float(value: float) -> str:
    """A float as durable_rules' JSON reader takes it. Its reader refuses an exponent on a mantissa
    without a decimal point (error 204): Python writes 0.00001 as 1e-05 and 1e16 as 1e+16, so a
    valid percentage of 0.00001 cost the submission its score. 1.0e-05 is read right (measured)."""
    text = repr(value)
    mantissa, exp, power = text.partition("e")
    return f"{mantissa}.0e{power}" if exp and "." not in mantissa else text


_BARE_EXPONENT = re.compile(r"[0-9]e[-+]")


def _slow_json(value: Any) -> str:
    """JSON text with the engine's float form (facts and ruleset definitions are plain data)."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity cannot be matched by the engine")
        return _engine_float(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_slow_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_slow_json(v) for v in value) + "]"
    return json.dumps(value)


def engine_json(value: Any) -> str:
    """JSON text for durable_rules. The usual C encoder unless a float would be written with a bare
    exponent (|x| < 1e-4 or >= 1e16, rare), then a plain writer with the engine's float form."""
    text = json.dumps(value)
    if "e" in text and _BARE_EXPONENT.search(text):
        return _slow_json(value)
    return text


class Matcher:
    """Named conditions compiled onto durable_rules rulesets; `match` gives the names that hold.

    Not thread-safe: use one Matcher per thread or process.
    """

    def __init__(self, conditions: Iterable[tuple[str, tuple[Any, ...], int]], label: str = "stp") -> None:
        """`conditions`: (name, NNF form, how many times it can fire for one fact)."""
        groups: list[list[tuple[str, tuple[Any, ...]]]] = [[]]
        budget = 0
        for name, form, firings in conditions:
            if '"' in name:
                raise ValueError(f"condition name {name!r} may not contain a double quote")
            if firings > MAX_FIRINGS_PER_RULESET:
                raise ValueError(f"{name}: its condition can fire {firings} times for one fact, more than "
                                 f"the engine allows ({MAX_FIRINGS_PER_RULESET}); split it into simpler rules")
            if budget + firings > MAX_FIRINGS_PER_RULESET or len(groups[-1]) >= MAX_RULES_PER_RULESET:
                groups.append([])
                budget = 0
            groups[-1].append((name, form))
            budget += firings
        self._handles: list[int] = []
        self._names: list[str] = []
        # per ruleset, the fact keys its rules read and the keys they test for presence: each
        # ruleset is sent only those (it parses the fact, and copies it into every firing message)
        self._reads: list[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = []
        self._fact_serial = itertools.count(1)
        self.condition_count = sum(len(group) for group in groups)
        self.facts = 0  # facts matched so far, and the rule firings they caused (for the benchmark)
        self.firings = 0
        for group in groups:
            if not group:
                continue
            presence: set[str] = set()
            definition = {name: {"all": [{"m": to_durable(form, presence)}]} for name, form in group}
            keys: set[str] = set()
            tested: set[str] = set()
            for _, form in group:
                _read_keys(form, keys, tested)
            if tested != presence:
                raise AssertionError("presence keys disagree")  # to_durable and _read_keys drifted apart
            ruleset = f"{label}_{next(_ruleset_serial)}"  # unique: a reused name silently replaces
            try:
                self._handles.append(_durable.create_ruleset(ruleset, engine_json(definition)))
            except Exception as exc:  # the extension raises bare Exceptions with an error code
                raise EngineError(f"durable_rules refused ruleset {ruleset}: {exc}") from exc
            self._names.append(ruleset)
            self._reads.append((tuple(sorted(keys)), tuple((k, k + PRESENCE_SUFFIX) for k in sorted(presence))))

    @property
    def ruleset_count(self) -> int:
        """How many durable_rules rulesets the edition's rules were split into."""
        return len(self._handles)

    def match(self, fact: dict[str, Any]) -> set[str]:
        """Names of the conditions that hold for `fact` (a flat projected dict)."""
        fact_id = str(next(self._fact_serial))
        retract = '{"sid":"%s","id":"%s"}' % (_SESSION, fact_id)
        matched: set[str] = set()
        fired = 0
        for handle, ruleset, (keys, presence) in zip(self._handles, self._names, self._reads):
            part = {key: fact[key] for key in keys if key in fact}
            for key, flag in presence:
                part[flag] = key in fact
            part["sid"] = _SESSION
            part["id"] = fact_id
            payload = engine_json(part)
            try:
                code, state = _durable.assert_fact(handle, payload)
                if code == 0:
                    result = _durable.start_action_for_state(handle, state)
                    message = result[1] if result else None
                    while message:  # '{"<name>":{"m":{...}}}': the name is the first quoted text
                        matched.add(message[2:message.index('"', 2)])
                        fired += 1
                        message = _durable.complete_and_start_action(handle, state)
                elif code != 1:  # 1: nothing matched; 2: duplicate fact id, i.e. not evaluated
                    raise EngineError(f"durable_rules could not evaluate the fact in {ruleset} (code {code})")
                _durable.retract_fact(handle, retract)
            except Exception as exc:
                try:  # best effort: leave no half-asserted fact in the long-lived session
                    _durable.retract_fact(handle, retract)
                except Exception:
                    pass
                if isinstance(exc, EngineError):
                    raise
                raise EngineError(f"durable_rules failed in {ruleset}: {exc}") from exc
        self.facts += 1
        self.firings += fired
        return matched

    def close(self) -> None:
        """Delete the rulesets from durable_rules (the engine keeps them for the process otherwise)."""
        for handle in self._handles:
            _durable.delete_ruleset(handle)
        self._handles.clear()
        self._names.clear()

    def __enter__(self) -> "Matcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
