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


def explain_problem(err: Any) -> str:
    """The message for one pydantic error (not extra_forbidden or missing: sources words those)."""
    kind = err["type"]
    message = str(err["msg"]).rstrip(".")
    if kind == "value_error":
        return message.removeprefix("Value error, ")
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
    if "input" in err:
        return f"{message} (got {shown(value)})"
    return message
