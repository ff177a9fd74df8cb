"""The `assess` command: translation between the shell and the library API, nothing more."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..common.textsafe import one_line
from ..errors import InputError

if TYPE_CHECKING:
    pass

from .common import (
    EXIT_CODES_HELP,
    ExitCode,
    catalogue_for,
    check_edition,
    decisions_option,
    edition_option,
    emit,
    output_option,
    render,
    report_errors,
    rules_option,
)


@click.group(epilog="Exit codes:\n\n" + EXIT_CODES_HELP,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="stp-assess")
def main() -> None:
    """Score STP/ICS submissions against the published NHS criteria.

    \b
    Typical use:
      assess init my-stp.yaml          a commented template to fill in
      assess check my-stp.yaml         validate it (file, field and line for every problem)
      assess score my-stp.yaml         rating, domain scores, gaps and the path to readiness
      assess batch submissions/ --out results/   a folder at once, with reports
      assess diff old.yaml new.yaml    what changed between two submissions of one footprint
      assess fingerprint my-stp.yaml   decision records for a reviewer to fill in
      assess convert my-stp.yaml my-stp.xlsx   YAML, JSON and .xlsx either way
      assess rules --format markdown   the catalogue with sources and advice
      assess nof DATA.csv              NHS Oversight Framework 2025/26 segments of NHS trusts
      assess serve submissions/        fill in and review in the browser (a local web application)

    A submission is a .yaml, .yml or .json file or an .xlsx workbook. `assess COMMAND --help`
    explains each command with an example.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Refuse a file that has warnings too: a cell read in a "
              "way the person may not have meant (0.91 in a percentage field: 0.91 % or 91 %?).")
@report_errors
def check(files: tuple[Path, ...], strict: bool) -> None:
    """Validate submission FILES against the schema without scoring them.

    \b
    assess check my-stp.yaml             prints: ok  my-stp.yaml  (CODE, name)
    assess check submissions/*.yaml      every file, every problem
    assess check --strict my-stp.xlsx    warnings refuse the file too

    Each FILE is a .yaml, .yml or .json file or an .xlsx workbook. Every problem is printed as
    `Error: FILE:LINE: field.path: message` (a workbook gives `Sheet!Cell (field.path)`). A
    workbook cell read in a way that may not be what was meant is printed as `Warning: …` with
    both readings; the file still passes unless --strict is given. Exit status 0 when every file
    is valid, 3 when any is not (the others are still checked)."""
    from ..input.load import read_source, validate

    failed: list[InputError] = []
    for path in files:
        try:
            source = read_source(path)
            sub = validate(source)
        except InputError as error:
            failed.extend(error.all())
            continue
        for warning in source.warnings:
            click.echo(one_line(f"Warning: {warning}"), err=True)
        if strict and source.warnings:
            failed.extend(InputError(w.file, f"{w.problem} (refused by --strict)", path=w.path, cell=w.cell)
                          for w in source.warnings)
            continue
        click.echo(one_line(f"ok  {path}  ({sub.footprint.code}, {sub.footprint.name})"))
    if failed:
        raise InputError(str(files[0]), "invalid", problems=failed)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@edition_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown", "html"]),
              default="text", show_default=True, help="text is a terminal summary; json is stable and "
              "byte-identical for the same input; markdown and html are the reviewer's gap report.")
@rules_option
@decisions_option
@output_option
@report_errors
def score(file: Path, edition: str | None, fmt: str, rules_dir: Path | None, decisions_file: Path | None,
          output: Path | None) -> None:
    """Assess one submission FILE (YAML, JSON or an .xlsx workbook).

    \b
    assess score my-stp.yaml                       terminal summary
    assess score my-stp.xlsx --format html -o gap-report.html
    assess score my-stp.yaml --edition 2019-ics    against another edition than its date's
    assess score my-stp.yaml --decisions decisions.yaml   moderated by a reviewer

    Gives each criterion met or not and why, domain scores and stages, the rating, the
    readiness verdict of the period and the shortest path to it. Exit status 0 when scored,
    3 when FILE is invalid (every problem named), 5 when the engine fails (no score is given);
    `assess --help` lists them all."""
    from ..api import assess
    from ..input.load import read_source, validate
    from . import review as commands

    catalogue = catalogue_for(rules_dir)
    check_edition(catalogue, edition)
    decisions = commands.load_decisions_option(decisions_file, catalogue)
    source = read_source(file)
    submission = validate(source)
    for warning in source.warnings:  # scored as read; `assess check --strict` refuses them
        click.echo(one_line(f"Warning: {warning}"), err=True)
    assessment = assess(submission, catalogue, edition=edition, source_sha256=source.sha256,
                        source_file=str(file), decisions=decisions)
    commands.report_moderation(assessment, decisions)
    emit(render(assessment, fmt, catalogue), output)


