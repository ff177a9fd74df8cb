"""The submission schema: one STP/ICS footprint at one point in time.

Flat by design, so that a workbook can carry it: every section is a set of scalars (one row each on a
field/value sheet) and every list holds flat records (one sheet per list). Evidence is recorded as
dated, measured items rather than yes/no flags, so that a plan that only promises cannot score like
one that delivers.
"""
# No `from __future__ import annotations` here: pydantic builds these models from annotations that
# are objects already, instead of evaluating ~300 strings (~4 ms of every command that validates).
import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1.0"

# Text may not hold C0 control characters (tab, newline and carriage return are allowed), DEL or
# C1 controls (U+0080-U+009F: never meaningful in text, and some terminals obey them).
# A pattern pydantic checks in its core (Rust regex), not a Python validator: the same rule, cheaper.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"  # names and titles: no line breaks or tabs either

# Dates: STP footprints were set by the December 2015 planning guidance (the first edition's
# start, rules/catalogue.yaml) and the partnerships were replaced by 42 statutory ICSs on 1 July 2022
# (Health and Care Act 2022; source S35 of the reference digest), so a submission is dated inside
# that span. Other dates (evidence, meetings, plan periods) may reach back to the changes that came
# before and forward to the end of the longest plans, so they get a wider span that still catches a
# typo (1900, 9999).
# The placeholders `assess init` writes: refused until replaced, so an unedited template gets a
# message instead of a score.
PLACEHOLDER_CODE = "E54000000"
PLACEHOLDER_NAME = "Your footprint's published name"
PROBLEM_SEPARATOR = "\n"  # between the problems one model validator reports (each starts with its path)
FIRST_SUBMISSION = dt.date(2015, 12, 22)
LAST_SUBMISSION = dt.date(2022, 6, 30)
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2035, 12, 31)


def _iso_date(value: Any) -> Any:
    """Accept a date or an ISO 'YYYY-MM-DD' string (JSON has no date type); refuse date-times."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            if len(value) > 10 and value[10:11] in ("T", "t", " "):
                raise ValueError("expected a date (YYYY-MM-DD), not a date and time") from None
            raise ValueError("expected a real date as YYYY-MM-DD") from None
    if not isinstance(value, dt.date):  # a number would otherwise be taken as a Unix timestamp
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


Name = Annotated[str, Field(min_length=1, max_length=200, pattern=ONE_LINE)]
Text = Annotated[str, Field(max_length=4000, pattern=NO_CONTROL)]
Day = Annotated[dt.date, BeforeValidator(_iso_date), Field(strict=False, ge=EARLIEST_DATE, le=LATEST_DATE)]
SubmissionDay = Annotated[dt.date, BeforeValidator(_iso_date),
                          Field(strict=False, ge=FIRST_SUBMISSION, le=LAST_SUBMISSION)]
Pct = Annotated[float, Field(ge=0, le=100)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Money = Annotated[float, Field(ge=-100_000, le=100_000)]

Region = Literal[
    "North", "Midlands and East", "London", "South",  # NHS England regions, 2016-2018
    "North East and Yorkshire", "North West", "Midlands", "East of England",
    "South East", "South West",  # regions from 2018
]
OrganisationKind = Literal[
    "ccg", "nhs_trust", "foundation_trust", "ambulance_trust", "local_authority",
    "gp_practice_group", "gp_federation", "primary_care_network", "csu", "vcse", "housing",
    "other",
]
Area = Literal[
    "plan", "care", "prevention", "seven_day", "local_government", "engagement", "progress",
    "governance", "finance", "performance", "enablers", "integration",
]
Audience = Literal[
    "clinicians", "patients", "carers", "public", "vcse", "local_government",
    "health_and_wellbeing_board", "overview_and_scrutiny", "staff", "housing",
]
Principle = Literal[
    "person_centred", "co_production", "equality", "carers", "vcse_and_housing", "volunteering",
]
FootprintFactor = Literal[
    "patient_flows", "travel_links", "natural_communities", "existing_relationships", "scale",
    "change_programmes", "financial_sustainability", "leadership_capacity",
]
Framework = Literal[
    "rightcare", "carter", "vanguards", "better_births", "cancer_taskforce",
    "mental_health_taskforce", "gp_forward_view", "uec_review", "building_right_support",
]
EfficiencyScheme = Literal[
    "carter", "agency_caps", "rightcare", "estates", "procurement", "back_office",
    "demand_management", "medicines",
]


class Section(BaseModel):
    """Strict, frozen and closed: unknown fields are errors, types are never coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Footprint(Section):
    """Who is submitting, and when: the identity every report leads with."""

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")] = Field(
        examples=["E54000005"],
        description="Footprint code, e.g. the ONS STP code E54000005 (letters, digits, - and _).")
    name: Name = Field(description="Footprint name as published.", examples=["West Yorkshire and Harrogate"])
    region: Region = Field(description="NHS England region at the time of the submission.")
    population: Annotated[int, Field(ge=10_000, le=10_000_000)] = Field(
        description="Registered or resident population covered.")
    submitted_on: SubmissionDay = Field(
        examples=["2016-10-21"],
        description="Date of the submission, between 2015-12-22 (the planning guidance that set the footprints) "
        "and 2022-06-30 (statutory ICSs from 1 July 2022); picks the default edition.")
    upper_tier_local_authorities: Annotated[int, Field(ge=0, le=60)] | None = Field(
        None, description="Number of upper-tier local authorities in the footprint.")
    nhs_organisations: Annotated[int, Field(ge=0, le=500)] | None = Field(
        None, description="Number of NHS commissioners and providers in the footprint.")

    @field_validator("code", "name")
    @classmethod
    def _not_the_template(cls, value: str) -> str:
        if value in (PLACEHOLDER_CODE, PLACEHOLDER_NAME):
            raise ValueError(f"still the template's placeholder ({value!r}): replace it with your footprint's own")
        return value


