"""Assess a folder of submissions at once and write everything a review team needs.

Phase 1 reads, validates and scores each file (in worker processes with --jobs N, each loading the
catalogue itself: durable_rules keeps its state per process). Phase 2 renders a gap report per
submission, with the batch's medians beside its scores. Then the batch files are written:
results.json, league.csv, league.xlsx, errors.csv and the index.html dashboard. Every file is
written atomically, and the same inputs give the same bytes whatever N is.

A file that cannot be assessed never stops the batch: its problems (or, for a bug, an internal
error) become rows of errors.csv and the other submissions are still scored and reported.
"""
from __future__ import annotations

import errno
import re
import shutil
import stat
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..catalogue.load import load_catalogue
from ..catalogue.model import Catalogue
from ..common import jsonio
from ..common.files import reason, write_file
from ..common.jsonio import canonical_bytes
from ..common.labels import long_date
from ..common.textsafe import one_line
from ..errors import AssessError, InputError, OutputError
from ..input.formats import REFUSED_SUFFIXES, SUPPORTED, SUPPORTED_TEXT
from ..input.load import read_source, validate
from ..render import dashboard, report
from . import spooled, workers
from .outdir import OUTPUT_NAMES, OutputFolder
from .spooled import Scored

RESULTS = "results.json"
REPORTS = "reports"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


@dataclass
class BatchSummary:
    """What a batch did: how many files it found and assessed, and every problem (errors.csv rows)."""

    out_dir: Path
    files: int
    assessed: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. previous results from another catalogue
    #: wall seconds per stage: scoring, reports, batch files (the serial tail), commit (sync, swap)
    timings: dict[str, float] = field(default_factory=dict)
    #: submissions moderated by --decisions, and the decisions among them found stale
    moderated: int = 0
    stale_decisions: int = 0
    #: hidden, lock and system files (.DS_Store, ~$x.xlsx, Thumbs.db): named in a warning, never read
    not_read: list[str] = field(default_factory=list)

    @property
    def failed_files(self) -> list[str]:
        """The files that could not be assessed, each once, sorted."""
        return sorted({e["file"] for e in self.errors})

    def describe(self) -> str:
        """One line for the terminal: what was assessed, ranked and moderated, what was not and
        where to look, and where the outputs are."""
        text = f"assessed {self.assessed} of {self.files} files into {self.out_dir}"
        if self.errors:
            text += f"; {len(self.failed_files)} could not be assessed (see {self.out_dir / 'errors.csv'})"
        else:
            text += "; none could not be assessed"
        text += f"; {self.assessed} ranked in the league"
        if self.moderated or self.stale_decisions:
            text += f"; {self.moderated} moderated, {_count(self.stale_decisions, 'stale decision')}"
        if self.not_read:
            text += f"; {_count(len(self.not_read), 'hidden, lock or system file')} not read"
        return text + f"; open {self.out_dir / 'index.html'}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# What a batch does with each entry of the input folder. Nothing is skipped silently: an entry
# is either read as a submission or becomes a row of errors.csv saying why it was not.
# other spreadsheet formats go to the reader, which explains how to save them as .xlsx
OTHER_SPREADSHEETS = tuple(REFUSED_SUFFIXES)
_KINDS = ((stat.S_ISDIR, "a folder: sub-folders are not read (run assess batch on it, or move its files up)"),
          (stat.S_ISFIFO, "a named pipe (FIFO), not a file: not opened"),
          (stat.S_ISCHR, "a device, not a file: not opened"), (stat.S_ISBLK, "a device, not a file: not opened"),
          (stat.S_ISSOCK, "a socket, not a file: not opened"))
LOCK_PREFIX = "~$"  # Excel writes ~$name.xlsx beside name.xlsx while the workbook is open
LOCK_REASON = ("an Excel lock file (the workbook is open in Excel); the workbook itself is read as last saved: "
               "save and close it, then run the batch again to be sure of its latest changes")
LIBREOFFICE_LOCK = ".~lock."  # LibreOffice writes .~lock.name.xlsx# while it has name.xlsx open
#: files Windows writes into the folders it shows (compared ignoring case)
WINDOWS_FILES = {"thumbs.db": "a Windows thumbnail cache", "desktop.ini": "a Windows folder settings file",
                 "ehthumbs.db": "a Windows thumbnail cache"}