@main.command()
@click.option("--domain", "-d", help="Only this domain's rules (e.g. prevention).")
@click.option("--edition", "-e", metavar="EDITION",
              help="Only the rules this edition applies (2016-plan, 2017-partnership, 2019-ics); "
                   "default: every rule.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown is the catalogue document with the traceability table.")
@rules_option
@output_option
@report_errors
def rules(domain: str | None, edition: str | None, fmt: str, rules_dir: Path | None, output: Path | None) -> None:
    """List the rule catalogue: ids, titles, severities, sources and advice.

    \b
    assess rules --domain finance
    assess rules --format markdown -o docs/catalogue.md   the catalogue document
    assess rules --rules my-rules/                        check and list a team's own catalogue

    Exit status 0, 2 for an unknown domain or edition, 4 when the catalogue is invalid (the
    file and rule named)."""
    from ..render import catalogue_page as catalogue_doc

    catalogue = catalogue_for(rules_dir)
    check_edition(catalogue, edition)
    domains = [d.id for d in catalogue.meta.domains]
    if domain is not None and domain not in domains:
        raise click.BadParameter(f"unknown domain '{domain}' (domains: {', '.join(domains)})",
                                 param_hint="'--domain'")
    emit(catalogue_doc.render(catalogue, fmt, domain=domain, edition=edition), output)


@main.command()
@rules_option
@output_option
@report_errors
def method(rules_dir: Path | None, output: Path | None) -> None:
    """The method and assumptions page (Markdown): what each edition assesses, how scores become
    ratings, caps and readiness, and which parts are sourced and which are assumptions.

    \b
    assess method -o docs/method.md"""
    from ..render.method_page import render_method

    emit(render_method(catalogue_for(rules_dir)), output)


@main.command()
@output_option
@report_errors
def schema(output: Path | None) -> None:
    """Print the submission JSON Schema: every field described, with examples.

    \b
    assess schema -o submission.schema.json

    Point an editor at it for completion and checking while you type (VS Code's yaml.schemas
    setting or a `# yaml-language-server: $schema=...` first line; see the README)."""
    from ..input.schema import submission_schema

    emit(json.dumps(submission_schema(), indent=2, sort_keys=True) + "\n", output)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@report_errors
def init(path: Path | None, force: bool) -> None:
    """Write a template with every field to PATH (default: standard output).

    The format follows PATH's extension: a commented YAML file (.yaml, the default) or a workbook
    (.xlsx) with a sheet per section and per list, drop-downs, bounds and help on every value cell.

    \b
    assess init my-stp.yaml      then fill it in and run: assess check my-stp.yaml
    assess init my-stp.xlsx      the same as a workbook, to fill in Excel or LibreOffice

    The placeholders (code and name) must be replaced before `assess check` passes. PATH is
    written whole or not at all: exit 6 names it and the reason when it cannot be written.
    """
    from ..input import template

    text: str | bytes = template.render_template()
    if path is not None and path.suffix.lower() == ".xlsx":
        from ..input.workbook.writer import template_workbook

        text = template_workbook()
    elif path is not None and path.suffix.lower() not in (".yaml", ".yml"):
        raise click.BadParameter(f"write a .yaml or .xlsx template, not '{path.suffix}'", param_hint="PATH")
    if path is None:
        click.echo(text, nl=False)
        return
    if path.exists() and not path.is_dir() and not force:
        raise click.UsageError(f"{path} exists; use --force to overwrite it")
    from ..common.files import write_atomic

    write_atomic(path, text)
    click.echo(f"wrote {path}: fill it in, then run `assess check {path}`", err=True)


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite TARGET if it exists.")
@report_errors
def convert(source: Path, target: Path, force: bool) -> None:
    """Convert one submission between YAML, JSON and XLSX (by extension), losslessly.

    \b
    assess convert my-stp.yaml my-stp.xlsx     to fill in or review in a spreadsheet
    assess convert my-stp.xlsx my-stp.yaml     back to text, e.g. to keep under version control
    SOURCE is validated first (as `assess check` does); nothing is written if it is invalid.
    TARGET is written whole or not at all: exit 3 when SOURCE is invalid, 6 (naming TARGET and
    the reason) when TARGET cannot be written."""
    from ..input.convert import convert as run_convert
    from ..input.convert import output_format

    try:
        output_format(target)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="TARGET") from None
    if target.exists() and not target.is_dir() and not force:
        raise click.UsageError(f"{target} exists; use --force to overwrite it")
    sub = run_convert(source, target)
    click.echo(f"wrote {target} ({sub.footprint.code}, {sub.footprint.name})", err=True)


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for results.json, league tables, gap reports and the dashboard.")
@edition_option
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes.")
@rules_option
@decisions_option
@click.option("--previous", "previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="OLD_RESULTS", help="An earlier batch's results.json: each footprint (matched by code) "
              "is compared with its previous submission in the league, the dashboard and its gap report.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line when every file was assessed (warnings "
              "and errors are still printed).")
