"""Seeded synthetic submissions, as the plain data a YAML file parses to, for benchmarks and tests.

Every submission is marked `illustrative: true`: the footprint names are real 2016 STP names, used
only so the examples read like the real thing; nothing here describes a real system.

The generator walks the schema (the pydantic models behind `assess.input.fields.fields_of`) and fills
every field of every section by its kind, driven by one maturity figure per submission, so a field
added to the schema gets plausible values without touching this module. The fields that decide a
score most (dates, percentages, finance, the lists of organisations, events, must dos and evidence)
are tuned by hand below, by path; an override whose path has left the schema is simply unused.

Submissions come from a few archetypes, from the immature ("needs most improvement") through the
glossy plan (many yes flags, nothing delivered) and the system in deficit or without a leader, to
the ICS-ready system, so that a batch spreads over the ratings as a real wave of returns would.
"""
from __future__ import annotations

import datetime as dt
import random
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

import yaml
from pydantic import BaseModel

from .fields import unwrap
from .submission import Submission

__all__ = ["ARCHETYPES", "generate", "generate_one", "write_yaml"]

OMIT = object()  # an override's way of saying "leave this field out"

# --- vocabulary --------------------------------------------------------------------------------

FOOTPRINTS = [  # (name, pre-2018 region, post-2018 region, typical population in thousands)
    ("Cumbria and North East", "North", "North East and Yorkshire", 2800),
    ("West Yorkshire and Harrogate", "North", "North East and Yorkshire", 2600),
    ("Humber, Coast and Vale", "North", "North East and Yorkshire", 1400),
    ("South Yorkshire and Bassetlaw", "North", "North East and Yorkshire", 1500),
    ("Lancashire and South Cumbria", "North", "North West", 1700),
    ("Greater Manchester", "North", "North West", 2800),
    ("Cheshire and Merseyside", "North", "North West", 2500),
    ("Staffordshire and Stoke on Trent", "Midlands and East", "Midlands", 1100),
    ("Shropshire, Telford and Wrekin", "Midlands and East", "Midlands", 470),
    ("Derbyshire", "Midlands and East", "Midlands", 1000),
    ("Lincolnshire", "Midlands and East", "Midlands", 750),
    ("Nottingham and Nottinghamshire", "Midlands and East", "Midlands", 1000),
    ("Leicester, Leicestershire and Rutland", "Midlands and East", "Midlands", 1100),
    ("The Black Country", "Midlands and East", "Midlands", 1400),
    ("Birmingham and Solihull", "Midlands and East", "Midlands", 1300),
    ("Coventry and Warwickshire", "Midlands and East", "Midlands", 950),
    ("Herefordshire and Worcestershire", "Midlands and East", "Midlands", 780),
    ("Northamptonshire", "Midlands and East", "Midlands", 740),
    ("Cambridgeshire and Peterborough", "Midlands and East", "East of England", 950),
    ("Norfolk and Waveney", "Midlands and East", "East of England", 1000),
    ("Suffolk and North East Essex", "Midlands and East", "East of England", 1000),
    ("Bedfordshire, Luton and Milton Keynes", "Midlands and East", "East of England", 950),
    ("Hertfordshire and West Essex", "Midlands and East", "East of England", 1500),
    ("Mid and South Essex", "Midlands and East", "East of England", 1200),
    ("North Central London", "London", "London", 1500),
    ("North East London", "London", "London", 2000),
    ("North West London", "London", "London", 2100),
    ("South East London", "London", "London", 1800),
    ("South West London", "London", "London", 1500),
    ("Kent and Medway", "South", "South East", 1800),
    ("Sussex and East Surrey", "South", "South East", 1800),
    ("Frimley Health", "South", "South East", 750),
    ("Surrey Heartlands", "South", "South East", 850),
    ("Cornwall and the Isles of Scilly", "South", "South West", 570),
    ("Devon", "South", "South West", 1200),
    ("Somerset", "South", "South West", 560),
    ("Bristol, North Somerset and South Gloucestershire", "South", "South West", 950),
    ("Bath, Swindon and Wiltshire", "South", "South West", 930),
    ("Dorset", "South", "South West", 770),
    ("Hampshire and the Isle of Wight", "South", "South East", 1900),
    ("Gloucestershire", "South", "South West", 630),
    ("Buckinghamshire, Oxfordshire and Berkshire West", "South", "South East", 1800),
    ("Milton Keynes, Bedfordshire and Luton", "Midlands and East", "East of England", 930),
    ("Coventry and Rugby", "Midlands and East", "Midlands", 480),
]
PLACES = [
    "Barnsley", "Bolton", "Bradford", "Bury", "Calderdale", "Carlisle", "Chester", "Crewe", "Darlington",
    "Derby", "Doncaster", "Dudley", "Durham", "Exeter", "Gateshead", "Gloucester", "Halton", "Harrogate",
    "Hull", "Ipswich", "Kirklees", "Knowsley", "Leeds", "Leicester", "Lincoln", "Luton", "Mansfield",
    "Newcastle", "Northampton", "Norwich", "Nottingham", "Oldham", "Oxford", "Peterborough", "Plymouth",
    "Preston", "Reading", "Rochdale", "Rotherham", "Salford", "Sandwell", "Sheffield", "Shrewsbury",
    "Solihull", "Southampton", "Stockport", "Stoke", "Sunderland", "Swindon", "Tameside", "Telford",
    "Torbay", "Trafford", "Wakefield", "Walsall", "Warrington", "Wigan", "Wirral", "Wolverhampton",
    "Worcester", "York",
]
COUNTIES = ["Cumbria", "Derbyshire", "Devon", "Dorset", "Essex", "Hampshire", "Kent", "Lancashire",
            "Lincolnshire", "Norfolk", "Nottinghamshire", "Somerset", "Staffordshire", "Suffolk", "Surrey",
            "Warwickshire", "Wiltshire", "Worcestershire"]