class Organisation(Section):
    """A constituent organisation of the footprint."""

    name: Name = Field(description="The organisation's name.")
    kind: OrganisationKind = Field(description="The kind of organisation (e.g. ccg, nhs_trust, local_authority).")
    upper_tier: bool | None = Field(None, description="For local authorities: upper tier.")
    partner: bool = Field(True, description="Named as a partner of the STP.")
    signed_off_plan: bool | None = Field(None, description="Its board or cabinet signed the plan off.")
    contributes_programme_staff: bool | None = Field(
        None, description="Pools staff or expertise into the programme office.")
    operational_plan_aligned: bool | None = Field(
        None, description="For NHS bodies: its 2016/17 operational plan is consistent with the STP as year one.")
    hwb_discussed_plan_on: Day | None = Field(
        None, description="Upper-tier councils: when its health and wellbeing board last discussed the plan.")


class Leadership(Section):
    """The single STP leader and the chair."""

    leader_name: Name | None = Field(
        None, description="Name of the STP or ICS leader.")
    leader_role: Name | None = Field(None, description="Substantive role, e.g. trust chief executive.")
    leader_sector: Literal["nhs", "local_government", "other"] | None = Field(
        None, description="The leader's home sector: nhs, local_government or other.")
    leader_appointed_on: Day | None = Field(
        None, description="Date the leader was appointed.")
    leader_ratified: bool | None = Field(None, description="Ratified by NHS England and NHS Improvement.")
    leader_ratified_on: Day | None = Field(
        None, description="Date the appointment was ratified.")
    chair_independent_non_executive: bool | None = Field(
        None, description="The partnership board is chaired by an independent non-executive.")