def survey(directory: Path, out_dir: Path | None = None) -> tuple[list[Path], list[dict[str, Any]]]:
    """Every entry of `directory` (not its sub-folders), sorted by name: the files to read as
    submissions, and an errors.csv row for each other entry, saying why it is not read.

    Nothing is opened here (a FIFO named x.yaml would block): entries are judged on lstat/stat.
    Read: regular files, and symbolic links to regular files inside the folder, named .yaml,
    .yml, .json, .xlsx (and .xls, .xlsm, .xlsb, .ods, which the reader refuses with advice).
    Listed, not read: other types, folders named like a submission, named pipes, devices,
    sockets, dangling or looping symbolic links and links that lead outside the folder. A plain
    sub-folder's row carries "folder": True, and a hidden, lock or system file's (a name starting
    with '.' or '~$', Thumbs.db, desktop.ini) "ignored": True: the batch makes those warnings,
    since every Mac, Windows and Office user's folder holds some. The output folder itself, and
    a previous batch's outputs when --out is this folder, are the batch's own and not listed.
    """
    root = directory.resolve()
    out = None if out_dir is None else out_dir.resolve()
    found: list[Path] = []
    skipped: list[dict[str, Any]] = []
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        if out is not None and (out == root and path.name in OUTPUT_NAMES or _resolves_to(path, out)):
            continue
        reason = _system_entry(path)
        if reason is not None:
            skipped.append({**_error(path.name, f"not read: {reason}"), "ignored": True})
            continue
        reason = _not_read(path, root)
        if reason is None:
            found.append(path)
        elif reason is _SUB_FOLDER:
            skipped.append({**_error(path.name, f"not read: {reason}"), "folder": True})
        else:
            skipped.append(_error(path.name, f"not read: {reason}"))
    return found, skipped


def _resolves_to(path: Path, target: Path) -> bool:
    try:
        return path.resolve() == target
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        return False


_SUB_FOLDER = "a sub-folder: sub-folders are never read (run assess batch on it to assess what it holds)"


def _system_entry(path: Path) -> str | None:
    """Why an entry is a hidden, lock or system file that the batch passes over with a warning
    (None: it is not one). Judged on the name alone: nothing is opened or followed."""
    name = path.name
    if name.startswith(LIBREOFFICE_LOCK):
        return ("a LibreOffice lock file (the workbook is open in LibreOffice); the workbook itself is read as "
                "last saved: save and close it, then run the batch again to be sure of its latest changes")
    if name.startswith("."):
        kind = "folder" if path.is_dir() and not path.is_symlink() else "file"
        return (f"a hidden {kind} (a name starting with '.' marks editor, lock and system files such as "
                ".DS_Store); rename it without the '.' to assess it")
    if name.startswith(LOCK_PREFIX):
        if path.suffix.lower() in SUPPORTED + OTHER_SPREADSHEETS:
            return LOCK_REASON
        return "an Office lock file (the document is open in Word, Excel or PowerPoint), not a submission"
    if name.lower() in WINDOWS_FILES:
        return f"{WINDOWS_FILES[name.lower()]}, not a submission"
    return None


def _not_read(path: Path, root: Path) -> str | None:
    """Why an entry is not read as a submission (None: it is read). A plain sub-folder is a
    warning (_SUB_FOLDER), not an error: a folder of submissions may hold others, as the bundled
    fixtures do; a folder named like a submission (x.yaml) is an error."""
    try:
        info = path.lstat()
        link = stat.S_ISLNK(info.st_mode)
        if link:
            info = path.stat()
    except FileNotFoundError:
        return "a symbolic link to nothing (its target does not exist)"
    except OSError as exc:
        if link and exc.errno == errno.ELOOP:
            return "a symbolic link that loops"
        return f"cannot be inspected: {exc.strerror or exc}"
    if link and root not in path.resolve().parents:
        return "a symbolic link to something outside the folder; copy the file into the folder instead"
    suffix = path.suffix.lower()
    if stat.S_ISDIR(info.st_mode) and not link and suffix not in SUPPORTED + OTHER_SPREADSHEETS:
        return _SUB_FOLDER
    for test, kind in _KINDS:
        if test(info.st_mode):
            return ("a symbolic link to " + kind.removeprefix("a ")) if link else kind
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if suffix in SUPPORTED or suffix in OTHER_SPREADSHEETS:
        return None
    kind = f"unsupported file type '{path.suffix}'" if path.suffix else "no file extension"
    return f"{kind}: submissions are {SUPPORTED_TEXT} files"


