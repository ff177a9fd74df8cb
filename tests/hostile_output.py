"""Hostile text on its way out: the case table and the checks, shared by the tests and by
`python tests/hostile_output.py`, which prints the table with each case's outcome and time.

Every free-text field of the schema gets every payload (XSS, Markdown and CSV/Excel formula
injection, terminal escapes, C1 controls, bidi overrides, forged lines, long runs); each
submission is checked with `check` and scored in every format, and the outputs must show the
text as text: no markup, no formula, no raw control or bidi character, no forged line. To add a
case, add a row to PAYLOADS, FILE_NAMES or ENTRIES.
"""
from __future__ import annotations

import copy
import html.parser
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml
from click.testing import CliRunner

from assess.cli import main
from assess.input.fields import fields_of

ROOT = Path(__file__).resolve().parent.parent
BASE_FIXTURE = ROOT / "fixtures" / "dorset-thriving.yaml"
FORGED = "ok  forged.yaml  (FORGED, all ok)"

# (id, text): what an attacker or a careless paste puts in a free-text field
PAYLOADS: list[tuple[str, str]] = [
    ("xss-script", "<script>alert(1)</script>"),
    ("xss-img", '"><img src=x onerror=alert(1)>'),
    ("xss-attr", "' onmouseover='alert(1)"),
    ("md-heading", "# FORGED heading"),
    ("md-list", "- FORGED item"),
    ("md-link", "[click](javascript:alert(1))"),
    ("md-table", "a | b | c"),
    ("md-html", "<b>bold</b>&amp;"),
    ("csv-formula", '=HYPERLINK("http://example.invalid","x")'),
    ("csv-plus", "+1+cmd|' /C calc'!A0"),
    ("csv-minus", "-2+3"),
    ("csv-at", "@SUM(A1:A2)"),
    ("terminal-clear", "\x1b[2J\x1b[H" + FORGED),
    ("terminal-osc", "\x1b]0;title\x07name"),
    ("c1-csi", "\x9b2J\x85next"),
    ("bidi-override", "name\u202etxt.exe\u202c"),
    ("bidi-isolate", "\u2066evil\u2069 \u200fmark"),
    ("newline-forge", "name\n" + FORGED),
    ("cr-forge", "name\r" + FORGED),
    ("line-separator", "name\u2028" + FORGED),
    ("long-run", "x" * 3000),
]


def text_fields() -> list[str]:
    """Every free-text field of the schema ('list[].field' for a field of a list's records)."""
    out = []
    for path, spec in fields_of().items():
        if spec.kind == "str":
            out.append(path)
        if spec.model is not None:
            out.extend(f"{path}[].{name}" for name, item in fields_of(spec.model).items() if item.kind == "str")
    return out


def hostile_submission(fields: list[str], text: str) -> dict[str, Any]:
    """The base fixture with `text` in every one of `fields` (the first record, for a list's field)."""
    data = copy.deepcopy(yaml.safe_load(BASE_FIXTURE.read_text(encoding="utf-8")))
    for field in fields:
        head, _, tail = field.partition("[].")
        if tail:
            data[head][0][tail] = text
        else:
            section, name = head.rsplit(".", 1)
            data[section][name] = text
    return data


_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


BUNDLED_SCRIPTS = {p.read_text(encoding="utf-8").strip() for p in (ROOT / "reports").glob("*.js")}