class Governance(Section):
    """Board, programme office and decision-making arrangements."""

    board_established: bool | None = Field(
        None, description="A partnership (STP) board has been established.")
    board_terms_of_reference_published: bool | None = Field(
        None, description="The board's terms of reference are published.")
    board_meetings_last_12_months: Count | None = Field(
        None, description="Board meetings held in the last 12 months.")
    board_non_executive_members: Count | None = Field(
        None, description="Non-executive members of the board.")
    board_independent_non_executives: Count | None = Field(
        None, description="Independent non-executive members of the board.")
    board_gp_members: Count | None = Field(
        None, description="General practitioners on the board.")
    board_local_government_members: Count | None = Field(
        None, description="Local government members of the board.")
    programme_office_established: bool | None = Field(
        None, description="A programme management office supports the partnership.")
    programme_office_wte: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        None, description="Whole-time equivalents working in the programme office.")
    joint_decision_mechanism: Literal[
        "none", "committees_in_common", "joint_committee", "lead_commissioner", "other"] | None = Field(
        None, description="How partners take decisions together: committees in common, a joint committee, a lead "
            "commissioner, other or none.")
    dispute_final_decision_taker: Name | None = Field(
        None, description="Who takes the final decision when partners disagree.")
    scheme_of_delegation: bool | None = Field(
        None, description="A scheme of delegation sets out who decides what.")
    governance_agreed_on: Day | None = Field(
        None, description="Date the partners agreed the governance arrangements.")
    short_return_sections: list[Literal["priorities", "gap_analysis", "governance"]] = Field(
        default_factory=list, max_length=3,
        description="Sections of the April 2016 short return that were submitted.")
    board_provider_members: Count | None = Field(
        None, description="Board members drawn from NHS trusts and foundation trusts.")
    board_executive_roles: list[Literal["chief_executive", "finance", "nursing", "medical"]] = Field(
        default_factory=list, max_length=4,
        description="Executive roles that sit on the ICS NHS body board (2021 design framework).")
    ics_partnership_councils: Count | None = Field(
        None, description="Upper-tier councils that are members of the ICS Partnership.")


class Engagement(Section):
    """How people, communities and local democracy shaped the plan."""

    strategy_published: bool | None = Field(
        None, description="A communications and engagement strategy for the plan has been published.")
    cites_six_principles: bool | None = Field(
        None, description="The plan cites the six principles for engaging people and communities.")
    principles_evidenced: list[Principle] = Field(default_factory=list, max_length=6,
        description="Which of the six engagement principles the plan evidences in practice.")
    hwb_endorsed: bool | None = Field(None, description="Health and wellbeing board(s) endorsed the plan.")
    public_consultation_required: bool | None = Field(
        None, description="The plan proposes substantial service change needing consultation.")
    public_consultation_held: bool | None = Field(
        None, description="A formal public consultation on the proposed changes has been held.")
    overview_scrutiny_engaged: bool | None = Field(
        None, description="Local authority overview and scrutiny committees have been engaged on the plan.")
    equality_impact_assessment_on: Day | None = Field(
        None, description="When the equality impact assessment of the plan was completed.")
    co_designed_schemes: Count | None = Field(
        None, description="Plan schemes designed together with people who use services and communities.")
    volunteering_schemes: Count | None = Field(
        None, description="Plan schemes that rely on volunteering or social action.")


class EngagementEvent(Section):
    """One dated engagement activity."""

    held_on: Day = Field(description="Date the activity took place.")
    audience: Audience = Field(description="Who the activity engaged.")
    participants: Count | None = Field(
        None, description="Number of people who took part.")
    summary: Text | None = Field(
        None, description="What was discussed and what changed as a result.")


PlanElement = Literal["prevention", "self_care", "workforce", "digital", "new_care_models",
                      "special_measures", "finance"]
SystemPlanQuality = Literal["clinically_led", "locally_owned", "realistic_workforce", "financially_balanced",
                            "reducing_inequalities", "prevention_focused", "local_authority_engagement",
                            "innovation"]


