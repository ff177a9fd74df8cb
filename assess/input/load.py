"""Read a submission file once and validate it; turn every problem into an InputError that names
the file, the field path and (for YAML) the line.

Every limit that keeps a hostile file in bounded time and memory is applied while reading (see
yaml_reader for YAML; JSON gets the same number rules and duplicate-key check here), and every
message quotes the input only in part, so an error path never renders a huge input.
"""
from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import InputError, did_you_mean
from .bounded import read_bounded
from .fields import model_at
from .formats import FORMATS, REFUSED_SUFFIXES, SUPPORTED_TEXT, refused_suffix_message
from .messages import explain_problem
from .submission import PROBLEM_SEPARATOR, Submission
from .yaml_reader import LineMap, YamlProblem, locate_duplicate_json_key, read_yaml, shorten

MAX_BYTES = 5 * 1024 * 1024
MAX_JSON_DIGITS = 30


@dataclass(frozen=True)
class Source:
    """A submission file as read: its text, parsed data and checksum."""

    file: str
    text: str
    data: Any
    sha256: str
    format: str
    lines: LineMap | None = None  # YAML: the line of every key and list item, from the one read
    cells: dict[tuple[Any, ...], str] | None = None  # workbooks: field path -> Sheet!Cell
    problems: tuple[InputError, ...] = ()  # workbooks: cells that could not be read
    warnings: tuple[InputError, ...] = ()  # workbooks: cells read, but perhaps not as meant


def read_source(path: str | Path) -> Source:
    """Read and parse one YAML or JSON file (no validation yet)."""
    file = str(path)
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt == "xlsx":
        return _read_workbook(path)
    if fmt is None:
        if Path(path).suffix.lower() in REFUSED_SUFFIXES:
            raise InputError(file, refused_suffix_message(Path(path).suffix))
        raise InputError(file, f"unsupported file type '{shorten(Path(path).suffix, 20)}' "
                               f"(use {SUPPORTED_TEXT})")
    raw, text = read_bounded(path, MAX_BYTES, "a submission is much smaller")
    return parse_text(text, file, fmt, hashlib.sha256(raw).hexdigest())


def _read_workbook(path: str | Path) -> Source:
    from .workbook import read_workbook

    read = read_workbook(path)
    return Source(str(path), "", read.data, read.sha256, "xlsx", cells=read.cells, problems=tuple(read.problems),
                  warnings=tuple(read.warnings))