class _Markup(html.parser.HTMLParser):
    """Finds elements and attributes that run or load something, except the bundled scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script = []
        if tag in ("img", "iframe", "object", "embed"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {name}={value!r}")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if "".join(self._script).strip() not in BUNDLED_SCRIPTS:
                self.bad.append("<script> that is not a bundled script")
            self._script = None


def html_problems(text: str) -> list[str]:
    """Markup an attacker could have injected, and raw control/bidi characters."""
    parser = _Markup()
    parser.feed(text)
    found = parser.bad + [f"raw {c!r}" for c in sorted(set(_ACTIVE.findall(text)))]
    return found


def markdown_problems(text: str) -> list[str]:
    found = [f"raw {c!r}" for c in sorted(set(_ACTIVE.findall(text)))]
    for line in text.splitlines():
        if re.match(r"\s*(#|-|\*|\d+\.)\s*FORGED", line) or re.match(r"\s*<(script|img|b)\b", line):
            found.append(f"forged block: {line[:60]!r}")
    if re.search(r"(?<!\\)<(script|img|b)\b", text) or re.search(r"(?<!\\)\[click(?<!\\)\]\(javascript", text):
        found.append("unescaped markup")
    return found


def terminal_problems(text: str) -> list[str]:
    found = [f"raw {c!r}" for c in sorted(set(_ACTIVE.findall(text)))]
    found += [f"forged line: {line[:60]!r}" for line in text.splitlines() if line.startswith(FORGED)]
    found += [f"line of {len(line):,} characters" for line in text.splitlines() if len(line) > 20_000]
    return found


def csv_problems(rows: list[list[str]]) -> list[str]:
    found = []
    for row in rows:
        for cell in row:
            if cell.startswith(_FORMULA_START):
                found.append(f"formula cell {cell[:40]!r}")
            if _ACTIVE.search(cell):
                found.append(f"raw control in {cell[:40]!r}")
            if len(cell) > 20_000:
                found.append(f"cell of {len(cell):,} characters")
    return found


@dataclass
class Outcome:
    """What one case gave: the exit statuses, the problems found and the time taken."""

    case: str
    exits: str
    problems: list[str]
    seconds: float


def run_cli(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def free_text_fields() -> list[str]:
    """The text fields a payload can fill all at once (the code has a pattern: it has its own case)."""
    return [f for f in text_fields() if f != "footprint.code"]


def check_field_case(tmp: Path, fields: list[str], payload_id: str, text: str) -> Outcome:
    """`check`, and `score` in every format when it is valid, on the base fixture with the payload
    in each of `fields`."""
    start = time.perf_counter()
    label = fields[0] if len(fields) == 1 else "every free-text field"
    path = tmp / f"{label.replace('[].', '-').replace(' ', '-')}-{payload_id}.json"
    path.write_text(json.dumps(hostile_submission(fields, text), default=str), encoding="utf-8")
    problems: list[str] = []
    checked = run_cli("check", path)
    exits = [checked.exit_code]
    problems += terminal_problems(checked.output)
    if checked.exit_code == 0:
        if len(checked.output.splitlines()) != 1:
            problems.append(f"check printed {len(checked.output.splitlines())} lines for one file")
        for fmt, judge in (("text", terminal_problems), ("markdown", markdown_problems), ("html", html_problems),
                           ("json", lambda out: [] if json.loads(out) else ["empty json"])):
            scored = run_cli("score", path, "--format", fmt)
            exits.append(scored.exit_code)
            problems += [f"{fmt}: {p}" for p in judge(scored.output)]
            if scored.exit_code != 0 or "Traceback" in scored.output:
                problems.append(f"{fmt}: exit {scored.exit_code}")
    elif "Traceback" in checked.output or checked.exit_code != 3:
        problems.append(f"check: exit {checked.exit_code}")
    return Outcome(f"{label} ← {payload_id}", "/".join(map(str, exits)), problems, time.perf_counter() - start)


# File names a batch meets: (id, name, content)
FILE_NAMES: list[tuple[str, str, str]] = [
    ("name-formula", "=HYPERLINK(1).yaml", "not: [valid"),
    ("name-escape", "\x1b[2Jclear.yaml", "not: [valid"),
    ("name-newline", "new\nline.yaml", "not: [valid"),
    ("name-bidi", "evil\u202eLMTH.yaml", "not: [valid"),
    ("name-markup", "<script>alert(1)<\\script>.yaml".replace("\\", "_"), "not: [valid"),
    ("name-long", "k" * 200 + ".yaml", "not: [valid"),
    ("name-not-utf8", os.fsdecode(b"bad\xff.yaml"), "not: [valid"),
    ("name-not-utf8-good", os.fsdecode(b"good\xfe.yaml"),
     (ROOT / "fixtures" / "west-yorkshire-developing.yaml").read_text(encoding="utf-8")),
    ("key-escape", "key-escape.yaml", "schema_version: '1.0'\n\"\\e[2Jbad\\u202ekey\": 1\n"),
    ("key-huge", "key-huge.yaml", "schema_version: '1.0'\n" + "k" * 400_000 + ": 1\n"),
    ("key-4mb-json", "key-4mb.json", json.dumps({"schema_version": "1.0", "\x1b[2J" + "k" * 4_000_000: 1})),
]

# Entries that are not submission files: (id, how to make it in the folder)
ENTRIES: list[tuple[str, Callable[[Path], None]]] = [
    ("fifo", lambda d: os.mkfifo(d / "pipe.yaml")),
    ("directory", lambda d: (d / "folder.yaml").mkdir()),
    ("dangling-link", lambda d: (d / "dangling.yaml").symlink_to(d / "nowhere.yaml")),
    ("link-to-dev-zero", lambda d: (d / "zero.yaml").symlink_to("/dev/zero")),
    ("link-outside", lambda d: (d / "outside.yaml").symlink_to(BASE_FIXTURE)),
    ("link-loop", lambda d: (d / "loop.yaml").symlink_to(d / "loop.yaml")),
    ("hidden", lambda d: (d / ".hidden.yaml").write_text("x")),
    ("unsupported", lambda d: (d / "notes.txt").write_text("x")),
    ("no-extension", lambda d: (d / "README").write_text("x")),
    ("same-code-twice", lambda d: (d / "dorset-copy.yaml").write_text(
        BASE_FIXTURE.read_text(encoding="utf-8").replace("submitted_on: 2017-06-30", "submitted_on: 2017-06-29"))),
]


GOOD = ("dorset-thriving.yaml", "lincs-no-leader.yaml", "frimley-ics-ready.yaml")


def build_batch_folder(folder: Path) -> None:
    """Good fixtures beside every hostile content file, file name and folder entry."""
    import shutil

    from assess.common.textsafe import is_clean

    folder.mkdir(parents=True)
    for name in GOOD:
        shutil.copy(ROOT / "fixtures" / name, folder / name)
    for i, (pid, text) in enumerate(PAYLOADS):
        if is_clean(text) or "\x1b" not in text:
            data = hostile_submission(free_text_fields(), text)
            data["footprint"]["code"] = f"HOSTILE{i:02d}"
            (folder / f"content-{pid}.json").write_text(json.dumps(data, default=str), encoding="utf-8")
    for _, name, content in FILE_NAMES:
        (folder / name).write_text(content, encoding="utf-8")
    for _, make in ENTRIES:
        make(folder)


def batch_table() -> None:  # pragma: no cover - a report for people, run by hand
    import csv
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        build_batch_folder(folder)
        start = time.perf_counter()
        result = run_cli("batch", folder, "--out", out)
        seconds = time.perf_counter() - start
        rows = list(csv.DictReader((out / "errors.csv").open(encoding="utf-8")))
        league = list(csv.DictReader((out / "league.csv").open(encoding="utf-8")))
    print(f"batch: {len(list(folder.iterdir())) if folder.exists() else len(rows) + len(league)} entries, "
          f"exit {result.exit_code}, {len(league)} ranked, {len(rows)} listed in errors.csv, {seconds:.2f} s")
    for row in rows:
        print(f"  {row['file'][:40]:42} {row['message'][:100]}")
    import resource

    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main_table() -> None:  # pragma: no cover - a report for people, run by hand
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        outcomes = [check_field_case(Path(tmp), fields, pid, text)
                    for fields in (free_text_fields(), ["footprint.code"]) for pid, text in PAYLOADS]
    by_payload: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_payload.setdefault(o.case.split(" ← ")[1], []).append(o)
    print(f"{'payload':18} {'cases':>5}  {'exits (check/text/md/html/json)':34} {'problems':>8} {'worst s':>8}")
    for pid, group in by_payload.items():
        exits = ", ".join(sorted({o.exits for o in group}))
        print(f"{pid:18} {len(group):5}  {exits:34} {sum(len(o.problems) for o in group):8} "
              f"{max(o.seconds for o in group):8.2f}")
    import resource

    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":  # pragma: no cover
    main_table()
    batch_table()