@report_errors
def batch(directory: Path, out_dir: Path, edition: str | None, jobs: int, rules_dir: Path | None,
          decisions_file: Path | None, previous: Path | None, quiet: bool) -> None:
    """Assess every submission in DIRECTORY and write results, league tables, gap reports and a
    dashboard to --out.

    \b
    assess batch submissions/ --out results/ --jobs 2
    assess batch submissions/ --out results/ --decisions decisions.yaml --previous old/results.json

    \b
    Reads every *.yaml, *.yml, *.json and *.xlsx file in DIRECTORY (not sub-folders), sorted by name, and
    writes into --out:
      results.json            every assessment, sorted by code then file
      league.csv, league.xlsx one row per submission
      reports/CODE.html, .md  a gap report per submission, beside the batch medians
      index.html              the dashboard: league table, distributions, heatmap, national checks
      errors.csv              every file that could not be assessed, one row per problem

    --decisions FILE applies a reviewer's decisions (see `assess fingerprint`); --previous
    OLD_RESULTS compares each footprint with its submission in an earlier batch's results.json
    (league change columns and sheet, who moved in the dashboard, a section in each gap report).

    Every other entry (other types, folders named like a submission, pipes, broken or outside
    links) is listed in errors.csv with the reason, never opened; other sub-folders and hidden,
    lock and system files (.DS_Store, ~$x.xlsx, Thumbs.db, desktop.ini) are named in a warning
    and in the dashboard instead. Of two submissions with one footprint code only the
    latest-dated is ranked (neither, on the same date), and the other is listed.

    The output is built beside --out and swapped in whole when complete, so --out always holds
    one batch's complete output: an interruption or a full disk leaves the previous one as it
    was. --out must be a folder of its own (new, empty or an earlier batch's output), never the
    input folder; a second batch into the same --out at once is refused.

    A bad file never stops the batch. Exit status 0 when every file was assessed, 3 when some
    could not be (listed in errors.csv and on standard error). One line on standard error says
    what was assessed, not assessed, ranked and moderated, how many decisions are stale and
    where the outputs are (--quiet leaves it out when nothing failed). The same input gives the
    same bytes, whatever --jobs is. A progress bar shows on standard error when it is a terminal."""
    from ..batch import run as batch_module

    catalogue = catalogue_for(rules_dir)
    check_edition(catalogue, edition)
    from ..batch.workers import interruptible

    with interruptible() as interrupted:
        try:
            summary = batch_module.run_batch(directory, out_dir, catalogue=catalogue, edition=edition,
                                             jobs=jobs, rules_dir=rules_dir, decisions=decisions_file,
                                             previous=previous)
        except KeyboardInterrupt as exc:
            done = getattr(exc, "committed", False)
            click.echo("\n" + one_line(f"Interrupted: {out_dir} " + (
                "holds the new, complete output" if done else
                "was left as it was (the previous complete output, or none)")), err=True)
            # Exit now: the output folder is settled and its lock released, and interpreter
            # shutdown would join the killed pool's manager thread, which may print a traceback.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + interrupted.signum)
    for warning in summary.warnings:
        click.echo(f"Warning: {one_line(warning)}", err=True)
    for problem in batch_module.iter_problems(summary):
        click.echo(f"Error: {one_line(problem)}", err=True)
    if summary.errors or not quiet:
        click.echo(one_line(summary.describe()), err=True)
    sys.exit(ExitCode.INVALID_INPUT if summary.errors else ExitCode.OK)


def _add_review_commands() -> None:
    from .review import diff, fingerprint

    main.add_command(diff)
    main.add_command(fingerprint)