FIRST = ["Amira", "Ben", "Catherine", "David", "Elaine", "Farid", "Grace", "Harjit", "Ian", "Jo", "Kate",
         "Liam", "Mei", "Nadia", "Owen", "Priya", "Rob", "Sarah", "Tom", "Una", "Vikram", "Wendy"]
LAST = ["Ahmed", "Barker", "Chowdhury", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morgan", "Nolan", "O'Brien", "Patel", "Quinn", "Roberts", "Singh",
        "Taylor", "Walsh", "Young"]
ROLES = ["Chief executive, acute foundation trust", "Chief executive, county council",
         "Accountable officer, clinical commissioning group", "Chief executive, community and mental health trust",
         "Chief executive, metropolitan borough council", "Chief officer, CCG federation"]
TOPICS = [
    ("care", "integrated community teams for frail older people", "emergency admissions of over-75s",
     "admissions per 1,000"),
    ("care", "a single point of access for community services", "referrals answered within 2 hours", "%"),
    ("seven_day", "weekend consultant review on acute medical wards", "patients reviewed within 14 hours", "%"),
    ("seven_day", "an integrated urgent care clinical assessment service", "111 calls closed without referral", "%"),
    ("prevention", "a diabetes prevention programme across all practices", "people referred to the programme",
     "people"),
    ("prevention", "stop smoking support in maternity and acute wards", "smoking at time of delivery", "%"),
    ("prevention", "social prescribing link workers in every neighbourhood", "people supported", "people"),
    ("finance", "shared back office and procurement across trusts", "recurrent savings", "GBP m"),
    ("finance", "a system-wide agency staffing cap", "agency spend", "GBP m"),
    ("performance", "a discharge to assess model", "delayed transfer of care days", "days per 100k"),
    ("performance", "an ambulatory emergency care unit", "same-day discharges from AEC", "%"),
    ("enablers", "a shared care record across health and social care", "population covered", "%"),
    ("enablers", "a joint workforce bank for nursing staff", "vacancy rate", "%"),
    ("engagement", "a citizens' panel reviewing the plan's priorities", "panel members", "people"),
    ("governance", "a partnership board with agreed terms of reference", "board meetings held", "meetings"),
    ("integration", "a provider alliance for out-of-hospital care", "services under the alliance contract", "services"),
    ("integration", "a capitated budget for a place-based partnership", "population under the budget", "people"),
    ("plan", "a five-year system plan with milestones", "milestones met on time", "%"),
    ("progress", "a frailty pathway redesigned with primary care networks", "length of stay of frail patients", "days"),
    ("local_government", "pooled budgets with the councils for intermediate care", "pooled budget", "GBP m"),
]
SOURCE_KINDS = ["Partnership board paper", "Quality surveillance group minutes", "Monthly performance dashboard",
                "Independent evaluation by the academic health science network", "Health and wellbeing board report",
                "Finance committee paper", "Clinical senate review", "Annual report of the programme office"]
_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
PARTNERS = ["primary care networks", "the councils", "acute trusts", "the VCSE alliance"]
EVENT_TOPICS = ["the case for change", "proposals for community hospitals", "urgent and emergency care",
                "maternity services", "mental health crisis care", "primary care at scale", "the draft plan",
                "care closer to home", "the digital roadmap", "workforce pressures", "prevention priorities"]


