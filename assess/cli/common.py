"""What every command shares: exit statuses, the one error boundary, the catalogue option and
output to a file or standard output. The commands of assess.cli.commands and assess.cli.review import
it; it imports no command."""
from __future__ import annotations

import functools
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from ..common.textsafe import one_line
from ..errors import AssessError, InputError

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..engine.results import Assessment

# Each command imports what it needs when it runs (pydantic models, the engine, jinja2), so that
# `assess --help` costs little more than click and `assess score` no more than scoring.

F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit statuses of every command.

    \b
    0  done: every submission assessed (or valid, for check)
    1  internal error (a bug: please report it)
    2  usage error: unknown option, edition, format or domain
    3  invalid input: a submission could not be read or validated; the message names the file,
       the field path and, for YAML, the line (batch: the others were still assessed)
    4  invalid catalogue: a rule file could not be loaded (file and rule named)
    5  engine error: durable_rules failed, so no score was given
    6  output error: a file or folder could not be written (full disk, read-only, no permission,
       a folder in its place, in use by another batch); the path and reason are named, nothing is
       left half-written and the previous output is left as it was
    130, 143  interrupted (Ctrl-C, SIGTERM): the previous output is left as it was
    """

    OK = 0
    INTERNAL = 1
    USAGE = 2
    INVALID_INPUT = 3
    INVALID_RULES = 4
    ENGINE = 5
    OUTPUT = 6


EXIT_CODES_HELP = (ExitCode.__doc__ or "").split("\n", 2)[2]


def exit_code_for(error: AssessError) -> int:
    """The one mapping from an error to an exit status."""
    return int(error.exit_code)


def report_errors(func: F) -> F:
    """The single error boundary: an AssessError becomes 'Error: …' lines and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssessError as error:
            problems = error.all() if isinstance(error, InputError) else [error]
            for problem in problems:
                click.echo(f"Error: {one_line(problem)}", err=True)
            sys.exit(exit_code_for(error))

    return wrapper  # type: ignore[return-value]


def catalogue_for(rules_dir: Path | None) -> "Catalogue":
    """The bundled catalogue, or the team's own with --rules, through the on-disk cache."""
    from ..catalogue.cache import load

    return load(rules_dir)


def check_edition(catalogue: "Catalogue", edition: str | None) -> None:
    """A usage error (exit 2) for an --edition the catalogue does not have."""
    if edition is not None:
        try:
            catalogue.edition(edition)
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="'--edition'") from None


def emit(text: str, output: Path | None) -> None:
    """Print `text`, or write it atomically to --output."""
    if output is None:
        click.echo(text, nl=False)
    else:
        from ..common.files import write_atomic

        write_atomic(output, text)


def render(assessment: "Assessment", fmt: str, catalogue: "Catalogue") -> str:
    """`report.render`, without loading jinja2 for JSON (rendered from the data alone)."""
    from ..engine.results import Assessment

    if fmt == "json" and isinstance(assessment, Assessment):
        return assessment.to_json()
    from ..render import report

    return report.render(assessment, fmt, **report.catalogue_context(catalogue))


rules_option = click.option(
    "--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder with catalogue.yaml and rule files, instead of the bundled catalogue.")
output_option = click.option(
    "--output", "-o", type=click.Path(path_type=Path),
    help="Write to this file instead of standard output: whole or not at all (exit 6, naming the "
         "file and the reason, when it cannot be written).")
decisions_option = click.option(
    "--decisions", "decisions_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="A reviewer's decisions file (YAML: a `decisions:` list; or .xlsx: a Decisions sheet, as "
         "`assess fingerprint FILE -o decisions.xlsx` writes it); the moderated verdict is scored and "
         "the engine's is shown beside it.")
edition_option = click.option(
    "--edition", "-e", metavar="EDITION",
    help="Assessment framework to apply (see `assess rules --format text`); default: the one in "
         "force on the submission's date.")


