# ruff: noqa: E501  (a table of cases reads best one case to a line)
"""The hostile-input corpus: a table of cases, each generated into a file at test time (nothing large
is committed). A case names its category, how its file is made and what a user must see:

- "ok": `check` passes and `score` gives a result in every format, with the hostile text escaped;
- "refused": every command exits 3 with a message naming the file (and `expect`, if given).

To add a case, add a row to CASES; a hostile workbook is a row of tests/workbook_cases.py, which
joins this table as a "workbooks" case.
"""
from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from casekit import FIXTURES

from assess.input.fields import fields_of

BASE: dict[str, Any] = yaml.safe_load((FIXTURES / "dorset-thriving.yaml").read_text())


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    outcome: str  # "ok" | "refused"
    make: Callable[[Path], Path]  # writes the file (or FIFO, folder, link) into a folder, returns it
    expect: str = ""  # a fragment every refusal message must hold
    batch: bool = True  # a regular file whose CONTENT is hostile: also run in the batch
    forbidden: tuple[str, ...] = field(default=())  # text that must not reach html/markdown raw
    # ("markdown:TEXT" or "html:TEXT" for one format only)


# The validation library's own sentences and markers: none may reach a user (messages are worded
# in assess/input/messages.py).
LIBRARY_WORDING = re.compile(
    r"Input should|String should|List should|Value error,|validation errors? for|should be a valid|"
    r"Field required|Extra inputs are not permitted|\[type=|pydantic|errors\.pydantic\.dev|"
    r"greater than or equal to|less than or equal to|after validation")