def discover(directory: Path, out_dir: Path | None = None) -> list[Path]:
    """The submission files in `directory` (see `survey`, which also says why others are not read)."""
    return survey(directory, out_dir)[0]


def unique_codes(entries: list[Scored]) -> tuple[list[Scored], list[dict[str, Any]]]:
    """One assessment per footprint code (compared ignoring case) in a league, and an errors.csv
    row for every other: two submissions of one footprint would rank it twice and weigh twice in
    the batch medians.

    The most recent submission (by its date) is the one kept, as a resubmission replaces the one
    before it; the others are listed with the file kept. When the most recent date is shared, the
    batch cannot tell which is current: none of that code is kept, and each is listed.
    """
    groups: dict[str, list[Scored]] = {}
    for entry in entries:
        groups.setdefault(str(entry.code).casefold(), []).append(entry)
    kept, rows = [], []
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        group.sort(key=lambda e: (e.submitted_on, e.file))
        latest = group[-1].submitted_on
        newest = [e for e in group if e.submitted_on == latest]
        code = group[-1].code
        if len(newest) == 1:
            kept.append(newest[0])
            for entry in group[:-1]:
                rows.append(_error(entry.file, f"not ranked: footprint code {code} is also submitted in "
                                               f"{newest[0].file}, dated later ({long_date(latest)}), "
                                               "which is ranked instead"))
        else:
            others = ", ".join(e.file for e in group)
            for entry in group:
                rows.append(_error(entry.file, f"not ranked: footprint code {code} is submitted more than "
                                               f"once with the same latest date ({long_date(latest)}) in "
                                               f"{others}; keep one file per footprint"))
        not_ranked = group[:-1] if len(newest) == 1 else group
        for row, entry in zip(rows[-len(not_ranked):], not_ranked):
            row["code"] = entry.code  # for the league's notes (league_notes)
    for row in rows:
        row["duplicate"] = True  # the dashboard warns beside its league table
    kept.sort(key=lambda e: (e.code, e.file))
    return kept, rows


def safe_stem(code: str) -> str:
    """A file name stem from a submission code: letters, digits, - and _ only, never empty, never
    a reserved device name, never starting with '-'."""
    stem = _UNSAFE.sub("_", code).strip("_-")[:40] or "submission"
    return stem + "_" if stem.lower() in _RESERVED else stem


def assign_stems(codes: Sequence[str]) -> list[str]:
    """One distinct output stem per code, in order: a repeated code (compared ignoring case, as
    some file systems do) gets -2, -3… so no report overwrites another."""
    taken: set[str] = set()
    stems = []
    for code in codes:
        base = stem = safe_stem(code)
        n = 2
        while stem.casefold() in taken:
            stem, n = f"{base}-{n}", n + 1
        taken.add(stem.casefold())
        stems.append(stem)
    return stems


# --- phase 1: score (one file per task, in any process) ----------------------------------------

_catalogue: Catalogue | None = None


def _init_worker(rules_dir: str | None, parent_pid: int | None = None) -> None:
    global _catalogue
    if parent_pid is not None:
        workers.bind_to_parent(parent_pid)
    _catalogue = load_catalogue(rules_dir)


def _error(file: str, message: str, *, line: int | str | None = None, path: str | None = None) -> dict[str, Any]:
    """One errors.csv row. Every text in it may come from the input (a file name, a key, a value),
    so each is clipped and its control and bidi characters shown as escapes, once, here: the rows
    reach standard error, errors.csv and the dashboard. `line` is a YAML or JSON file's line or a
    workbook's Sheet!Cell."""
    return {"file": one_line(file), "line": one_line(line) if isinstance(line, str) else line,
            "field": None if path is None else one_line(path), "message": one_line(message)}


SLIM_CRITERION = ("id", "title", "domain", "severity", "status")


def slim(data: dict[str, Any]) -> dict[str, Any]:
    """What the dashboard, the medians, the league and the review need of an assessment (its slim
    record, spooled beside the whole of it: see assess.batch.spooled)."""
    out = {k: v for k, v in data.items() if k not in ("criteria", "path_to_ics")}
    out["criteria"] = [{k: c[k] for k in SLIM_CRITERION} for c in data["criteria"]]
    return out