class Plan(Section):
    """Scope, footprint rationale, the three gaps and the delivery programme."""

    period_start: Day | None = Field(
        None, description="First day of the period the plan covers.")
    period_end: Day | None = Field(
        None, description="Last day of the period the plan covers.")
    single_system_plan: bool | None = Field(None, description="One plan for the whole system, not per organisation.")
    operational_plans_aligned: bool | None = Field(None, description="2016/17 operational plans form year one.")
    covers_ccg_commissioned: bool | None = Field(
        None, description="The plan covers CCG-commissioned services.")
    covers_specialised_services: bool | None = Field(
        None, description="The plan covers specialised services.")
    covers_primary_care: bool | None = Field(
        None, description="The plan covers primary care.")
    covers_social_care: bool | None = Field(
        None, description="The plan covers social care.")
    covers_public_health: bool | None = Field(
        None, description="The plan covers public health.")
    footprint_factors: list[FootprintFactor] = Field(default_factory=list, max_length=8,
        description="Factors the footprint's boundaries were chosen on.")
    neighbour_overlaps_addressed: bool | None = Field(
        None, description="Overlaps with neighbouring footprints (patient flows, providers) are addressed.")
    vision_published: bool | None = Field(
        None, description="A shared vision for the footprint is published.")
    gap_health_wellbeing_quantified: bool | None = Field(
        None, description="The health and wellbeing gap is quantified.")
    gap_health_wellbeing_actions: Count | None = Field(
        None, description="Actions that close the health and wellbeing gap.")
    gap_care_quality_quantified: bool | None = Field(
        None, description="The care and quality gap is quantified.")
    gap_care_quality_actions: Count | None = Field(
        None, description="Actions that close the care and quality gap.")
    gap_finance_efficiency_quantified: bool | None = Field(
        None, description="The finance and efficiency gap is quantified.")
    gap_finance_efficiency_actions: Count | None = Field(
        None, description="Actions that close the finance and efficiency gap.")
    national_frameworks: list[Framework] = Field(default_factory=list, max_length=9,
        description="National programmes and reviews the plan builds on.")
    targets_match_national_trajectories: bool | None = Field(
        None, description="The plan's targets match the national trajectories.")
    milestones_2016_17: Count | None = Field(
        None, description="Locally critical milestones for 2016/17.")
    milestones_2016_17_met: Count | None = Field(
        None, description="How many of the locally critical 2016/17 milestones were met.")
    headline_targets: Count | None = Field(
        None, description="Quantified outcome targets the plan sets for 2020/21.")
    headline_targets_below_national: Count | None = Field(
        None, description="Headline targets less ambitious than the national standard or trajectory.")
    social_care_actions: Count | None = Field(
        None, description="Plan actions owned jointly with adult social care, e.g. discharge support or reablement.")
    delivery_plan_with_milestones: bool | None = Field(
        None, description="A delivery plan with dated milestones exists.")
    review_cycle_months: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="How often, in months, the plan is reviewed.")
    five_year_system_plan: bool | None = Field(None, description="A 2019/20-2023/24 system plan (LTP).")
    route_to_ics: bool | None = Field(None, description="The plan shows how the STP becomes an ICS.")
    care_levels_defined: list[Literal["neighbourhood", "place", "system"]] = Field(
        default_factory=list, max_length=3,
        description="Levels at which care is organised: neighbourhood, place and system.")
    elements_cross_referenced: list[PlanElement] = Field(
        default_factory=list, max_length=7,
        description="Elements of the plan that are cross-referenced to the others (coherence), e.g. the "
                    "workforce the new care models need or the savings prevention is expected to make.")
    system_plan_shows: list[SystemPlanQuality] = Field(
        default_factory=list, max_length=8,
        description="What the 2019/20-2023/24 system plan demonstrates, in the terms of the LTP "
                    "implementation framework.")
    ics_target_date: Day | None = Field(
        None, description="The date by which the system plan says the STP will operate as an ICS.")


class MustDo(Section):
    """How the plan maps onto one of the nine national must dos for 2016/17."""

    number: Annotated[int, Field(ge=1, le=9)] = Field(description="Which of the nine 2016/17 must dos (1-9).")
    mapped: bool = Field(description="The plan maps how it delivers this must do.")
    actions: Count = Field(
        0, description="Plan actions that deliver this must do.")