# --- generic filling by kind ---------------------------------------------------------------------

@dataclass
class Ctx:
    """What every value of one submission is drawn from."""

    rng: random.Random
    archetype: str
    maturity: float  # 0-1: how far along the system is
    flags: float  # probability that a yes/no flag says yes (glossy plans say yes to nearly all)
    completeness: float  # probability that an optional field is filled in
    day: dt.date  # submitted_on
    name: str
    population: int

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def level(self, spread: float = 0.15) -> float:
        """The submission's maturity with noise, kept within 0-1."""
        return min(1.0, max(0.0, self.rng.gauss(self.maturity, spread)))

    def between(self, low: float, high: float, spread: float = 0.15) -> float:
        return low + (high - low) * self.level(spread)

    def before(self, low_days: int, high_days: int) -> dt.date:
        return self.day - dt.timedelta(days=self.rng.randint(low_days, high_days))

    def words(self, low: int, high: int) -> str:
        """Prose of `low`-`high` characters."""
        target = self.rng.randint(low, high)
        parts: list[str] = []
        size = 0
        while size < target:
            sentence = self.rng.choice(_SENTENCES)
            parts.append(sentence)
            size += len(sentence) + 1
        return " ".join(parts)[:high].rstrip()


def _sentences() -> list[str]:
    """A fixed pool of plausible sentences that prose is drawn from (built once, from a fixed seed)."""
    rng = random.Random("stp-synthetic-prose")
    pool = []
    for _ in range(600):
        area, topic, measure, _ = rng.choice(TOPICS)
        month = f"{_MONTHS[rng.randint(1, 12)]} {rng.randint(2015, 2021)}"
        pool.append(rng.choice([
            f"Partners agreed {topic}, led by {rng.choice(PLACES)} and reviewed quarterly.",
            f"The {area.replace('_', ' ')} workstream reports {measure} to the partnership board.",
            f"Clinicians and the public shaped {topic} through workshops in {rng.choice(PLACES)}.",
            f"{rng.choice(SOURCE_KINDS)}, {month}, sets out {measure}.",
            f"Lessons from {rng.choice(PLACES)} informed {topic} across the footprint.",
        ]))
    return pool


_SENTENCES = _sentences()


_strip = unwrap  # (bare type, constraints, None allowed)


def _bound(constraints: list[Any], *names: str) -> Any:
    for c in constraints:
        for name in names:
            value = getattr(c, name, None)
            if value is not None and not callable(value):
                return value
    return None


def _generic_scalar(ctx: Ctx, annotation: Any, constraints: list[Any], name: str) -> Any:
    rng = ctx.rng
    if typing.get_origin(annotation) is Literal:
        values = typing.get_args(annotation)
        # enums in the schema run from least to most mature where they are ordered at all
        index = round(ctx.level(0.2) * (len(values) - 1))
        return values[index]
    if annotation is bool:
        return ctx.chance(ctx.flags)
    if annotation is dt.date:
        return ctx.before(20, 540)
    lo = _bound(constraints, "ge", "gt")
    hi = _bound(constraints, "le", "lt")
    if annotation is int:
        lo = 0 if lo is None else int(lo)
        hi = lo + 20 if hi is None else int(hi)
        return lo + round(ctx.level(0.25) * min(hi - lo, 20))
    if annotation is float:
        lo = 0.0 if lo is None else float(lo)
        hi = lo + 50.0 if hi is None else float(hi)
        if (lo, hi) == (0.0, 100.0):  # a percentage
            return round(ctx.between(30.0, 95.0, 0.2), 1)
        span = min(hi - lo, 50.0)
        base = max(lo, 0.0) if lo < 0 < hi else lo
        return round(min(hi, base + span * ctx.level(0.25)), 1)
    if annotation is str:
        high = _bound(constraints, "max_length") or 200
        if "name" in name:
            return f"{rng.choice(FIRST)} {rng.choice(LAST)} (illustrative)"[:high]
        return ctx.words(min(40, high), min(160, high))
    raise TypeError(f"no synthetic value for {annotation!r} ({name})")


@dataclass(frozen=True)
class _Slot:
    """One field of a model, introspected once."""

    name: str
    path: str
    annotation: Any
    constraints: tuple[Any, ...]
    optional: bool
    required: bool


_PLANS: dict[tuple[Any, str], tuple[_Slot, ...]] = {}


def _plan(model: type[BaseModel], prefix: str) -> tuple[_Slot, ...]:
    key = (model, prefix)
    plan = _PLANS.get(key)
    if plan is None:
        slots = []
        for name, info in model.model_fields.items():
            annotation, constraints, optional = _strip(info.annotation)
            slots.append(_Slot(name, prefix + name, annotation, tuple(info.metadata) + tuple(constraints),
                               optional, info.is_required()))
        plan = _PLANS[key] = tuple(slots)
    return plan