def score_one(task: tuple[Any, ...]) -> dict[str, Any]:
    """Read, validate and assess one file; spool the whole assessment as JSON to `spool_file` and
    its slim record beside it, and return the few values the parent keeps of it (code, date and
    score), or the file's problems. Memory in the parent stays small."""
    path, label, edition, spool_file = task[:4]
    decisions = task[4] if len(task) > 4 else None  # a reviewer's decisions (assess.review.batchwork)
    assert _catalogue is not None, "worker catalogue not loaded"
    from ..engine.assessor import assess_submission
    from ..review.batchwork import moderate_in_worker

    try:
        source = read_source(path)
        submission = validate(source)
        assessment = assess_submission(submission, _catalogue, edition=edition, source_sha256=source.sha256,
                            source_file=label)
        assessment, refused = moderate_in_worker(assessment, decisions, _catalogue, label)
        data = assessment.to_dict()
    except InputError as exc:
        return {"file": label, "errors": [_error(label, p.problem, line=p.cell or p.line, path=p.path)
                                          for p in exc.all()]}
    except AssessError as exc:
        kind = type(exc).__name__.replace("Error", "").lower() or "assessment"
        return {"file": label, "errors": [_error(label, f"{kind} error: {exc}")]}
    except Exception as exc:  # a bug: record it against this file and carry on with the others
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return {"file": label, "errors": [_error(
            label, f"internal error (please report it): {type(exc).__name__}: {exc} "
                   f"[{Path(where.filename).name}:{where.lineno}]")]}
    with open(spool_file, "wb") as handle:  # an OSError here stops the batch
        handle.write(canonical_bytes(data))
    try:
        trajectory = _catalogue.trajectory_value(dashboard.SEVEN_DAY, submission.footprint.submitted_on)
    except KeyError:
        trajectory = None
    facts = {"seven_day_coverage_pct": submission.seven_day.priority_standards_coverage_pct,
             "seven_day_trajectory_pct": trajectory}
    spooled.write_slim(spool_file, slim(data), facts)
    s = data["submission"]
    return {"file": label, "scored": (s["code"], s["submitted_on"], data["score"]), "spool": spool_file,
            "errors": refused}


# --- phase 2: render one submission's gap reports ----------------------------------------------

def render_one(task: tuple[str, str, dict[str, Any], dict[str, Any]]) -> list[dict[str, Any]]:
    """Write reports/<stem>.html and reports/<stem>.md; any failure is returned as an error row."""
    out_dir, stem, entry, context = task
    reports = Path(out_dir) / REPORTS
    try:
        with open(entry["spool"], "rb") as handle:
            assessment = jsonio.loads(handle.read())
        if "medians" in context:  # in a batch: the peers beside its scores, the change since last time
            medians = context["medians"]
            context = {k: v for k, v in context.items() if k != "medians"}
            context["peers"] = dashboard.peer_context({"assessment": assessment}, medians)
            context["since"] = spooled.read_change(entry["spool"])
        for fmt, suffix in (("html", ".html"), ("markdown", ".md")):
            target = reports / f"{stem}{suffix}"
            if target.resolve().parent != reports.resolve():  # belt and braces: stems are sanitised
                raise ValueError(f"refusing to write outside {REPORTS}/: {stem!r}")
            write_file(target, report.render(assessment, fmt, **context))
    except OSError:
        raise  # the output cannot be written (full disk, say): the whole batch stops, not this file
    except Exception as exc:  # reported against the file; the other reports are still written
        return [_error(entry["file"], f"internal error writing the gap report (please report it): "
                                      f"{type(exc).__name__}: {exc}")]
    return []


# --- running tasks in order, in this process or in workers ---------------------------------------

def _Runner(jobs: int, rules_dir: Path | None, catalogue: Catalogue, progress: bool) -> workers.Runner:
    """A task runner whose workers each load the catalogue (durable_rules keeps state per process);
    tasks run in this process use `catalogue`."""
    global _catalogue
    _catalogue = catalogue
    return workers.Runner(jobs, _init_worker, (None if rules_dir is None else str(rules_dir),), progress)


def _crashed_scoring(task: tuple[Any, ...]) -> dict[str, Any]:
    return {"file": task[1], "errors": [_error(task[1], "internal error (please report it): the worker "
                                                        "process stopped while assessing this file")]}


def _crashed_rendering(task: tuple[str, str, dict[str, Any], dict[str, Any]]) -> list[dict[str, Any]]:
    return [_error(task[2]["file"], "internal error (please report it): the worker process stopped while "
                                    "writing this gap report")]