class Prevention(Section):
    """The cross-partner prevention plan (health and wellbeing gap)."""

    cross_partner_plan: bool | None = Field(
        None, description="A prevention plan agreed across NHS and local government partners.")
    public_health_partner_named: bool | None = Field(
        None, description="A public health lead is named as a partner.")
    obesity_actions: Count | None = Field(
        None, description="Plan actions on obesity.")
    diabetes_actions: Count | None = Field(
        None, description="Plan actions on diabetes (e.g. the diabetes prevention programme).")
    local_priorities: Count | None = Field(None, description="Locally identified demand-reduction priorities.")
    demand_reduction_target_pct: Pct | None = Field(
        None, description="Targeted reduction in demand from prevention, percent.")
    inequality_targets: Count | None = Field(
        None, description="Quantified targets for reducing health inequalities.")
    self_care_programme: bool | None = Field(
        None, description="A programme supporting people to manage their own health.")
    patient_activation_programme: bool | None = Field(
        None, description="A patient activation programme is in place.")
    self_care_participants: Count | None = Field(
        None, description="People enrolled in self-management or patient activation programmes.")
    investment_gbp_m: Money | None = Field(
        None, description="Investment in prevention, GBP millions.")


class SevenDay(Section):
    """The three strands of seven-day services and coverage of the four priority standards."""

    urgent_care_integrated: bool | None = Field(
        None, description="111, minor injuries, urgent care and GP out-of-hours integrated.")
    gp_extended_access_pct: Pct | None = Field(
        None, description="Population with evening and weekend GP access.")
    priority_standards_coverage_pct: Pct | None = Field(
        None, description="Population served by hospitals meeting standards 2, 5, 6 and 8.")
    priority_standards_trajectory: bool | None = Field(
        None, description="A year-by-year coverage trajectory is set out.")
    self_assessment_cited: bool | None = Field(
        None, description="Trusts' self-assessment or board assurance results are cited.")
    other_standards_in_progress: Annotated[int, Field(ge=0, le=6)] | None = Field(
        None, description="Of the six other clinical standards, how many are being implemented.")
    integrated_urgent_care_by: Day | None = Field(
        None, description="When 111, minor injuries, urgent care and GP out-of-hours are to work as one service.")
    gp_extended_access_planned_pct: Pct | None = Field(
        None, description="Population planned to have evening and weekend GP access by the end of the plan.")
    priority_standards_planned_2020_pct: Pct | None = Field(
        None, description="Population planned to be served by hospitals meeting standards 2, 5, 6 and 8 by 2020.")
    acute_trusts: Count | None = Field(None, description="Acute trusts serving the footprint.")
    acute_trusts_self_assessed: Count | None = Field(
        None, description="Acute trusts whose self-assessment or board assurance on the priority standards is cited.")


class OutOfHospital(Section):
    """Investment out of hospital and primary care at scale."""

    investment_shift_pct: Annotated[float, Field(ge=-100, le=100)] | None = Field(
        None, description="Planned change in the share of spend out of hospital, percentage points.")
    primary_care_at_scale: bool | None = Field(
        None, description="General practice works at scale (networks, federations or hubs).")
    gp_sustainability_plan: bool | None = Field(
        None, description="A plan to sustain general practice (General Practice Forward View).")
    gp_network_coverage_pct: Pct | None = Field(
        None, description="Population served by GP practices working in networks or hubs.")
    gp_network_typical_population: Annotated[int, Field(ge=0, le=1_000_000)] | None = Field(
        None, description="Typical population served by one GP network or hub.")
    gp_additional_clinical_staff: Count | None = Field(
        None, description="Additional clinical staff planned for general practice by 2020/21 (headcount).")
    gp_workload_actions: Count | None = Field(
        None, description="Actions to release or reduce workload in general practice.")


class NewCareModels(Section):
    """Vanguards and new models of care (care and quality gap)."""

    vanguards_in_footprint: Count | None = Field(
        None, description="New care model vanguards operating in the footprint.")
    vanguard_spread_plan: bool | None = Field(
        None, description="A plan to spread the vanguards' models across the footprint.")
    new_care_model_plan: bool | None = Field(
        None, description="A plan to adopt new care models where no vanguard exists.")
    population_covered_pct: Pct | None = Field(
        None, description="Population served by a new care model now.")
    population_planned_2021_pct: Pct | None = Field(
        None, description="Population planned to be served by a new care model by March 2021.")


class Quality(Section):
    """Collective action on quality."""

    services_inadequate_or_special_measures: Count | None = Field(
        None, description="Services rated inadequate or in special measures.")
    services_with_joint_improvement_plan: Count | None = Field(
        None, description="Of those, services with a joint improvement plan across partners.")
    avoidable_mortality_reviews_published: bool | None = Field(
        None, description="Reviews of avoidable mortality are published.")
    quality_improvement_programme: bool | None = Field(
        None, description="A system-wide quality improvement programme runs.")


