"""The reviewer's commands: `assess diff` and `assess fingerprint`, and the moderation messages of
`assess score --decisions`. A thin layer over assess.review, like the rest of the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import catalogue_for, emit, output_option, report_errors, rules_option

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..engine.results import Assessment
    from ..input.submission import Submission
    from ..review.moderation import DecisionSet


def load_decisions_option(path: Path | None, catalogue: "Catalogue") -> "DecisionSet | None":
    """The decisions file given with --decisions, checked, or None."""
    if path is None:
        return None
    from ..review.moderation import load_decisions

    return load_decisions(path, catalogue)


def report_moderation(assessment: "Assessment", decisions: "DecisionSet | None") -> None:
    """On standard error: decisions to pin, stale or redundant ones, and those for other codes."""
    if decisions is None:
        return
    from ..review.moderation import moderation_notes

    code = assessment.submission.footprint.code
    for note in moderation_notes(assessment.to_dict()):
        click.echo(f"Note: {note}", err=True)
    others = sorted({d.submission for d in decisions.decisions if d.submission != code})
    if not decisions.for_code(code):
        click.echo(f"Note: {decisions.file} holds no decision for {code}; the engine's verdict stands", err=True)
    if others:
        click.echo(f"Note: {decisions.file}: decisions for {', '.join(others[:10])}"
                   f"{' and others' if len(others) > 10 else ''} are not for {code} and were not used", err=True)


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default="text",
              show_default=True, help="text for the terminal; markdown and html are the reviewer's "
              "progress report; json keeps the codes.")
@click.option("--force", is_flag=True, help="Compare even when OLD and NEW are different footprints.")
@click.option("--decisions", "decisions_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Moderate both submissions with a reviewer's decisions file first.")
@rules_option
@output_option
@report_errors
def diff(old: Path, new: Path, fmt: str, force: bool, decisions_file: Path | None, rules_dir: Path | None,
         output: Path | None) -> None:
    """Compare two submissions OLD and NEW of one footprint.

    \b
    assess diff dorset-2016.yaml dorset-2017.yaml
    assess diff old.xlsx new.yaml --format html -o progress.html

    Shows the rating, score, stage and readiness before and after, each domain's change, the
    criteria newly met and newly not met with the values that changed, evidence added, delivered
    or dropped, every changed field, and the path to readiness before and after. Each file is
    assessed against the edition of its own date; across editions, criteria that are not in both
    are listed, never counted as change. Two different footprints are refused unless --force.
    Identical files print "No change". Exit status 0, 3 when a file is invalid or the footprints
    differ."""
    from ..review.diff import diff_files, render_diff

    catalogue = catalogue_for(rules_dir)
    decisions = load_decisions_option(decisions_file, catalogue)
    emit(render_diff(diff_files(old, new, catalogue, force=force, decisions=decisions), fmt), output)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("criteria", nargs=-1)
@click.option("--edition", "-e", metavar="EDITION", help="Edition to assess against (default: by date).")
@click.option("--all", "every", is_flag=True, help="Every criterion, not only those the engine found not met.")
@rules_option
@output_option
@report_errors
def fingerprint(file: Path, criteria: tuple[str, ...], edition: str | None, every: bool, rules_dir: Path | None,
                output: Path | None) -> None:
    """Print decision records, with fingerprints, for FILE's CRITERIA (default: those not met).

    \b
    assess fingerprint my-stp.yaml GOV-03 > decisions.yaml
    assess score my-stp.yaml --decisions decisions.yaml

    Paste the records into a decisions file and fill in the decision, the justification, the
    reviewer and the date. The fingerprint pins each decision to the submitted values its
    criterion reads: when they change, the decision is shown as stale and not applied until a
    reviewer records the new fingerprint. Exit status 0, 3 when FILE is invalid or a
    criterion is not in its edition.

    \b
    With -o NAME.xlsx the records are written as a workbook instead: a Decisions sheet with one
    column per key (submission, criterion, decision, justification, reviewer, date, evidence,
    fingerprint) and one row per criterion, which --decisions reads like the YAML file:
      assess fingerprint my.yaml -o decisions.xlsx
      assess score my.yaml --decisions decisions.xlsx"""
    import json

    from ..engine.assessor import assess_submission
    from ..errors import InputError, did_you_mean
    from ..input.load import read_source, validate
    from ..review.moderation import fingerprint as fingerprint_of
    from ..review.moderation import pins

    catalogue = catalogue_for(rules_dir)
    submission = validate(read_source(file))
    assessment = assess_submission(submission, catalogue, edition=edition)
    chosen = list(criteria) or [rid for rid, c in assessment.criteria.items()
                                if every or c.status.value == "not_met"]
    for rid in chosen:
        if rid not in assessment.criteria:
            known = assessment.criteria
            raise InputError(str(file), f"'{rid}' is not a criterion of the {assessment.edition} edition."
                                        f"{did_you_mean(rid, known)}")
    if output is not None and output.suffix.lower() == ".xlsx":
        _write_decisions_workbook(output, file, submission, assessment, chosen, catalogue)
        return
    code = json.dumps(submission.footprint.code, ensure_ascii=False)  # a JSON string is a YAML string
    lines = [f"# Decisions for {code} ({file.name}): fill in decision, justification, reviewer and date.",
             "decisions:"]
    for rid in chosen:
        result = assessment.criteria[rid]
        lines += [f"  - submission: {code}", f"    criterion: {rid}",
                  f"    decision:                # the engine found it {result.status.value}",
                  "    justification:", "    reviewer:", "    date:               # YYYY-MM-DD",
                  f"    fingerprint: {fingerprint_of(result.rule, submission, catalogue)}",
                  f"    pinned: {pins(result.rule, submission, catalogue)}"]
    emit("\n".join(lines) + "\n", output)


def _write_decisions_workbook(output: Path, file: Path, submission: "Submission", assessment: "Assessment",
                              chosen: list[str], catalogue: "Catalogue") -> None:
    """`assess fingerprint -o NAME.xlsx`: the records as a Decisions sheet, written atomically."""
    from ..common.files import write_atomic
    from ..review.decisions_workbook import write_decisions_workbook
    from ..review.moderation import fingerprint as fingerprint_of
    from ..review.moderation import pins

    code = submission.footprint.code
    records = [{"submission": code, "criterion": rid,
                "fingerprint": fingerprint_of(assessment.criteria[rid].rule, submission, catalogue),
                "pinned": pins(assessment.criteria[rid].rule, submission, catalogue)} for rid in chosen]
    engine = "; ".join(f"{rid}: {assessment.criteria[rid].status.value}" for rid in chosen)
    note = (f"Decisions for {code} ({file.name}).\n"
            "Fill in decision (met, not_met or not_applicable), justification (why, in at least four words), "
            "reviewer and date (YYYY-MM-DD) on each row of the Decisions sheet; evidence is optional.\n"
            "Keep the fingerprint and pinned columns: they pin the decision to the submitted values it judged, "
            "and name the values that change later.\n"
            "Rows you leave undecided are skipped; then run: assess score SUBMISSION --decisions THIS_FILE\n"
            f"The engine found: {engine or 'no criterion chosen'}")
    write_atomic(output, write_decisions_workbook(records, note))