# --- the batch ------------------------------------------------------------------------------------

def run_batch(directory: str | Path, out_dir: str | Path, *, catalogue: Catalogue, edition: str | None = None,
              jobs: int = 1, rules_dir: str | Path | None = None, progress: bool | None = None,
              decisions: Any = None, previous: str | Path | None = None) -> BatchSummary:
    """Assess every submission file in `directory` and write the batch outputs into `out_dir`.

    The output is built beside `out_dir` and swapped in whole when complete (see `assess.batch.outdir`):
    an interruption or a failure leaves the previous output as it was. `progress` shows progress
    bars on standard error; by default only when it is a terminal.
    `decisions` (a reviewer's decisions file or DecisionSet) moderates the submissions it names;
    `previous` (an earlier batch's results.json) adds the change since each footprint's last
    submission (see assess.review.batchwork).
    """
    from ..review import batchwork

    review = batchwork.prepare(catalogue, decisions, previous)
    token = review.decisions if jobs <= 1 else batchwork.decisions_token(review.decisions)
    directory, out = Path(directory), Path(out_dir)
    files, skipped = survey(directory, out)
    folders = [row for row in skipped if row.get("folder")]
    ignored = [row for row in skipped if row.get("ignored")]
    skipped = [row for row in skipped if not row.get("folder") and not row.get("ignored")]
    runner = _Runner(max(1, jobs), None if rules_dir is None else Path(rules_dir), catalogue,
                     sys.stderr.isatty() if progress is None else progress)
    timings: dict[str, float] = {}
    with OutputFolder(out, inputs=directory) as folder:
        try:
            errors, entries, tally = _run(files, skipped, folder.staging, edition, catalogue, runner, timings,
                                          review, token, [row["file"] for row in folders],
                                          [row["file"] for row in ignored])
            started = time.perf_counter()
            folder.commit()
            timings["commit"] = time.perf_counter() - started
        except OSError as exc:
            runner.kill()
            raise OutputError(f"cannot write {folder.shown_path(exc.filename)}: {reason(exc)}; "
                              f"{_kept(folder)}") from None
        except BaseException as exc:  # an interruption (KeyboardInterrupt) or a bug: end the workers
            runner.kill()
            exc.committed = folder.committed  # type: ignore[attr-defined]
            raise
        finally:
            runner.close()
    return BatchSummary(out, len(files) + len(skipped), len(entries), errors,
                        [*review.warnings, *(f"{row['file']}: {row['message']}" for row in folders + ignored)],
                        timings, moderated=tally["moderated"], stale_decisions=tally["stale"],
                        not_read=[row["file"] for row in ignored])


def _kept(folder: OutputFolder) -> str:
    if folder.committed:
        return f"the new output is complete in {folder.shown}"
    if folder.target.exists():
        return f"the previous output in {folder.shown} was left as it was"
    return f"nothing was written to {folder.shown}"


def _run(files: list[Path], skipped: list[dict[str, Any]], stage: Path, edition: str | None,
         catalogue: Catalogue, runner: workers.Runner, timings: dict[str, float], review: Any, token: Any,
         folders: list[str], ignored: list[str]) -> tuple[list[dict[str, Any]], spooled.Entries, dict[str, int]]:
    """Score, render and write the whole output into the staging folder `stage`; the errors, the
    league's entries and the moderation tally."""
    from ..review import batchwork

    clock = time.perf_counter()
    spool = stage / ".spool"
    spool.mkdir()
    (stage / REPORTS).mkdir()
    tasks = spooled.Lazy(range(len(files)), lambda i: (str(files[i]), one_line(files[i].name), edition,
                                                     str(spool / f"{i}.json"), token))
    scored = runner.map(score_one, tasks, "Scoring", _crashed_scoring, keep=_holding)
    timings["scoring"], clock = time.perf_counter() - clock, time.perf_counter()
    errors = skipped + [row for _, rows in scored for row in rows]
    kept, twins = unique_codes([record for record, _ in scored if record is not None])
    del scored
    errors.extend(twins)
    for record, stem in zip(kept, assign_stems([record.code for record in kept])):
        record.stem = stem
    entries = spooled.Entries(kept)
    errors.extend(batchwork.unknown_codes(review, [record.code for record in kept]))
    for entry, change in batchwork.compare(entries, review, [b.name for b in catalogue.scoring.ratings]):
        entries.save(entry)
        spooled.write_change(entry["spool"], change)
    medians = dashboard.peer_medians(entries)
    shared = {**report.catalogue_context(catalogue), "medians": medians, "dashboard": "../index.html"}
    renders = spooled.Lazy(kept, lambda r: (str(stage), r.stem, {"file": r.file, "spool": r.spool}, shared))
    for rows in runner.map(render_one, renders, "Writing reports", _crashed_rendering):
        errors.extend(rows)
    errors.sort(key=lambda e: e["file"])  # stable: each file's problems keep their order
    timings["reports"], clock = time.perf_counter() - clock, time.perf_counter()
    tally = _write_batch_files(stage, entries, errors, catalogue, review, folders=folders, ignored=ignored,
                               medians=medians)
    shutil.rmtree(spool)
    timings["batch files"] = time.perf_counter() - clock
    return errors, entries, tally


