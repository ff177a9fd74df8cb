"""Read a YAML submission in one streaming pass, with limits that hold by construction.

libyaml (PyYAML's C parser) turns the text into events; this module builds plain data from them,
records the line of every key and list item as it goes (so any number of validation errors are
located without reading the file again), and refuses what a submission never needs before it can
cost memory or time: aliases that expand past a cap, a second document, tags, deep nesting, huge
values and lists.

The reading rule for unquoted (plain) values is written down here because YAML 1.1 (PyYAML's
default) surprises people and YAML 1.2 surprises them differently:

- `null`, `~` or nothing: not given. `true`/`false` (any case) and `yes`/`no`/`on`/`off`: true or
  false, as a person filling in a form means them; quote a value to keep it as text.
- whole numbers in decimal (`1000`, `-3`, `1_000`); numbers with a point or an exponent (`0.5`,
  `1e-5`, `2.5E3`). Refused with a message: a leading zero (`010`, octal 8 in YAML 1.1), hex, octal
  and binary forms, base-60 forms (`1:10`, 70 in YAML 1.1), `.nan`/`.inf`, numbers too large for a
  double (`1e400`) and integers longer than MAX_DIGITS digits.
- `YYYY-MM-DD`: a date, which must exist (`2016-02-30` and year 0 are refused with a message).
- anything else is text. Mapping keys are always text (they are field names); merge keys (`<<`)
  are not supported (an unknown field). Anchors and aliases are read, and count towards the cap on
  values as often as they are used.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..common.textsafe import clip, visible

MAX_DEPTH = 16  # a submission nests 3 deep (section -> list -> record)
MAX_NODES = 300_000  # values, keys and containers in one file (a full 2,000-item file has ~60k)
MAX_ITEMS = 10_000  # items in one list or keys in one mapping (the schema allows 2,000 at most)
MAX_SCALAR = 20_000  # characters in one value or key (the longest text field takes 4,000)
MAX_DIGITS = 30  # digits of an integer (far below Python's 4,300-digit conversion limit)

try:  # libyaml, as PyYAML ships it; the pure-Python parser gives the same events, slower
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_OTHER_BASE = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]")
_STR_TAGS = {"tag:yaml.org,2002:str", "!"}


class YamlProblem(Exception):
    """Something in the text that is refused, with its 1-based line and the field path it was
    found under (e.g. footprint.code), as a schema error names them."""

    def __init__(self, message: str, line: int | None, path: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.path = message, line, path


def _path_here(stack: list[Any], container: Any, is_map: bool, key: Any, extra: Any) -> str | None:
    """The field path of the value being read: under each open container, the key or item index
    that leads down (the last one added), then the key waiting for its value (or `extra`, a key
    being refused) or the index of the item being added."""
    parts: list[str] = []
    for parent, *_ in stack:
        if isinstance(parent, dict) and parent:
            parts.append(shorten(str(next(reversed(parent))), 60))
        elif isinstance(parent, list):
            parts.append(str(len(parent) - 1))
    if container is not None:
        if is_map and (key is not None or extra is not None):
            parts.append(shorten(str(key if key is not None else extra), 60))
        elif not is_map:
            parts.append(str(len(container)))
    return ".".join(parts) or None


@dataclass
class LineMap:
    """Lines of keys and list items, by the identity of the container that holds them."""

    keys: dict[int, dict[str, int]] = field(default_factory=dict)
    items: dict[int, list[int]] = field(default_factory=dict)
    root_line: int | None = None

    def line_of(self, data: Any, loc: tuple[Any, ...]) -> int | None:
        """The line of a field path (the nearest existing parent when the field is missing)."""
        line = self.root_line
        node = data
        for part in loc:
            if isinstance(node, dict):
                lines = self.keys.get(id(node), {})
                if str(part) not in lines:
                    return line
                line, node = lines[str(part)], node.get(str(part))
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                items = self.items.get(id(node), [])
                line = items[part] if part < len(items) else line
                node = node[part]
            else:
                return line
        return line


def shorten(text: str, limit: int = 80) -> str:
    """Text from the input for a message: cut to about `limit` characters with its length noted
    (never the whole input), control and bidi characters shown as escapes (textsafe), so that a
    message cannot drive a terminal or forge a line."""
    return visible(clip(text, 2 * limit, word_limit=limit))


def _number(value: str, line: int) -> Any:
    """A plain scalar that looks like a number, read by the rule above (None: it is text)."""
    if _INT.fullmatch(value):
        digits = len(value.lstrip("+-").replace("_", ""))
        if digits > MAX_DIGITS:
            raise YamlProblem(f"a whole number of {digits:,} digits is far larger than any field takes", line)
        return int(value.replace("_", ""))
    if _LEADING_ZERO.fullmatch(value) or _OTHER_BASE.fullmatch(value):
        raise YamlProblem(
            f"'{shorten(value)}' has a leading zero or a base prefix, which YAML 1.1 reads as octal, hex or "
            "binary; write the number in plain decimal, or put it in quotes if it is text",
            line,
        )
    if _SEXAGESIMAL.fullmatch(value):
        raise YamlProblem(
            f"'{shorten(value)}' is read by YAML 1.1 as a base-60 number; write the number itself, or put it "
            "in quotes if it is text (a time or a ratio)",
            line,
        )
    if _SPECIAL_FLOAT.fullmatch(value):
        raise YamlProblem(f"'{value}' (not a number or infinity) is not accepted: give a finite number", line)
    if _FLOAT.fullmatch(value) and any(c.isdigit() for c in value):
        if len(value) > 400:
            raise YamlProblem("a number of more than 400 characters is not accepted", line)
        number = float(value.replace("_", ""))
        if math.isinf(number):
            raise YamlProblem(f"'{shorten(value)}' is too large to be a number any field takes", line)
        return number
    return None


def _plain(value: str, line: int) -> Any:
    if len(value) <= 5:  # the longest null or boolean word is "false" (lower() never shortens text)
        if value in _NULL:
            return None
        lowered = value.lower()
        if lowered in _BOOL:
            return _BOOL[lowered]
    first = value[0]
    if first.isdigit() or first in "+-.":
        date = _DATE.fullmatch(value)
        if date:
            year, month, day = date.groups()
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                raise YamlProblem(f"'{value}' is not a real date (YYYY-MM-DD)", line) from None
        if _TIMESTAMP.match(value):
            return value  # a date and time: the schema refuses it with its own message
        number = _number(value, line)
        if number is not None:
            return number
    return value


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _SEQ_START = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DOCUMENT_START, _STREAM_END = yaml.DocumentStartEvent, yaml.StreamEndEvent
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def read_yaml(text: str) -> tuple[Any, LineMap]:
    """The data of one YAML document and the lines of its keys; YamlProblem for anything refused,
    yaml.YAMLError for text that is not YAML.

    An alias reuses the object its anchor built (no copy), and counts the anchored values again
    towards MAX_NODES, so "billion laughs" stops at the cap in the memory of the text itself.

    One loop over the events, about 1,500 for a 40 KB submission, with the open container's
    state in local variables (its container, line record, whether it is a mapping, the key
    waiting for a value): as much time went into walking events as into libyaml making them.
    """
    parser = _Parser(text)
    get_event = parser.get_event
    lines = LineMap()
    key_lines, item_lines = lines.keys, lines.items
    # the open containers below the current one: (container, lines, is_map, key, key_line, anchor, first_node)
    stack: list[tuple[Any, Any, bool, Any, int, Any, int]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    root: Any = None
    documents = 0
    nodes = 0
    # the innermost open container (none: `container` is None)
    container: Any = None
    frame_lines: Any = None
    is_map = False
    key: Any = None  # a mapping's key waiting for its value
    key_line = 0
    anchor: Any = None
    first_node = 0

    try:
        while True:
            event: Any = get_event()
            kind = event.__class__
            if kind is _SCALAR:
                nodes += 1
                line = event.start_mark.line + 1
                if nodes > MAX_NODES:
                    raise YamlProblem(f"more than {MAX_NODES:,} values; a submission is far smaller", line)
                value = event.value
                if is_map and key is None:  # a key: always text
                    if len(value) > MAX_SCALAR:
                        raise YamlProblem(f"a key of {len(value):,} characters", line)
                    if value in container:
                        key = value  # the path names the repeated key
                        raise YamlProblem(
                            f"duplicate key '{shorten(value)}' (first at line {frame_lines[value]}, again at "
                            f"line {line}); each field may appear once",
                            line,
                        )
                    if len(container) >= MAX_ITEMS:
                        raise YamlProblem(f"a mapping with more than {MAX_ITEMS:,} keys", line)
                    key, key_line = value, line
                    continue
                if len(value) > MAX_SCALAR:
                    raise YamlProblem(f"a value of {len(value):,} characters; no field takes more than 4,000", line)
                tag = event.tag
                if tag is None:
                    if event.implicit[0] and not event.style:
                        value = _plain(value, line)
                elif tag not in _STR_TAGS:
                    raise YamlProblem(f"YAML tags such as '{shorten(tag, 40)}' are not accepted in a submission", line)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
            elif kind is _MAP_START or kind is _SEQ_START:
                nodes += 1
                line = event.start_mark.line + 1
                if nodes > MAX_NODES:
                    raise YamlProblem(f"more than {MAX_NODES:,} values; a submission is far smaller", line)
                if event.tag is not None and event.tag not in _COLLECTION_TAGS:
                    raise YamlProblem(f"YAML tags such as '{shorten(event.tag, 40)}' are not accepted", line)
                if len(stack) + (container is not None) >= MAX_DEPTH:
                    raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; a submission nests 3", line)
                if is_map and key is None:
                    raise YamlProblem("a key must be a plain name, not a list or mapping", line)
                new_is_map = kind is _MAP_START
                if new_is_map:
                    new: Any = {}
                    new_lines: Any = {}
                    key_lines[id(new)] = new_lines
                else:
                    new, new_lines = [], []
                    item_lines[id(new)] = new_lines
                # place the new container in the one around it, then open it
                if container is None:
                    root, lines.root_line = new, line
                else:
                    if is_map:
                        container[key] = new
                        frame_lines[key] = key_line
                        key = None
                    else:
                        if len(container) >= MAX_ITEMS:
                            raise YamlProblem(f"a list of more than {MAX_ITEMS:,} items; the schema allows 2,000", line)
                        container.append(new)
                        frame_lines.append(line)
                    stack.append((container, frame_lines, is_map, key, key_line, anchor, first_node))
                container, frame_lines, is_map, key, key_line = new, new_lines, new_is_map, None, 0
                anchor, first_node = event.anchor, nodes
                continue
            elif kind is _MAP_END or kind is _SEQ_END:
                if anchor is not None:
                    anchors[anchor] = (container, nodes - first_node + 1)
                if stack:
                    container, frame_lines, is_map, key, key_line, anchor, first_node = stack.pop()
                else:
                    container, frame_lines, is_map, key, anchor = None, None, False, None, None
                continue
            elif kind is _ALIAS:
                line = event.start_mark.line + 1
                name = event.anchor or ""
                if name not in anchors:
                    raise YamlProblem(f"alias *{shorten(name, 40)} refers to no complete anchor above it", line)
                if is_map and key is None:
                    raise YamlProblem("a key must be a plain name, not an alias", line)
                value, count = anchors[name]
                nodes += count
                if nodes > MAX_NODES:
                    raise YamlProblem(
                        f"aliases expand to more than {MAX_NODES:,} values; a submission is far "
                        "smaller (write the values out)",
                        line,
                    )
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    raise YamlProblem(
                        "more than one document ('---'); a file holds one submission", event.start_mark.line + 1
                    )
                continue
            elif kind is _STREAM_END:
                break
            else:
                continue
            # a scalar or an alias: its value goes into the open container (or is the root); the
            # same few lines place a new container above, written out twice on purpose: a shared
            # function would cost a call per value in the reader's hottest loop
            if container is None:
                root, lines.root_line = value, line
            elif is_map:
                container[key] = value
                frame_lines[key] = key_line
                key = None
            else:
                if len(container) >= MAX_ITEMS:
                    raise YamlProblem(f"a list of more than {MAX_ITEMS:,} items; the schema allows 2,000", line)
                container.append(value)
                frame_lines.append(line)
    except YamlProblem as problem:
        if problem.path is None:
            problem.path = _path_here(stack, container, is_map, key, None)
        raise
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return root, lines


def locate_duplicate_json_key(text: str) -> YamlProblem | None:
    """For JSON already known to repeat a key: the lines of the repeat, read with the YAML reader
    (JSON is YAML flow syntax), or None when that reader cannot say."""
    try:
        read_yaml(text)
    except YamlProblem as problem:
        return problem if problem.message.startswith("duplicate key") else None
    except yaml.YAMLError:
        return None
    return None