class ClinicalPriorities(Section):
    """Cancer, mental health, learning disabilities and maternity."""

    cancer_plan: bool | None = Field(
        None, description="The plan sets out how the system will deliver the national cancer strategy.")
    cancer_alliance_member: bool | None = Field(
        None, description="The footprint belongs to a cancer alliance.")
    cancer_actions: Count | None = Field(None, description="Plan actions to improve cancer outcomes.")
    mental_health_plan: bool | None = Field(
        None, description="The plan sets out how the Five Year Forward View for Mental Health will be delivered.")
    mental_health_investment_standard_met: bool | None = Field(
        None, description="CCGs meet the mental health investment standard (spend growing at least as fast as "
            "allocations).")
    learning_disability_plan: bool | None = Field(
        None, description="The plan includes the Transforming Care (Building the right support) programme for "
            "people with learning disabilities.")
    ld_inpatient_reduction_pct: Pct | None = Field(
        None, description="Planned reduction in inpatient beds for people with learning disabilities or autism, "
            "percent.")
    maternity_plan: bool | None = Field(
        None, description="The plan sets out how Better Births (the maternity review) will be implemented.")
    maternity_actions: Count | None = Field(None, description="Plan actions to improve maternity services.")


class Finance(Section):
    """The route to aggregate financial balance."""

    do_nothing_gap_gbp_m: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        None, description="The finance gap by 2020/21 if nothing changes, GBP millions.")
    planned_position_2020_21_gbp_m: Money | None = Field(
        None, description="Planned aggregate surplus (+) or deficit (-) in 2020/21.")
    aggregate_position_pct: Annotated[float, Field(ge=-100, le=100)] | None = Field(
        None, description="Aggregate surplus/deficit of trusts and CCGs as % of control total.")
    annual_efficiency_pct: Annotated[float, Field(ge=0, le=50)] | None = Field(
        None, description="Planned annual efficiency, percent of expenditure.")
    efficiency_schemes: list[EfficiencyScheme] = Field(default_factory=list, max_length=8,
        description="National efficiency programmes the plan draws on.")
    recovery_plan: bool | None = Field(
        None, description="A financial recovery plan exists for organisations in deficit.")
    system_control_total_agreed: bool | None = Field(
        None, description="A single system control total has been agreed by the partners.")
    shared_financial_risk: bool | None = Field(
        None, description="Partners share financial risk (e.g. a risk-share agreement).")
    planned_position_2023_24_gbp_m: Money | None = Field(
        None, description="Planned aggregate surplus (+) or deficit (-) in 2023/24, the last year "
        "of the five-year system plan, GBP millions.")


class Workforce(Section):
    """The workforce plan."""

    plan: bool | None = Field(
        None, description="A system workforce plan exists.")
    shared_workforce_arrangements: bool | None = Field(
        None, description="Partners share workforce arrangements (e.g. staff passports, shared bank).")
    vacancy_rate_pct: Pct | None = Field(
        None, description="Staff vacancy rate across the system, percent.")
    supply_gap_wte: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        None, description="Projected staff shortfall at the end of the plan period, before "
        "actions, in whole-time equivalents.")


class Digital(Section):
    """Local digital roadmap and population health management."""

    local_digital_roadmap: bool | None = Field(
        None, description="A local digital roadmap has been agreed for the footprint.")
    shared_care_record_coverage_pct: Pct | None = Field(
        None, description="Population whose records can be shared between care settings, percent.")
    population_health_management: Literal[
        "none", "descriptive", "risk_stratification", "validated"] | None = Field(
        None, description="Maturity of population health management: none, descriptive analysis, risk "
            "stratification, or validated interventions.")


class Estates(Section):
    """Estates strategy and capital."""

    estates_strategy: bool | None = Field(
        None, description="A system-wide estates strategy has been agreed.")
    surplus_land_identified: bool | None = Field(
        None, description="Surplus NHS land has been identified for disposal or reuse.")
    delegated_capital: bool | None = Field(
        None, description="The system decides on its own capital allocation (delegated capital).")