def _fill(model: type[BaseModel], prefix: str, ctx: Ctx, item: dict[str, Any] | None = None,
          only: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """Every field of `model`, by override or by kind; optional ones filled as completeness says."""
    out: dict[str, Any] = {} if item is None else item
    for slot in _plan(model, prefix):
        name, annotation, constraints = slot.name, slot.annotation, slot.constraints
        if only is not None and not only(name):
            continue
        override = OVERRIDES.get(slot.path) if only is None else None
        if override is not None:
            value = override(ctx, out)
            if value is not OMIT:
                out[name] = value
            continue
        if not slot.required and slot.optional and not ctx.chance(ctx.completeness):
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out[name] = _fill(annotation, slot.path + ".", ctx)
        elif typing.get_origin(annotation) is list:
            inner, inner_constraints, _ = _strip(typing.get_args(annotation)[0])
            top = _bound(list(constraints), "max_length") or 10
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                count = min(top, ctx.rng.randint(1, 8))
                out[name] = [_fill(inner, slot.path + "[].", ctx) for _ in range(count)]
            elif typing.get_origin(inner) is Literal:
                values = typing.get_args(inner)
                k = min(top, round(ctx.level(0.2) * len(values)))
                chosen = set(ctx.rng.sample(values, k))
                out[name] = [v for v in values if v in chosen]
            else:
                out[name] = [_generic_scalar(ctx, inner, inner_constraints, name)
                             for _ in range(min(top, ctx.rng.randint(0, 4)))]
        else:
            out[name] = _generic_scalar(ctx, annotation, list(constraints), name)
    finish = FINISH.get(prefix) if only is None else None
    if finish is not None:
        finish(ctx, out)
    return out


# --- hand-tuned values, by path ------------------------------------------------------------------

def _org_name(ctx: Ctx, kind: str) -> str:
    place = ctx.rng.choice(PLACES)
    county = ctx.rng.choice(COUNTIES)
    return {
        "ccg": f"NHS {place} CCG",
        "nhs_trust": f"{place} Hospitals NHS Trust",
        "foundation_trust": ctx.rng.choice([f"{place} Teaching Hospitals NHS Foundation Trust",
                                            f"{county} Partnership NHS Foundation Trust"]),
        "ambulance_trust": f"{ctx.rng.choice(['North West', 'East Midlands', 'South Western', 'Yorkshire'])} "
                           "Ambulance Service NHS Trust",
        "local_authority": ctx.rng.choice([f"{county} County Council", f"{place} City Council",
                                           f"{place} Metropolitan Borough Council", f"{place} District Council"]),
        "gp_practice_group": f"{place} Practices Group",
        "gp_federation": f"{place} GP Federation",
        "primary_care_network": f"{place} {ctx.rng.choice(['Central', 'North', 'South', 'East', 'West'])} PCN",
        "csu": f"{county} Commissioning Support Unit",
        "vcse": ctx.rng.choice([f"Voluntary Action {place}", f"{place} Carers Centre", f"Age UK {place}"]),
        "housing": f"{place} Homes",
    }.get(kind, f"{place} Community Interest Company")


def _organisations(ctx: Ctx, _: dict[str, Any]) -> list[dict[str, Any]]:
    rng = ctx.rng
    n = rng.randint(10, 60)
    ccg_era = ctx.day < dt.date(2020, 4, 1)
    weights = {"ccg": 4 if ccg_era else 1, "nhs_trust": 2, "foundation_trust": 4, "ambulance_trust": 0.5,
               "local_authority": 3, "gp_practice_group": 1, "gp_federation": 2,
               "primary_care_network": 0 if ctx.day < dt.date(2019, 7, 1) else 6, "csu": 0.5, "vcse": 2,
               "housing": 1, "other": 0.5}
    kinds = rng.choices(list(weights), weights=list(weights.values()), k=n)
    kinds[:3] = ["ccg" if ccg_era else "foundation_trust", "nhs_trust", "local_authority"]
    out = []
    for kind in kinds:
        org: dict[str, Any] = {"name": _org_name(ctx, kind), "kind": kind}
        if kind == "local_authority":
            org["upper_tier"] = ctx.chance(0.6)
        org["partner"] = ctx.chance(0.75 + 0.25 * ctx.maturity)
        if ctx.chance(ctx.completeness):
            org["signed_off_plan"] = ctx.chance(0.3 + 0.7 * ctx.maturity)
        if ctx.chance(ctx.completeness * 0.8):
            org["contributes_programme_staff"] = ctx.chance(0.2 + 0.6 * ctx.maturity)
        out.append(_fill_rest("organisations[].", ctx, org))
    return out


_TUNED = {  # item fields the list builders below set by hand (or leave out on purpose)
    "organisations[].": {"name", "kind", "upper_tier", "partner", "signed_off_plan", "contributes_programme_staff"},
    "engagement_events[].": {"held_on", "audience", "participants", "summary"},
    "must_dos[].": {"number", "mapped", "actions"},
    "evidence[].": {"ref", "area", "title", "status", "started_on", "delivered_on", "measure", "baseline",
                    "current", "unit", "measured_on", "structural", "source"},
}


def _fill_rest(prefix: str, ctx: Ctx, item: dict[str, Any]) -> dict[str, Any]:
    """Item fields the builders do not know (added to the schema since) filled generically."""
    tuned = _TUNED[prefix]
    if all(slot.name in tuned for slot in _plan(_ITEM_MODELS[prefix], prefix)):
        return item
    return _fill(_ITEM_MODELS[prefix], prefix, ctx, item, only=lambda name: name not in tuned)


def _events(ctx: Ctx, _: dict[str, Any]) -> list[dict[str, Any]]:
    rng = ctx.rng
    n = rng.randint(10, 80) if ctx.archetype != "immature" else rng.randint(10, 30)
    audiences = ["clinicians", "patients", "carers", "public", "vcse", "local_government",
                 "health_and_wellbeing_board", "overview_and_scrutiny", "staff", "housing"]
    out: list[dict[str, Any]] = []
    for _index in range(n):
        audience = rng.choice(audiences)
        event: dict[str, Any] = {"held_on": ctx.before(5, 365), "audience": audience}
        if ctx.chance(0.8):
            event["participants"] = rng.randint(8, 400)
        if ctx.chance(0.85):
            kind = rng.choice(["Workshop", "Listening event", "Board session", "Online survey", "Roadshow"])
            event["summary"] = (f"{kind} with {audience.replace('_', ' ')} on {rng.choice(EVENT_TOPICS)}. "
                                + ctx.words(80, 320))
        out.append(_fill_rest("engagement_events[].", ctx, event))
    return sorted(out, key=lambda e: e["held_on"])


def _must_dos(ctx: Ctx, _: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for number in range(1, 10):
        mapped = ctx.chance(max(ctx.flags, ctx.maturity) * 0.95 + 0.05)
        out.append(_fill_rest("must_dos[].", ctx, {
            "number": number, "mapped": mapped,
            "actions": ctx.rng.randint(1, 3 + round(9 * ctx.maturity)) if mapped else 0}))
    return out


def _evidence(ctx: Ctx, _: dict[str, Any]) -> list[dict[str, Any]]:
    rng = ctx.rng
    n = rng.randint(5, 12) if ctx.archetype == "immature" else rng.randint(5 + round(15 * ctx.maturity), 40)
    if ctx.archetype in ("glossy", "immature"):
        weights = [0.7, 0.3, 0.0] if ctx.archetype == "glossy" else [0.6, 0.3, 0.1]
    else:
        delivered = 0.15 + 0.6 * ctx.maturity
        weights = [1 - delivered - 0.2, 0.2, delivered]
    out = []
    for i in range(1, n + 1):
        area, topic, measure, unit = rng.choice(TOPICS)
        status = rng.choices(["planned", "in_progress", "delivered"], weights=weights)[0]
        place = rng.choice(PLACES)
        item: dict[str, Any] = {
            "ref": f"EV-{ctx.day.year}-{i:03d}",
            "area": area,
            "title": (f"{topic[0].upper()}{topic[1:]} in {place}, "
                      f"{rng.choice(['phase one', 'first wave', 'rolled out system-wide', 'pilot then spread'])}"
                      f" with {rng.choice(PARTNERS)}")[:200],
            "status": status,
        }
        if status != "planned" or ctx.chance(0.5):
            item["started_on"] = ctx.before(90, 900)
        if status == "delivered":
            started = item.get("started_on", ctx.before(200, 900))
            item["started_on"] = started
            # most delivered changes are dated before the submission; a few carry a later date
            late = ctx.chance(0.05)
            item["delivered_on"] = (ctx.day + dt.timedelta(days=rng.randint(1, 60)) if late
                                    else started + dt.timedelta(days=rng.randint(30, max(31, (ctx.day - started).days)))
                                    )
            if item["delivered_on"] > ctx.day:
                if late:  # a claim of delivery with a date after the submission is refused as input:
                    del item["delivered_on"]  # such items become delivered claims with no date
                else:
                    item["delivered_on"] = ctx.day
        measured = ctx.chance(0.25 + 0.7 * ctx.maturity) if status != "planned" else ctx.chance(0.3)
        if measured:
            item["measure"] = (f"{measure[0].upper()}{measure[1:]} in {place}, monthly, against the "
                               f"{rng.choice(['2015/16', '2016/17', '2018/19'])} baseline, from "
                               f"{rng.choice(['SUS', 'the ECDS feed', 'practice systems', 'council returns'])}")[:200]
            baseline = round(rng.uniform(10, 90), 1)
            item["baseline"] = baseline
            if status != "planned":
                change = rng.uniform(-0.05, 0.25) * (1 if ctx.chance(0.5) else -1)
                item["current"] = round(baseline * (1 + change), 1)
            item["unit"] = unit
            if "current" in item:
                item["measured_on"] = ctx.before(7, 120)
                if "delivered_on" in item and item["measured_on"] < item["delivered_on"]:
                    item["measured_on"] = item["delivered_on"]  # measured after delivery, as the schema asks
        item["structural"] = ctx.chance(0.5 if ctx.archetype in ("glossy", "immature") else 0.15)
        if ctx.chance(0.4 + 0.5 * ctx.maturity):
            item["source"] = f"{rng.choice(SOURCE_KINDS)}: " + ctx.words(150, 550)
        out.append(_fill_rest("evidence[].", ctx, item))
    return out


def _leadership_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    if ctx.archetype == "no_leader":
        out.clear()
        if ctx.chance(0.5):
            out["chair_independent_non_executive"] = False
        return
    out["leader_name"] = f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)} (illustrative)"
    out["leader_role"] = ctx.rng.choice(ROLES)
    out["leader_sector"] = "local_government" if "council" in out["leader_role"] else "nhs"
    appointed = ctx.before(60, 700)
    out["leader_appointed_on"] = appointed
    if ctx.chance(0.2 + 0.8 * ctx.maturity):
        out["leader_ratified"] = True
        days = ctx.rng.randint(10, max(11, (ctx.day - appointed).days))
        out["leader_ratified_on"] = appointed + dt.timedelta(days=days)
    else:
        out["leader_ratified"] = False
        out.pop("leader_ratified_on", None)