def parse_text(text: str, file: str, fmt: str, sha256: str | None = None, *, what: str = "submission") -> Source:
    """Parse text already read; `file` names it in messages, `what` says what the file should be."""
    sha = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    lines: LineMap | None = None
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(file, "contains a NUL character; is it a UTF-16 or binary file? Save it as UTF-8 text",
                         line=text.count("\n", 0, nul) + 1)
    try:
        if fmt == "yaml":
            data, lines = _load_yaml(text)
        else:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                              parse_int=_json_int, parse_float=_json_float)
    except YamlProblem as exc:
        raise InputError(file, exc.message, line=exc.line, path=exc.path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark else None
        raise InputError(file, f"not valid YAML: {_yaml_hint(shorten(problem, 200), text, mark)}", line=line) from None
    except _JsonProblem as exc:
        located = locate_duplicate_json_key(text) if exc.duplicate else None
        if located is not None:
            raise InputError(file, located.message, line=located.line, path=located.path) from None
        path, line = _locate_json_number(text)
        raise InputError(file, exc.message, path=path, line=line) from None
    except json.JSONDecodeError as exc:
        raise InputError(file, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise InputError(file, f"nested too deeply to be a {what}") from None
    if not isinstance(data, dict) and what != "submission":
        return Source(file, text, data, sha, fmt, lines)  # the caller says what it expects
    if not isinstance(data, dict):
        raise InputError(file, "a submission must be a mapping of fields at the top level")
    return Source(file, text, data, sha, fmt, lines)


class _JsonProblem(ValueError):
    def __init__(self, message: str, duplicate: bool = False) -> None:
        super().__init__(message)
        self.message, self.duplicate = message, duplicate


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonProblem(f"duplicate key '{shorten(key)}'; each field may appear once", duplicate=True)
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise _JsonProblem(f"'{name}' (not a number or infinity) is not accepted: give a finite number")


def _json_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_JSON_DIGITS:
        raise _JsonProblem(f"a whole number of {digits:,} digits is far larger than any field takes")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text) if len(text) <= 400 else float("inf")
    if value in (float("inf"), float("-inf")):
        raise _JsonProblem(f"'{shorten(text)}' is too large to be a number any field takes")
    return value


class _Refused:
    """Stands in, while locating a refused JSON number, for the number itself."""


def _locate_json_number(text: str) -> tuple[str | None, int | None]:
    """The field path and line of the first number JSON refused (NaN, Infinity, too large or too
    long): the text is parsed again with each such number replaced by a marker, and the line comes
    from the YAML reader (JSON is YAML's flow syntax). (None, None) when it cannot be told."""
    refused = _Refused()

    def number(kind: str) -> Any:
        def read(literal: str) -> Any:
            try:
                return {"int": _json_int, "float": _json_float}[kind](literal)
            except _JsonProblem:
                return refused
        return read

    try:
        data = json.loads(text, parse_constant=lambda _: refused, parse_int=number("int"),
                          parse_float=number("float"))
    except (ValueError, RecursionError):
        return None, None
    loc = _find(data, refused, ())
    if loc is None:
        return None, None
    line = None
    try:
        yaml_data, lines = _load_yaml(text)
        line = lines.line_of(yaml_data, loc)
    except YamlProblem as problem:  # the YAML reader refuses the same number, at its line
        line = problem.line
    except (yaml.YAMLError, RecursionError):
        pass
    return ".".join(shorten(str(p), 60) for p in loc) or None, line


def _find(data: Any, marker: object, loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if data is marker:
        return loc
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _find(value, marker, (*loc, key))
        if found is not None:
            return found
    return None


def _yaml_hint(problem: str, text: str, mark: Any) -> str:
    """libyaml's words, plus what to do for the mistake people make most: a character that cannot
    start an unquoted value."""
    if mark is not None and "cannot start any token" in problem:
        char = text[mark.index] if 0 <= mark.index < len(text) else ""
        if char and char in "%@`!&*|>":
            return f"'{char}' cannot start an unquoted value in YAML; put the value in quotes, e.g. \"{char}\""
    if "could not find expected ':'" in problem:
        return f"{problem} (each line of a mapping is 'key: value'; a key is at most 1,024 characters)"
    return problem


def _load_yaml(text: str) -> tuple[Any, LineMap]:
    """read_yaml with the cycle collector paused: reading a submission creates thousands of
    containers, none of them garbage, and the collections they trigger cost a quarter of the parse
    (measured: 9.0 -> 6.8 ms for a 43 KB file). It is switched back on only if it was on."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return read_yaml(text)
    finally:
        if paused:
            gc.enable()


def validate(source: Source) -> Submission:
    """The validated Submission, or an InputError listing every invalid field."""
    try:
        submission = Submission.model_validate(source.data)
    except ValidationError as exc:
        located = _with_lines(source)
        unread = {p.path for p in source.problems}  # a cell that could not be read is not also "missing"
        problems = list(source.problems) + [
            p for err in exc.errors(include_url=False) for p in _problems(located, err) if p.path not in unread]
        raise InputError(source.file, "invalid submission", problems=problems) from None
    if source.problems:
        raise InputError(source.file, "invalid submission", problems=list(source.problems))
    return submission


def _with_lines(source: Source) -> Source:
    """The source with a line map. JSON is read by json (fast, no lines); when it fails validation
    it is read once more by the YAML reader (JSON is YAML's flow syntax) for the lines of its keys.
    If that reader refuses the text, the messages go without lines."""
    if source.lines is not None or source.format != "json":
        return source
    try:
        data, lines = _load_yaml(source.text)
    except (YamlProblem, yaml.YAMLError, RecursionError):
        return source
    return Source(source.file, source.text, data, source.sha256, source.format, lines)


def load_submission(path: str | Path) -> Submission:
    """Read, parse and validate one submission file."""
    return validate(read_source(path))


def _problems(source: Source, err: Any) -> list[InputError]:
    """One error per problem: a cross-field check reports several, each led by its field path."""
    if err["type"] == "value_error" and not err["loc"]:
        out = []
        for part in str(err["msg"]).removeprefix("Value error, ").split(PROBLEM_SEPARATOR):
            path, sep, message = part.partition(": ")
            loc = tuple(int(p) if p.isdigit() else p for p in path.split(".")) if sep else ()
            line = source.lines.line_of(source.data, loc) if source.lines is not None and loc else None
            out.append(InputError(source.file, message if sep else part, path=path if sep else None, line=line,
                                  cell=_cell_of(source, loc) if loc else None))
        return out
    return [_problem(source, err)]


def _problem(source: Source, err: Any) -> InputError:
    loc = tuple(err["loc"])
    path = ".".join(shorten(str(p), 60) for p in loc) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = model_at(loc)
        known = list(owner.model_fields) if owner else []
        name = str(loc[-1])
        message = f"unknown field '{shorten(name)}'.{did_you_mean(name[:200], known)}"
    elif kind == "missing":
        message = "required field is missing"
    else:
        message = explain_problem(err)
    line = source.lines.line_of(source.data, loc) if source.lines is not None else None
    return InputError(source.file, message, path=path, line=line, cell=_cell_of(source, loc))


def _cell_of(source: Source, loc: tuple[Any, ...]) -> str | None:
    """A workbook's Sheet!Cell for a field path (None for text files)."""
    if source.cells is None:
        return None
    from .workbook.reader import cell_for

    return cell_for(source.cells, loc)