def library_wording(text: str) -> list[str]:
    """The library phrases found in `text` (an empty list when it is in plain words)."""
    return sorted({match.group(0) for match in LIBRARY_WORDING.finditer(text)})


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, default=str)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def text_file(name: str, text: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path
    return make


def data_file(name: str, build: Callable[[dict[str, Any]], Any]) -> Callable[[Path], Path]:
    fmt = "json" if name.endswith(".json") else "yaml"

    def make(folder: Path) -> Path:
        data = base()
        data = build(data) or data
        path = folder / name
        path.write_text(_dump(data, fmt), encoding="utf-8")
        return path
    return make


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path (numbers index lists) in the data."""
    def build(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return build


def free_text_paths() -> list[str]:
    """Every free-text field of the schema that the base submission can carry, as dotted paths
    (list records: the first item)."""
    out = []
    for path, spec in fields_of().items():
        if spec.kind == "str" and path != "footprint.code":
            out.append(path)
        elif spec.kind == "records" and spec.model is not None and BASE.get(path):
            for name, sub in fields_of(spec.model).items():
                if sub.kind == "str" and name != "ref":
                    out.append(f"{path}.0.{name}")
    return out


MULTI_LINE = (".summary", ".source")  # Text fields; the others are one-line names and titles


def everywhere(payload: str) -> Callable[[dict[str, Any]], None]:
    def build(data: dict[str, Any]) -> None:
        for path in free_text_paths():
            if path.endswith(MULTI_LINE):
                setter(path, payload)(data)
            else:
                setter(path, payload.replace("\n", " ")[: 40 if path.endswith(".unit") else 200])(data)
    return build


def _laughs(levels: int, width: int, into: str) -> str:
    lines = ['schema_version: "1.0"', "a0: &a0 " + ("lol" if into == "scalar" else "[lol, lol]")]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    lines.append(f"footprint: {{code: X, name: *a{levels - 1}}}")
    return "\n".join(lines) + "\n"


def _laughs_map(levels: int) -> str:
    lines = ['schema_version: "1.0"', "m0: &m0 {k: v}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{{', '.join(f'k{j}: *m{i - 1}' for j in range(9))}}}")
    lines.append(f"governance: *m{levels - 1}")
    return "\n".join(lines) + "\n"


def _deep(n: int, fmt: str) -> str:
    return ('{"schema_version": "1.0", "x": ' + "[" * n + "]" * n + "}") if fmt == "json" else \
        'schema_version: "1.0"\nx: ' + "[" * n + "]" * n + "\n"


def _deep_block(n: int) -> str:
    return 'schema_version: "1.0"\n' + "".join("  " * i + f"k{i}:\n" for i in range(n)) + "  " * n + "v: 1\n"


def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        os.mkfifo(path)
        return path
    return make


def _folder(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.mkdir()
        (path / "inner.yaml").write_text("x: 1\n")
        return path
    return make


def _link(name: str, target: str | None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if target is None:  # a link to a good file beside it
            good = folder / f"target-of-{name}"
            good.write_text(_dump(base(), "yaml"))
            os.symlink(good, path)
        else:
            os.symlink(target, path)
        return path
    return make


def _build_cases() -> list[Case]:
    cases: list[Case] = []

    def add(name: str, category: str, outcome: str, make: Callable[[Path], Path], expect: str = "",
            batch: bool = True, forbidden: tuple[str, ...] = ()) -> None:
        cases.append(Case(name, category, outcome, make, expect, batch, forbidden))

    # aliases: every shape of expansion, capped (values counted as often as used)
    add("laughs-list", "aliases", "refused", text_file("laughs-list.yaml", _laughs(10, 10, "list")), "aliases expand")
    add("laughs-scalar", "aliases", "refused", text_file("laughs-scalar.yaml", _laughs(9, 10, "scalar")), "aliases expand")
    add("laughs-wide", "aliases", "refused", text_file("laughs-wide.yaml", _laughs(4, 200, "list")), "aliases expand")
    add("laughs-mapping", "aliases", "refused", text_file("laughs-mapping.yaml", _laughs_map(9)), "aliases expand")
    add("million-aliases", "aliases", "refused", text_file(
        "million-aliases.yaml", 'schema_version: "1.0"\na: &a 1\nl: [' + ", ".join(["*a"] * 1_000_000) + "]\n"),
        "more than")
    add("alias-recursive", "aliases", "refused", text_file("alias-recursive.yaml", "a: &a [1, *a]\n"), "no complete anchor")
    add("alias-undefined", "aliases", "refused", text_file("alias-undefined.yaml", "a: *nowhere\n"), "no complete anchor")
    add("alias-as-key", "aliases", "refused", text_file("alias-as-key.yaml", "a: &k name\n*k : 1\n"), "")
    add("alias-small-section", "aliases", "refused", text_file(
        "alias-small-section.yaml", _dump(base(), "yaml") + "spare: &s {board_established: true}\n"), "unknown field")
    small = _dump(base(), "yaml").replace("  name: Dorset\n", "  name: &n Dorset\n", 1)
    small = small.replace(f"  leader_name: {BASE['leadership']['leader_name']}\n", "  leader_name: *n\n", 1)
    assert "*n" in small
    add("alias-small-ok", "aliases", "ok", text_file("alias-small-ok.yaml", small))
    add("merge-key", "aliases", "refused", text_file(
        "merge-key.yaml", 'schema_version: "1.0"\nb: &b {code: X}\nfootprint:\n  <<: *b\n  name: N\n'), "")

    # duplicate keys and sections
    y = _dump(base(), "yaml")
    add("dup-key-yaml", "duplicates", "refused", text_file("dup-key.yaml", y.replace(
        "schema_version: '1.0'\n", "schema_version: '1.0'\nschema_version: '1.0'\n", 1)), "duplicate key")
    section = y[y.index("finance:"):]
    section = section[: next(i for i in range(1, len(section)) if section[i - 1] == "\n" and section[i] not in " -")]
    add("dup-section-yaml", "duplicates", "refused", text_file("dup-section.yaml", y + section), "first at line")
    add("dup-nested-yaml", "duplicates", "refused", text_file(
        "dup-nested.yaml", y.replace("  name: ", "  name: First\n  name: ", 1)), "duplicate key")
    j = _dump(base(), "json")
    add("dup-key-json", "duplicates", "refused", text_file("dup-key.json", j[:-1] + ', "schema_version": "1.0"}'),
        "duplicate key")
    fin = json.dumps({"finance": base()["finance"]})[1:-1]
    add("dup-section-json", "duplicates", "refused", text_file("dup-section.json", j[:-1] + ", " + fin + "}"),
        "duplicate key 'finance'")
    add("keys-differ-in-case", "duplicates", "refused", data_file(
        "case-keys.yaml", setter("Footprint", {"code": "X"})), "unknown field")

    # nesting
    add("deep-flow-yaml", "nesting", "refused", text_file("deep-flow.yaml", _deep(50_000, "yaml")), "")
    add("deep-block-yaml", "nesting", "refused", text_file("deep-block.yaml", _deep_block(200)), "nested more than")
    add("deep-json-lists", "nesting", "refused", text_file("deep-lists.json", _deep(100_000, "json")), "")
    add("deep-json-objects", "nesting", "refused", text_file(
        "deep-objects.json", '{"schema_version": "1.0", "x": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001), "")
    add("nested-in-record", "nesting", "refused", data_file(
        "nested-record.yaml", setter("evidence.0.title", {"a": [[{"b": [1]}]]})), "expected text")

    # huge strings, keys and lists
    big = "x" * 4_900_000
    add("huge-name", "huge", "refused", data_file("huge-name.yaml", setter("footprint.name", big)), "characters")
    add("huge-source-json", "huge", "refused", data_file("huge-source.json", setter("evidence.0.source", big)),
        "at most 4,000 characters")
    add("huge-key", "huge", "refused", text_file("huge-key.yaml", 'schema_version: "1.0"\n' + "k" * 4_000_000 + ": 1\n"),
        "1,024 characters")
    add("huge-key-json", "huge", "refused", text_file("huge-key.json", '{"' + "k" * 4_000_000 + '": 1}'),
        "unknown field")
    add("over-5mib", "huge", "refused", text_file("over-5mib.yaml", "x: " + "y" * (5 * 1024 * 1024 + 10) + "\n"),
        "larger than 5 MiB")
    add("long-list-yaml", "huge", "refused", text_file(
        "long-list.yaml", 'schema_version: "1.0"\nevidence: [' + ", ".join(["1"] * 1_000_000) + "]\n"), "more than")
    add("long-list-json", "huge", "refused", text_file(
        "long-list.json", '{"schema_version": "1.0", "evidence": [' + ", ".join(["1"] * 1_000_000) + "]}"), "")
    add("too-many-evidence", "huge", "refused", data_file(
        "many-evidence.yaml", lambda d: d.update(evidence=[d["evidence"][0]] * 2500)), "at most 2,000 are allowed")
    add("many-keys", "huge", "refused", text_file(
        "many-keys.yaml", "".join(f"k{i}: 1\n" for i in range(200_000))), "more than")
    rows = "".join(f"  - {{ref: E{i}, area: care, title: T, status: delivered, baseline: '{i}'}}\n" for i in range(2000))
    add("2000-problems", "huge", "refused", text_file("many-problems.yaml", _dump(base(), "yaml").split("evidence:")[0] + "evidence:\n" + rows), "expected a number")
    add("empty-file", "huge", "refused", text_file("empty.yaml", ""), "mapping")

    # wrong types everywhere: every section and a spread of fields
    for section in ("footprint", "leadership", "finance", "evidence", "organisations", "performance"):
        for label, value in (("list", [1, 2]), ("text", "yes please"), ("number", 7)):
            if section in ("evidence", "organisations") and label == "list":
                value = [[1], "x"]
            add(f"type-{section}-{label}", "wrong types", "refused",
                data_file(f"type-{section}-{label}.yaml", setter(section, value)), "")
    for path, value in (("footprint.population", "lots"), ("footprint.population", 2.5),
                        ("footprint.region", ["North"]), ("governance.board_established", "true"),
                        ("finance.do_nothing_gap_gbp_m", {"v": 1}), ("evidence.0.baseline", "12"),
                        ("organisations.0.kind", None), ("schema_version", 1.0), ("illustrative", "no")):
        for fmt in ("yaml", "json"):
            add(f"type-{path}-{type(value).__name__}-{fmt}", "wrong types", "refused",
                data_file(f"type-{path.replace('.', '-')}-{type(value).__name__}.{fmt}", setter(path, value)), "")

    # numbers at the edges
    for label, literal, outcome, expect in (
            ("nan", ".nan", "refused", "not a number"), ("inf", ".inf", "refused", "not a number"),
            ("minus-inf", "-.inf", "refused", "not a number"), ("1e400", "1e400", "refused", "too large"),
            ("10pow4000", "1" + "0" * 4000, "refused", "digits"), ("minus-zero", "-0.0", "ok", ""),
            ("tiny", "0.00001", "ok", ""), ("tinier", "1e-300", "ok", ""), ("int-zero", "-0", "ok", "")):
        value = BASE["performance"]["ae_4h_pct"]
        text = _dump(base(), "yaml").replace(f"  ae_4h_pct: {value}\n", f"  ae_4h_pct: {literal}\n", 1)
        add(f"number-{label}-yaml", "numbers", outcome, text_file(f"number-{label}.yaml", text), expect)
        json_literal = {".nan": "NaN", ".inf": "Infinity", "-.inf": "-Infinity"}.get(literal, literal)
        jtext = _dump(base(), "json").replace(f'"ae_4h_pct": {json.dumps(value)}', f'"ae_4h_pct": {json_literal}', 1)
        add(f"number-{label}-json", "numbers", outcome, text_file(f"number-{label}.json", jtext), expect)
    add("pct-1e16-json", "numbers", "refused", data_file("pct-big.json", setter("performance.ae_4h_pct", 1e16)),
        "should be at most 100")

    # impossible and out-of-period dates
    for label, literal, expect in (("feb-30", "2016-02-30", "not a real date"), ("year-0", "0000-01-01", "not a real date"),
                                   ("1900", "1900-01-01", "on or after 2015-12-22"), ("9999", "9999-12-31", "on or before 2022-06-30"),
                                   ("datetime", "2016-10-21 10:00:00", "date and time"),
                                   ("month-13", "'2016-13-01'", "real date")):
        text = _dump(base(), "yaml").replace("  submitted_on: 2017-06-30", f"  submitted_on: {literal}", 1)
        add(f"date-{label}", "dates", "refused", text_file(f"date-{label}.yaml", text), expect)
    add("date-as-number-json", "dates", "refused", data_file("date-number.json", setter("footprint.submitted_on", 1476000000)), "")
    add("evidence-delivered-before-started", "dates", "refused", data_file(
        "ev-order.yaml", lambda d: d["evidence"][0].update(started_on="2016-05-01", delivered_on="2016-01-01")),
        "before started_on")
    add("evidence-delivered-after-submission", "dates", "refused", data_file(
        "ev-late.json", lambda d: d["evidence"][0].update(delivered_on="2017-09-01")), "after the submission date")

    # YAML 1.1 surprises
    yy = _dump(base(), "yaml")
    for label, old, new, expect in (
            ("octal", "  population: 770000", "  population: 010", "leading zero"),
            ("octal-0o", "  population: 770000", "  population: 0o17", ""),
            ("hex", "  population: 770000", "  population: 0x1F", "base prefix"),
            ("sexagesimal", "  population: 770000", "  population: 1:10", "base-60"),
            ("no-as-name", "  name: Dorset\n", "  name: no\n", "quotes"),
            ("on-as-enum", "  region: South\n", "  region: on\n", "quotes"),
            ("python-tag", "  name: Dorset\n", "  name: !!python/object/apply:os.system [echo]\n", "tags"),
            ("binary-tag", "  name: Dorset\n", "  name: !!binary aGVsbG8=\n", "tags"),
            ("custom-tag", "  name: Dorset\n", "  name: !mine Dorset\n", "tags"),
            ("two-documents", "schema_version: '1.0'\n", "schema_version: '1.0'\n---\na: 1\n", "more than one document"),
            ("percent-unquoted", "  name: Dorset\n", "  name: % done\n", "put the value in quotes"),
            ("null-required", "  name: Dorset\n", "  name: ~\n", "expected text; the value is empty"),
            ("version-float", "schema_version: '1.0'", "schema_version: 1.0", 'write it in quotes')):
        assert old in yy, label
        add(f"yaml11-{label}", "YAML 1.1", "refused", text_file(f"yaml11-{label}.yaml", yy.replace(old, new, 1)), expect)
    add("yaml11-yes-in-boolean", "YAML 1.1", "ok", text_file(
        "yaml11-yes.yaml", yy.replace("  board_established: true", "  board_established: yes", 1)))

    # encodings
    good = _dump(base(), "yaml")
    add("utf16-le", "encodings", "refused", text_file("utf16-le.yaml", good.encode("utf-16")), "UTF-16")
    add("utf16-be", "encodings", "refused", text_file("utf16-be.yaml", b"\xfe\xff" + good.encode("utf-16-be")), "UTF-16")
    add("utf16-no-bom", "encodings", "refused", text_file("utf16-nobom.json", _dump(base(), "json").encode("utf-16-le")), "NUL")
    add("utf8-bom", "encodings", "ok", text_file("utf8-bom.yaml", b"\xef\xbb\xbf" + good.encode()))
    add("nul-byte", "encodings", "refused", text_file("nul.yaml", good.replace("  name: Dorset", "  name: Dor\x00set", 1)), "NUL")
    add("latin-1", "encodings", "refused", text_file("latin1.yaml", good.replace("Dorset", "Dorset caf\xe9", 1).encode("latin-1")),
        "not UTF-8")
    # a bidi override is valid text; escaping it in terminal, CSV and reports is the renderers' job
    add("bidi-override", "encodings", "ok", data_file("bidi.yaml", setter("footprint.name", "Dorset \u202egnp.exe")))
    add("c1-control", "encodings", "refused", data_file("c1.yaml", setter("footprint.name", "Dorset \x9b2J")),
        "control characters")
    add("escape-in-key", "encodings", "refused", text_file(
        "esc-key.yaml", good + '"\\e[2J\\e[Hall ok": 1\n'), "unknown field")
    add("newline-in-key-json", "encodings", "refused", text_file(
        "newline-key.json", _dump(base(), "json")[:-1] + ', "x\\nok  forged.yaml": 1}'), "unknown field")
    add("newline-in-name", "encodings", "refused", data_file("newline-name.yaml", setter("footprint.name", "Dorset\nok  forged.yaml  (X, Y)")),
        "one line")
    add("lone-surrogate-json", "encodings", "refused", data_file("surrogate.json", setter("footprint.name", "\ud800")), "")

    # injection in every free-text field: html, markdown, csv and spreadsheet formulae
    payloads = {
        "xss-script": ("<script>alert(1)</script>", ("<script>alert",)),
        "xss-img": ('"><img src=x onerror=alert(1)>', ("<img src=x",)),
        "xss-svg": ("<svg/onload=alert(1)>", ("<svg/onload",)),
        "md-link": ("[click](javascript:alert(1))", ("markdown:](javascript:",)),
        "md-table": ("a | b |\n| --- | --- |\n| forged | row |", ()),
        "md-heading": ("# Outstanding\n\n**ICS ready**", ()),
        "csv-formula": ("=HYPERLINK(\"http://x\",\"y\")", ()),
        "excel-dde": ("+cmd|' /C calc'!A0", ()),
        "excel-at": ("@SUM(1+1)*cmd|' /C calc'!A0", ()),
        "minus-formula": ("-2+3+cmd|' /C calc'!A0", ()),
    }
    for label, (payload, forbidden) in payloads.items():
        for fmt in ("yaml", "json"):
            add(f"inject-{label}-{fmt}", "injection", "ok", data_file(f"inject-{label}.{fmt}", everywhere(payload)),
                forbidden=forbidden)

    # path tricks in codes
    for label, code, outcome in (("traversal", "../../etc/passwd", "refused"), ("absolute", "/etc/passwd", "refused"),
                                 ("backslash", "..\\..\\x", "refused"), ("dotfile", ".hidden", "refused"),
                                 ("device-con", "CON", "ok"), ("device-nul", "nul", "ok"), ("device-com1", "COM1", "ok"),
                                 ("case-a", "DorsetX", "ok"), ("case-b", "dorsetx", "ok"),
                                 ("sanitise-a", "A-B", "ok"), ("sanitise-b", "A_B", "ok")):
        add(f"code-{label}", "codes", outcome, data_file(f"code-{label}.yaml", setter("footprint.code", code)),
            "footprint.code" if outcome == "refused" else "")

    # not regular files (check and score only: the batch's discovery is tested with the batch)
    add("fifo", "files", "refused", _fifo("fifo.yaml"), "named pipe", batch=False)
    add("folder", "files", "refused", _folder("folder.yaml"), "folder", batch=False)
    add("dangling-link", "files", "refused", _link("dangling.yaml", "/nonexistent/nowhere.yaml"), "cannot read", batch=False)
    add("link-to-dev-zero", "files", "refused", _link("zero.yaml", "/dev/zero"), "device", batch=False)
    add("link-to-good-file", "files", "ok", _link("link-good.yaml", None), batch=False)
    add("wrong-suffix", "files", "refused", text_file("notes.txt", "x: 1\n"), "unsupported file type", batch=False)
    add("missing-file", "files", "refused", lambda folder: folder / "missing.yaml", "cannot read", batch=False)

    # hostile workbooks: tests/workbook_cases.py builds them (bench/hostile_workbooks.py times them)
    from workbook_cases import CASES as WORKBOOK_CASES
    from workbook_cases import build as build_workbook

    for book in WORKBOOK_CASES:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", book.name).strip("-").lower()
        read = book.expect == "read"
        add(f"workbook-{slug}", "workbooks", "ok" if read else "refused",
            lambda folder, book=book: build_workbook(book, folder), "" if read else book.expect)
    return cases


CASES = _build_cases()