def _footprint_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    out["upper_tier_local_authorities"] = max(1, round(ctx.population / 400_000))
    out["nhs_organisations"] = ctx.rng.randint(8, 40)


def _plan_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    if ctx.day < dt.date(2019, 1, 1):
        out["period_start"], out["period_end"] = dt.date(2016, 10, 1), dt.date(2021, 3, 31)
    else:
        out["period_start"], out["period_end"] = dt.date(2019, 4, 1), dt.date(2024, 3, 31)
    if "review_cycle_months" in out:
        out["review_cycle_months"] = ctx.rng.choice([3, 6, 6, 12, 12, 24])
    if "ics_target_date" in out:  # mature systems aim for April 2020 or 2021; others later
        year = 2020 + ctx.rng.choice([0, 1]) if ctx.chance(0.2 + 0.8 * ctx.maturity) else 2022
        out["ics_target_date"] = dt.date(year, 4, 1)


def _finance_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    rng = ctx.rng
    scale = ctx.population / 1_000_000
    out["do_nothing_gap_gbp_m"] = round(rng.uniform(150, 420) * scale, 1)
    if ctx.archetype == "deficit":
        position = -rng.uniform(20, 160) * scale
        out["aggregate_position_pct"] = round(-rng.uniform(1.5, 6.0), 1)
        out["recovery_plan"] = ctx.chance(0.6)
        out["system_control_total_agreed"] = False
    else:
        position = rng.gauss(-30 + 45 * ctx.maturity, 12) * scale
        out["aggregate_position_pct"] = round(max(-10.0, min(3.0, rng.gauss(-2 + 2.6 * ctx.maturity, 0.8))), 1)
    out["planned_position_2020_21_gbp_m"] = round(max(-2000.0, min(2000.0, position)), 1)
    if "planned_position_2023_24_gbp_m" in out:
        later = position + rng.gauss(10 + 20 * ctx.maturity, 15) * scale
        out["planned_position_2023_24_gbp_m"] = round(max(-2000.0, min(2000.0, later)), 1)
    out["annual_efficiency_pct"] = round(ctx.between(1.0, 4.5), 1)