_add_review_commands()


@main.command()
@click.argument("paths", nargs=-1, metavar="[FILE_OR_DIR]...", type=click.Path(exists=True, path_type=Path))
@click.option("--batch", "batch_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="OUT",
              help="A batch's output folder: the reviewer's desk shows its league and gap reports.")
@decisions_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback requires an access token on every request.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the access token from this file instead of making one (a bind beyond loopback).")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="The drafts database (SQLite); default: stp-assess/drafts.sqlite3 in the user's data folder.")
@rules_option
@report_errors
def serve(paths: tuple[Path, ...], batch_dir: Path | None, decisions_file: Path | None, host: str, port: int,
          token_file: Path | None, store: Path | None, rules_dir: Path | None) -> None:
    """A local web application: fill in a submission with a live what-if, and a reviewer's desk.

    \b
    assess serve submissions/                      open, fill in and save the submissions there
    assess serve submissions/ --batch results/ --decisions decisions.yaml   the reviewer's desk too
    assess serve --host 0.0.0.0 --token-file token.txt   reachable from other machines, with a token

    \b
    Pages (the address is printed when it starts, http://127.0.0.1:8765/ by default):
      /                  the submissions served, a new blank one, an upload
      /documents/ID      the form: the rating, readiness and path update as you type; drafts are
                         kept as you type (--store) and recovered on reopening; Save writes the
                         file back in its own format; download YAML, JSON or XLSX; the gap report
      /desk              with --batch: the league, filtered and sorted; each row's gap report and
                         decisions (with --decisions), the moderated verdict shown at once

    The JSON API (POST /api/assess, GET /api/schema, GET /api/health, POST /api/decisions) is
    described in the README. It listens on 127.0.0.1 only unless --host says otherwise; then a
    token is printed once (or read from --token-file) and required on every request."""
    from ..serve.run import serve as run_server
    from ..serve.settings import Settings, default_store, is_loopback, new_token, read_token_file

    token = None
    if token_file is not None:
        try:
            token = read_token_file(token_file)
        except (OSError, ValueError, IndexError) as exc:
            raise click.BadParameter(str(exc), param_hint="'--token-file'") from None
    elif not is_loopback(host):
        token = new_token()
    settings = Settings(host=host, port=port, paths=paths, batch=batch_dir, decisions=decisions_file,
                        store=store or default_store(), rules_dir=rules_dir, token=token)
    run_server(settings, echo=lambda text: click.echo(text, err=True))


@main.command("nof")
@click.argument("data_file", metavar="DATA.csv", type=click.Path(path_type=Path))
@click.option("--quarter", "-q", metavar="Q", help='Only this quarter, as the data names it (e.g. "Q2 2025/26").')
@click.option("--cutpoints", "cutpoints_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help='YAML mapping a quarter to its three segment cut-points, e.g. "Q1 2025/26": [2.05, 2.325, '
                   '2.62]; quarters it names override the bundled defaults (derived, not published).')
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help='text: a league table per quarter; json: {"trusts": [...]}, byte-identical for the same input.')
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a report per trust, the league workbook and the dashboard of each quarter here.")
@report_errors
def nof(data_file: Path, quarter: str | None, cutpoints_file: Path | None, fmt: str, out_dir: Path | None) -> None:
    """Segment NHS trusts by the NHS Oversight Framework 2025/26 from NHS England's published
    DATA.csv (trust data or league table, any trust type).

    \b
    Average score: the unweighted mean of the metric scores (1 best, 4 worst), combined finance in
    place of its two parts. Segment: the average against the quarter's three cut-points (at or
    below the first: 1, ... above the third: 4); a trust in financial deficit goes no higher than
    3; the Recovery Support Programme gives final segment 5. Rank: within trust type, by segment
    then the published average. Rows that cannot be used are warnings naming their line.

    \b
    assess nof trust-data.csv --quarter "Q3 2025/26"
    assess nof trust-data.csv --format json | jq '.trusts[0].path_to_better_segment'
    assess nof trust-data.csv --out nof-reports/   reports, league workbooks, dashboards

    Exit status 0, 3 when DATA.csv cannot be used (a missing column, conflicting duplicates, a
    quarter with no cut-points), 6 when --out cannot be written."""
    from ..nof.command import run_nof

    run_nof(data_file, quarter, cutpoints_file, fmt, out_dir,
            echo=lambda text: click.echo(text, nl=False), warn=lambda text: click.echo(text, err=True))