class Performance(Section):
    """Values for the metrics the July 2017 STP progress dashboard rated."""

    measured_on: Day | None = Field(
        None, description="Date the performance values were measured.")
    ae_4h_pct: Pct | None = Field(None, description="A&E attendances seen within 4 hours.")
    ambulance_cat_a_8min_pct: Pct | None = Field(
        None, description="Category A ambulance calls answered within 8 minutes, percent.")
    rtt_18w_pct: Pct | None = Field(None, description="Incomplete pathways within 18 weeks.")
    cancer_62d_pct: Pct | None = Field(None, description="Patients treated within 62 days of urgent referral.")
    cancer_2ww_pct: Pct | None = Field(
        None, description="Urgent GP referrals for suspected cancer seen within two weeks, percent.")
    eip_2w_pct: Pct | None = Field(None, description="Psychosis referrals starting care within 2 weeks.")
    dementia_diagnosis_pct: Pct | None = Field(
        None, description="Estimated people with dementia who have a diagnosis, percent.")
    emergency_admissions_change_pct: Annotated[float, Field(ge=-100, le=500)] | None = Field(
        None, description="Change in emergency admissions per head against the baseline year.")
    emergency_bed_days_change_pct: Annotated[float, Field(ge=-100, le=500)] | None = Field(
        None, description="Change in emergency bed days per head against the baseline year, percent.")
    dtoc_days_per_100k: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        None, description="Delayed transfer of care days per 100,000 adults per day.")
    system_leadership: Literal["needs_support", "developing", "established", "strong"] | None = Field(
        None, description="Rating of system leadership: needs_support, developing, established or strong.")
    recovery_support_programme: bool | None = Field(
        None, description="The system is in the national Recovery Support Programme (2021 oversight).")


class Integration(Section):
    """The capabilities of an accountable or integrated care system."""

    performance_contract_agreed: bool | None = Field(None, description="An accountable performance agreement with "
        "NHSE/NHSI.")
    performance_contract_signed_on: Day | None = Field(
        None, description="Date the performance agreement was signed.")
    system_board_with_delegation: bool | None = Field(
        None, description="A system board holds delegated decision rights from its members.")
    provider_integration: Literal["none", "alliance", "merger"] | None = Field(
        None, description="How far providers are integrated: none, an alliance, or a merger.")
    payment_model: Literal["activity", "blended", "capitated"] | None = Field(
        None, description="How providers are paid: by activity, a blended payment, or a capitated budget.")
    demand_growth_moderation_pct: Annotated[float, Field(ge=-100, le=100)] | None = Field(
        None, description="Planned moderation of demand growth, percentage points a year.")
    shared_facilities: bool | None = Field(
        None, description="Partners share facilities (estates, back office or clinical support).")
    delegated_primary_care_commissioning: bool | None = Field(
        None, description="CCGs hold delegated commissioning of primary medical care.")
    delegated_specialised_commissioning: bool | None = Field(
        None, description="The system holds delegated commissioning of some specialised services.")


class Evidence(Section):
    """One change the system made or plans: what, when, and measured how."""

    ref: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="Your own reference for the item (e.g. EV-2016-001).")
    area: Area = Field(description="The part of the plan the change belongs to.")
    title: Name = Field(description="What changed, in a line.")
    status: Literal["planned", "in_progress", "delivered"] = Field(description="planned, in_progress or delivered.")
    started_on: Day | None = Field(
        None, description="Date work on the change started.")
    delivered_on: Day | None = Field(
        None, description="Date the change was delivered; on or after started_on and no later than the submission "
            "date.")
    measure: Name | None = Field(
        None, description="What is measured to show the change's effect.")
    baseline: float | None = Field(
        None, description="Value of the measure before the change.")
    current: float | None = Field(
        None, description="Latest value of the measure (dated by measured_on).")
    unit: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="Unit of the measure (in quotes when it starts with %).",
        examples=["%", "days", "admissions per 1,000"])
    structural: bool = Field(False, description="An organisational change rather than a change to care.")
    measured_on: Day | None = Field(None, description="Date the current value was measured.")
    source: Text | None = Field(
        None, description="Where the evidence can be checked: a board paper, published report or data set.")


