"""Words a reviewer reads in place of codes: field labels, enum values, dates, yes/no.

Field labels come from the schema (a field's `title`, else its name in words); enum values are
shown in words with the acronyms and names the NHS writes (`ccg` → CCG, `rightcare` → RightCare);
dates as people write them in England (21 October 2016). Machine-readable output (JSON) keeps the
codes; this module is for the text that explains them.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# words written in capitals or in their own spelling
_WORDS = {
    "ae": "A&E", "ccg": "CCG", "csu": "CSU", "gp": "GP", "hwb": "HWB", "ics": "ICS", "ld": "LD",
    "nhs": "NHS", "pct": "%", "stp": "STP", "uec": "UEC", "vcse": "VCSE", "wte": "WTE", "ons": "ONS",
    "rightcare": "RightCare", "4h": "4-hour", "8min": "8-minute", "cat": "category", "62d": "62-day",
    "gbp": "£", "gbpm": "£m", "dtoc": "delayed transfers of care", "100k": "100,000",
}
# whole values with a name of their own
_VALUES = {
    "co_production": "co-production", "person_centred": "person-centred", "seven_day": "seven-day services",
    "carter": "Carter", "better_births": "Better Births", "gp_forward_view": "GP Forward View",
    "building_right_support": "Building the Right Support", "cancer_taskforce": "Cancer Taskforce",
    "mental_health_taskforce": "Mental Health Taskforce", "uec_review": "UEC review",
    "vcse_and_housing": "VCSE and housing", "nhs_trust": "NHS trust",
}
DATE_SYMBOLS = {"lt": "before", "lte": "on or before", "gt": "after", "gte": "on or after"}


def words(name: str) -> str:
    """A snake_case name in words: 'leader_ratified_on' → 'leader ratified on', 'ccg' → 'CCG'."""
    parts = [part for part in name.replace("cat_a_", "cat_A_").replace("gbp_m", "gbpm").split("_") if part]
    for i in range(len(parts) - 1, 0, -1):  # 2020_21 is the financial year 2020/21
        if len(parts[i - 1]) == 4 and parts[i - 1].isdigit() and len(parts[i]) == 2 and parts[i].isdigit():
            parts[i - 1:i + 1] = [f"{parts[i - 1]}/{parts[i]}"]
    return " ".join(_WORDS.get(part, part) for part in parts)


def sentence(name: str) -> str:
    """A name in words with a capital first letter (acronyms untouched)."""
    text = words(name)
    return text[:1].upper() + text[1:]


def enum_label(value: Any) -> str:
    """An enum value as a reviewer reads it: 'overview_and_scrutiny' → 'overview and scrutiny'."""
    text = str(value)
    if text in _VALUES:
        return _VALUES[text]
    if " " in text or not text.islower() and "_" not in text:  # already words ('North West')
        return text
    return words(text)


def long_date(value: Any) -> str:
    """A date (or ISO date text, or a day number) as 21 October 2016."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = dt.date.fromordinal(value)
    elif isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def plain(value: Any, kind: str = "", enum: bool = False) -> str:
    """A submitted or expected value in words: 'not given', yes/no, dates as dates, enum labels."""
    if value is None:
        return "not given"
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v, kind, enum) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "date" or isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if enum:
        return enum_label(value)
    return str(value)


def lower_first(text: str) -> str:
    """'Submitted on' → 'submitted on', for a label inside a sentence; 'NHS trust' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def field_label(name: str, title: str | None = None) -> str:
    """A field's label: its schema title when it has one, else its name in words."""
    if name.startswith("trajectory."):
        return "the national trajectory for " + words(name.split(".", 1)[1])
    return title or sentence(name.rsplit(".", 1)[-1])


_LISTS = {"evidence": "evidence items"}


def list_label(path: str) -> str:
    """A list of records in words, for counts: 'engagement_events' → 'engagement events'."""
    name = path.rsplit(".", 1)[-1]
    return _LISTS.get(name, words(name))