def _performance_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    ranges = {  # worst .. best of what STPs reported 2016-2021
        "ae_4h_pct": (76.0, 96.0), "ambulance_cat_a_8min_pct": (58.0, 80.0), "rtt_18w_pct": (78.0, 93.5),
        "cancer_62d_pct": (70.0, 88.0), "cancer_2ww_pct": (85.0, 97.0), "eip_2w_pct": (35.0, 85.0),
        "dementia_diagnosis_pct": (55.0, 77.0), "emergency_admissions_change_pct": (7.0, -4.0),
        "emergency_bed_days_change_pct": (8.0, -6.0), "dtoc_days_per_100k": (28.0, 4.0),
    }
    for name, (worst, best) in ranges.items():
        if name in out:
            out[name] = round(worst + (best - worst) * ctx.level(0.2), 1)
    out["measured_on"] = ctx.before(20, 100)


def _seven_day_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    # coverage of the priority standards grew over the years: 2016 ~10-40 %, 2020 ~50-100 %
    years = max(0.0, (ctx.day - dt.date(2016, 4, 1)).days / 365)
    low = min(90.0, 8 + 14 * years)
    if "priority_standards_coverage_pct" in out:
        out["priority_standards_coverage_pct"] = round(min(100.0, low + (100 - low) * ctx.level(0.25) * 0.8), 1)
    if "gp_extended_access_pct" in out:
        out["gp_extended_access_pct"] = round(min(100.0, 10 + 25 * years * ctx.level(0.2) + 20 * ctx.maturity), 1)