class Submission(Section):
    """One STP/ICS footprint's submission at one point in time."""

    schema_version: Literal["1.0"] = Field(description="Version of this schema the file follows: the text \"1.0\" "
        "(in quotes).")
    illustrative: bool = Field(False, description="Synthetic data, not an assessment of a real system.")
    footprint: Footprint = Field(description="Who is submitting, and when.")
    organisations: list[Organisation] = Field(default_factory=list, max_length=400,
        description="The footprint's constituent organisations, one entry each.")
    leadership: Leadership = Field(
        Leadership(), description="The STP leader and chair.")
    governance: Governance = Field(
        Governance(), description="Board, programme office and decision-making arrangements.")
    engagement: Engagement = Field(
        Engagement(), description="How people, communities and local democracy shaped the plan.")
    engagement_events: list[EngagementEvent] = Field(default_factory=list, max_length=2000,
        description="Dated engagement activities, one entry each.")
    plan: Plan = Field(
        Plan(), description="Scope, footprint rationale, the three gaps and the delivery programme.")
    must_dos: list[MustDo] = Field(default_factory=list, max_length=9,
        description="The nine national must dos for 2016/17, one entry per must do.")
    prevention: Prevention = Field(
        Prevention(), description="The prevention plan (health and wellbeing gap).")
    seven_day: SevenDay = Field(
        SevenDay(), description="Seven-day services and the priority clinical standards.")
    out_of_hospital: OutOfHospital = Field(
        OutOfHospital(), description="Investment out of hospital and primary care at scale.")
    new_care_models: NewCareModels = Field(
        NewCareModels(), description="Vanguards and new models of care.")
    quality: Quality = Field(
        Quality(), description="Collective action on quality.")
    clinical_priorities: ClinicalPriorities = Field(
        ClinicalPriorities(), description="Cancer, mental health, learning disabilities and maternity.")
    finance: Finance = Field(
        Finance(), description="The route to aggregate financial balance.")
    workforce: Workforce = Field(
        Workforce(), description="The workforce plan.")
    digital: Digital = Field(
        Digital(), description="Local digital roadmap and population health management.")
    estates: Estates = Field(
        Estates(), description="Estates strategy and capital.")
    performance: Performance = Field(
        Performance(), description="Values of the metrics the July 2017 STP progress dashboard rated.")
    integration: Integration = Field(
        Integration(), description="Capabilities of an accountable or integrated care system.")
    evidence: list[Evidence] = Field(default_factory=list, max_length=2000,
        description="Changes made or planned, each dated and measured: what the scoring reads for delivery.")

    @model_validator(mode="after")
    def _distinct_must_dos(self) -> "Submission":
        numbers = [m.number for m in self.must_dos]
        if len(numbers) != len(set(numbers)):
            raise ValueError("must_dos: each must do number may appear once")
        return self

    @model_validator(mode="after")
    def _evidence_dates_in_order(self) -> "Submission":
        """Evidence dates must tell a possible story: started <= delivered <= measured, and nothing
        delivered after the submission that reports it. (Cross-field: pydantic's core has no such
        constraint, so this stays in Python; it loops only over evidence that has the dates.)"""
        submitted = self.footprint.submitted_on
        problems = []
        for i, item in enumerate(self.evidence):
            started, delivered, measured = item.started_on, item.delivered_on, item.measured_on
            where = f"evidence.{i}"
            if started and delivered and delivered < started:
                problems.append(f"{where}.delivered_on: {delivered} is before started_on {started}")
            if delivered and measured and measured < delivered:
                problems.append(f"{where}.measured_on: {measured} is before delivered_on {delivered}")
            if delivered and delivered > submitted:
                problems.append(f"{where}.delivered_on: {delivered} is after the submission date "
                                f"(footprint.submitted_on {submitted}); a change not yet delivered has "
                                "status planned or in_progress and no delivered_on")
            if len(problems) >= 20:
                break
        if problems:
            raise ValueError(PROBLEM_SEPARATOR.join(problems))
        return self