def _holding(result: dict[str, Any]) -> tuple[Scored | None, Sequence[dict[str, Any]]]:
    """What the batch holds of a scoring result as it arrives: a few values (the rest is in the
    spool) and the file's problems (most have none: one empty tuple stands for all of those)."""
    if "scored" not in result:
        return None, result.get("errors") or ()
    code, submitted_on, score = result["scored"]
    return (Scored(result["file"], code, sys.intern(submitted_on), score, result["spool"]),
            result["errors"] or ())


def _results_json(spools: Sequence[str]) -> Iterator[str]:
    """results.json, chunk by chunk from the spool files: the same bytes as one json.dumps(indent=2)."""
    if not spools:
        yield "[]\n"
        return
    yield "[\n"
    for i, spool in enumerate(spools):
        with open(spool, encoding="utf-8") as handle:
            text = handle.read()
        yield "  " + text.replace("\n", "\n  ") + (",\n" if i < len(spools) - 1 else "\n")
    yield "]\n"


def _write_batch_files(out: Path, entries: spooled.Entries, errors: list[dict[str, Any]],
                       catalogue: Catalogue, review: Any = None, folders: Sequence[str] = (),
                       ignored: Sequence[str] = (), medians: dict[str, Any] | None = None) -> dict[str, int]:
    """The serial tail, in passes over the entries on disk: nothing per submission is held but
    the league's order. Returns the moderation tally: submissions moderated, stale decisions."""
    from ..render.league_notes import duplicate_notes
    from ..review import batchwork
    from .tables import write_tables

    review = review or batchwork.ReviewInputs()

    domains = [{"id": d.id, "title": d.title} for d in catalogue.meta.domains]
    ratings = [b.name for b in catalogue.scoring.ratings]
    stages = [b.name for b in catalogue.scoring.stages]
    write_file(out / RESULTS, _results_json([record.spool for record in entries.scored]))
    rows = spooled.LeagueRows(entries, dashboard.league_row_maker(domains, ratings, stages))
    extra, twin_column, twin_sheet = batchwork.league_extras(rows, review), *duplicate_notes(rows, errors)
    data = dashboard.dashboard(entries, errors, domains=domains, ratings=ratings, stages=stages,
                               catalogue_version=catalogue.version, rows=rows, medians=medians)
    data["review"] = batchwork.dashboard_block(entries, review, errors)
    data["folders_not_read"] = list(folders)
    data["files_not_read"] = list(ignored)
    data["lock_files_not_read"] = any(_is_lock(name) for name in ignored)
    stamp = max((record.submitted_on for record in entries.scored), default="2000-01-01")
    write_tables(out, rows, data["domains"], errors, stamp=stamp, extra=extra + twin_column,
                 sheets=batchwork.league_sheets(rows, review) + twin_sheet, entries=entries,
                 catalogue=catalogue)
    write_file(out / "index.html", report.render_dashboard(data))
    moderated = (data["review"] or {}).get("moderated", [])
    return {"moderated": len(moderated), "stale": sum(m["stale"] for m in moderated)}


def _is_lock(name: str) -> bool:
    return name.startswith((LOCK_PREFIX, LIBREOFFICE_LOCK))


def iter_problems(summary: BatchSummary) -> Iterator[str]:
    """The batch's problems as one line each, as the other commands print them."""
    for e in summary.errors:
        place = e["line"]  # a line, or a workbook's Sheet!Cell: rendered as check renders it
        yield str(InputError(e["file"], e["message"], path=e["field"], line=None if isinstance(place, str) else place,
                             cell=place if isinstance(place, str) else None))