def _governance_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    rng = ctx.rng
    if "board_meetings_last_12_months" in out:
        out["board_meetings_last_12_months"] = rng.randint(2, 12)
    for name, top in (("board_non_executive_members", 8), ("board_independent_non_executives", 3),
                      ("board_gp_members", 5), ("board_local_government_members", 8)):
        if name in out:
            out[name] = round(top * ctx.level(0.25))
    if "programme_office_wte" in out:
        out["programme_office_wte"] = round(ctx.between(2, 45), 1)
    if ctx.archetype == "no_leader":
        out.pop("dispute_final_decision_taker", None)
    elif "dispute_final_decision_taker" in out:
        out["dispute_final_decision_taker"] = rng.choice(
            ["The partnership board, by a two-thirds majority", "The STP leader, after the chief executives' group",
             "The joint committee of the CCGs", "The independent chair, on the board's advice"])
    out["governance_agreed_on"] = ctx.before(30, 600)


def _prevention_finish(ctx: Ctx, out: dict[str, Any]) -> None:
    rng = ctx.rng
    for name, top in (("obesity_actions", 8), ("diabetes_actions", 8), ("local_priorities", 6),
                      ("inequality_targets", 6)):
        if name in out:
            out[name] = round(top * ctx.level(0.25))
    if "demand_reduction_target_pct" in out:
        out["demand_reduction_target_pct"] = round(ctx.between(0.0, 12.0), 1)
    if "investment_gbp_m" in out:
        out["investment_gbp_m"] = round(rng.uniform(0.5, 30) * ctx.population / 1_000_000, 1)


def _small_counts(ctx: Ctx, out: dict[str, Any], *names: str, top: int = 6) -> None:
    for name in names:
        if name in out:
            out[name] = round(top * ctx.level(0.25))


OVERRIDES: dict[str, Callable[[Ctx, dict[str, Any]], Any]] = {
    "schema_version": lambda ctx, _: "1.0",
    "illustrative": lambda ctx, _: True,
    "footprint.code": lambda ctx, _: f"E54{ctx.rng.randint(0, 999999):06d}",
    "footprint.name": lambda ctx, _: ctx.name,
    "footprint.region": lambda ctx, _: OMIT,  # set in generate_one (depends on the date)
    "footprint.population": lambda ctx, _: ctx.population,
    "footprint.submitted_on": lambda ctx, _: ctx.day,
    "organisations": _organisations,
    "engagement_events": _events,
    "must_dos": _must_dos,
    "evidence": _evidence,
    "governance.short_return_sections": lambda ctx, _: (
        [s for s in ("priorities", "gap_analysis", "governance") if ctx.chance(0.3 + 0.7 * ctx.flags)]
        if ctx.day < dt.date(2017, 4, 1) else OMIT),
    "seven_day.other_standards_in_progress": lambda ctx, _: round(6 * ctx.level(0.25)),
    "out_of_hospital.investment_shift_pct": lambda ctx, _: round(ctx.between(-1.5, 4.0), 1),
    "out_of_hospital.gp_network_typical_population": lambda ctx, _: ctx.rng.randint(25, 60) * 1000,
    "new_care_models.vanguards_in_footprint": lambda ctx, _: ctx.rng.choice([0, 0, 1, 1, 2, 3]),
    "quality.services_inadequate_or_special_measures": lambda ctx, _: max(0, round((1 - ctx.level(0.3)) * 4)),
    "workforce.vacancy_rate_pct": lambda ctx, _: round(ctx.between(14.0, 5.0), 1),
    "integration.demand_growth_moderation_pct": lambda ctx, _: round(ctx.between(-0.5, 3.0), 1),
    "workforce.supply_gap_wte": lambda ctx, _: round(ctx.population / 1000 * ctx.between(2.5, 0.3), 0),
    "performance.recovery_support_programme": lambda ctx, _: ctx.chance(0.5 * (1 - ctx.maturity) ** 2),
    "clinical_priorities.ld_inpatient_reduction_pct": lambda ctx, _: round(ctx.between(0.0, 45.0), 1),
}
FINISH: dict[str, Callable[[Ctx, dict[str, Any]], None]] = {
    "footprint.": _footprint_finish,
    "leadership.": _leadership_finish,
    "governance.": _governance_finish,
    "plan.": _plan_finish,
    "finance.": _finance_finish,
    "performance.": _performance_finish,
    "seven_day.": _seven_day_finish,
    "prevention.": _prevention_finish,
    "quality.": lambda ctx, out: _small_counts(ctx, out, "services_with_joint_improvement_plan", top=4),
}


