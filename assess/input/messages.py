"""Words for a pydantic validation error: what was wrong, what was given (cut short), what to do.

Only the first characters of the value are ever rendered (reprlib with small limits), so a huge
list or string in the wrong place costs a short message, not a copy of the input.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from typing import Any

from ..errors import did_you_mean
from .submission import NO_CONTROL, ONE_LINE

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxlevel = 2
_REPR.maxlong = 40


_DATE_REASONS = {
    ("footprint", "submitted_on"): ": STP footprints were set by the December 2015 planning guidance, and "
    "statutory ICSs replaced the partnerships on 1 July 2022",
}


_OTHER_DATES = ": a date so far outside the STP/ICS period (2015-2022) is taken for a typing mistake"


_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def _as_date(value: Any) -> dt.date | None:
    """A date from a value or from the text pydantic puts in an error's context."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        found = _DATE_REPR.fullmatch(value)
        try:
            return dt.date(*map(int, found.groups())) if found else dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def shown(value: Any) -> str:
    """A short rendering of a value from the input (never longer than ~80 characters)."""
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _expected_values(err: Any) -> list[str]:
    expected = (err.get("ctx") or {}).get("expected", "")
    return [part.strip().strip("'") for part in str(expected).replace(" or ", ",").split(",") if part.strip()]


# What each kind of validation error means, in the words a person filling in a form uses. The
# validation library's own sentences ("Input should be a valid integer") never reach a user: a
# kind missing here gets the plain fallback at the end of explain_problem.
_KINDS = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number, not a fraction",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false (yes or no)",
    "bool_parsing": "expected true or false (yes or no)",
    "string_type": "expected text",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD), not a date and time",
    "list_type": "expected a list of items",
    "dict_type": "expected a section of fields (key: value lines), not a single value or a list",
    "model_type": "expected a section of fields (key: value lines), not a single value or a list",
    "model_attributes_type": "expected a section of fields (key: value lines), not a single value or a list",
    "finite_number": "expected a finite number, not infinity or 'not a number'",
    "frozen_instance": "cannot be changed",
}
_CODE_PATTERN = "letters, digits, - and _ only, starting with a letter or digit, at most 32 characters"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def _plain_words(err: Any) -> str:
    """The sentence for one error kind, without the value given."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind in _KINDS:
        return _KINDS[kind]
    bounds = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
              "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}
    if kind in bounds:
        key, words = bounds[kind]
        return f"should be {words} {_number(ctx.get(key))}"
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "is empty; give a value" if least == 1 else f"should be at least {least:,} characters long"
    if kind == "string_too_long":
        length = f" (this one has {len(value):,})" if isinstance(value, str) else ""
        return f"is too long: at most {ctx.get('max_length', 0):,} characters{length}"
    if kind == "too_long":
        return f"has {ctx.get('actual_length', 0):,} items; at most {ctx.get('max_length', 0):,} are allowed"
    if kind == "too_short":
        return f"has {ctx.get('actual_length', 0):,} items; at least {ctx.get('min_length', 0):,} are needed"
    if kind == "string_pattern_mismatch":
        return f"not in the form this field takes ({_CODE_PATTERN})" if "0,31" in str(ctx.get("pattern")) \
            else "not in the form this field takes"
    if kind == "literal_error":
        choices = _expected_values(err)
        return f"expected {choices[0]!r}" if len(choices) == 1 else "expected one of " + ", ".join(choices)
    return "not accepted here"


def explain_problem(err: Any) -> str:
    """The message for one pydantic error (not extra_forbidden or missing: sources words those),
    in plain words: what was wrong, what was given, what to do."""
    kind = err["type"]
    if kind == "value_error":  # our own validators' words
        return str(err["msg"]).rstrip(".").removeprefix("Value error, ")
    message = _plain_words(err)
    value = err.get("input")
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == NO_CONTROL:
        return f"contains control characters (got {shown(value)}); remove them"
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == ONE_LINE:
        return f"a name or title is one line, without line breaks, tabs or control characters (got {shown(value)})"
    if kind == "literal_error":
        choices = _expected_values(err)
        if isinstance(value, str):
            lowered = {c.lower(): c for c in choices}
            if value.strip().lower() in lowered:
                return (
                    f"{message} (got {shown(value)}). Did you mean '{lowered[value.strip().lower()]}'? "
                    "Values are written exactly, in this case"
                )
            return f"{message} (got {shown(value)}).{did_you_mean(value[:200].lower(), choices)}"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and str(value) in choices:
            return f'{message} (got the number {value}): write it in quotes, "{value}", because the value is text'
    if kind in ("string_type", "literal_error") and isinstance(value, bool):
        return (
            f"{message} (got {str(value).lower()}). YAML reads an unquoted yes/no/on/off/true/false "
            "as true or false: put the value in quotes to keep it as text"
        )
    if kind == "bool_type" and isinstance(value, str):
        return f"{message} (got {shown(value)}): write true or false (or yes or no), without quotes"
    if kind in ("int_type", "float_type", "int_from_float") and isinstance(value, str):
        return f"{message} (got {shown(value)}): write the number without quotes"
    if kind == "date_type" and isinstance(value, dt.datetime):
        return "expected a date (YYYY-MM-DD), not a date and time"
    bounds = {"greater_than_equal": ("ge", "on or after"), "less_than_equal": ("le", "on or before")}
    if kind in bounds:
        limit = _as_date((err.get("ctx") or {}).get(bounds[kind][0]))
        given = _as_date(value)
        if limit is not None and given is not None:
            reason = _DATE_REASONS.get(tuple(err["loc"]), _OTHER_DATES)
            return f"the date should be {bounds[kind][1]} {limit.isoformat()} (got {given.isoformat()}){reason}"
    if kind in ("string_too_long", "too_long"):
        return message  # the value is long by definition: its length, not a copy
    if value is None and "input" in err:
        return f"{message}; the value is empty (null), and this field needs one"
    if "input" in err and value is not None or kind in ("bool_type", "int_type", "float_type", "string_type"):
        return f"{message} (got {shown(value)})"
    return message