def _item_models() -> dict[str, type[BaseModel]]:
    found = {}
    for name, info in Submission.model_fields.items():
        annotation, _, _ = _strip(info.annotation)
        if typing.get_origin(annotation) is list:
            inner, _, _ = _strip(typing.get_args(annotation)[0])
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found[f"{name}[]."] = inner
    return found


_ITEM_MODELS = _item_models()


# --- archetypes and the public API ---------------------------------------------------------------

ARCHETYPES = {  # name: (weight, maturity range, flag probability, completeness)
    "immature": (0.14, (0.02, 0.28), None, 0.55),
    "glossy": (0.12, (0.25, 0.5), 0.92, 0.9),
    "deficit": (0.12, (0.35, 0.65), None, 0.8),
    "no_leader": (0.08, (0.2, 0.55), None, 0.7),
    "developing": (0.24, (0.4, 0.7), None, 0.8),
    "maturing": (0.18, (0.6, 0.85), None, 0.9),
    "ics_ready": (0.12, (0.85, 1.0), None, 0.97),
}
ROUNDS = [  # submission rounds: (date, weight)
    (dt.date(2016, 6, 30), 1.0), (dt.date(2016, 10, 21), 2.0), (dt.date(2017, 7, 21), 1.5),
    (dt.date(2018, 5, 31), 1.0), (dt.date(2019, 11, 15), 1.5), (dt.date(2020, 9, 30), 1.0),
    (dt.date(2021, 6, 30), 1.0),
]


def generate_one(seed: Any) -> dict[str, Any]:
    """One submission as plain data (dates as `datetime.date`, like PyYAML gives them)."""
    rng = random.Random(seed)
    names = list(ARCHETYPES)
    archetype = rng.choices(names, weights=[ARCHETYPES[n][0] for n in names])[0]
    _, (low, high), flags, completeness = ARCHETYPES[archetype]
    maturity = rng.uniform(low, high)
    round_day = rng.choices([r[0] for r in ROUNDS], weights=[r[1] for r in ROUNDS])[0]
    day = round_day + dt.timedelta(days=rng.randint(-20, 20))
    name, old_region, new_region, thousands = rng.choice(FOOTPRINTS)
    population = max(10_000, min(10_000_000, int(round(thousands * 1000 * rng.uniform(0.85, 1.15), -3))))
    ctx = Ctx(rng, archetype, maturity, flags if flags is not None else 0.1 + 0.85 * maturity,
              completeness, day, name, population)
    data = _fill(Submission, "", ctx)
    data["footprint"]["region"] = old_region if day < dt.date(2018, 4, 1) else new_region
    return data


def generate(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` submissions; the same `n` and `seed` always give the same data (item i never depends on n)."""
    return [generate_one(f"stp-synthetic:{seed}:{i}") for i in range(n)]


def write_yaml(submissions: list[dict[str, Any]], folder: str | Path, prefix: str = "submission") -> list[Path]:
    """Write each submission as `<prefix>-<index>.yaml` in `folder`; returns the paths."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    paths = []
    width = max(5, len(str(len(submissions))))
    for i, data in enumerate(submissions):
        path = root / f"{prefix}-{i:0{width}d}.yaml"
        text = "# ILLUSTRATIVE: synthetic data, not an assessment of a real system.\n" + yaml.dump(
            data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
