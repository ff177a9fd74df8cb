"""The fast canonical JSON writer gives exactly json.dumps(sort_keys, indent=2, ensure_ascii=False)."""
from __future__ import annotations

import json
import math
import random
import struct
from typing import Any

import pytest
from casekit import FIXTURES, catalogue

import assess
from assess.common import jsonio


def reference(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_fixture_assessment_is_byte_identical(path: Any) -> None:
    data = assess.assess_file(path, catalogue()).to_dict()
    assert jsonio.canonical_bytes(data) == reference(data)
    assert jsonio.loads(jsonio.canonical_bytes(data)) == data


EDGES: list[Any] = [
    1e-05, -3.5e-06, 1e-07, 5e-324, 1e16, 1.5e300, -0.0, 0.0001, 123456789012345.6, 2**63 - 1, -(2**63),
    2**64, 10**40, math.nan, math.inf, -math.inf, True, None, "", "\u2028\u2029\x7f\x1f\x00\"\\/é😀\n\t",
    "1e-7 0.00001 in text", [], {}, [[]], {"": {}}, (1, 2), {"b": 1, "a": [1.5, {"é": 2, "e": 3, "Z": 4}]},
]


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_edge_values_match_the_standard_library(value: Any) -> None:
    data = {"value": value, "nested": [value, {"deep": value}]}
    assert jsonio.canonical_bytes(data) == reference(data)


def test_non_text_keys_and_lone_surrogates_behave_as_the_standard_library_does() -> None:
    assert jsonio.canonical_bytes({1: "a", 2: None}) == reference({1: "a", 2: None})
    with pytest.raises(UnicodeEncodeError):
        jsonio.canonical_bytes({"bad": "\ud800"})


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.randint(-(2**70), 2**70) if rng.random() < 0.1 else rng.randint(-1000, 1000)
    if kind == 1:
        bits = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        return bits if rng.random() < 0.3 else round(rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20), rng.randint(0, 9))
    if kind == 2:
        return "".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0x2FFF), 0x1F600]))
                       for _ in range(rng.randint(0, 8)))
    if kind == 3:
        return rng.choice([None, True, False])
    if kind == 4:
        return rng.choice(["", "text", "0.00001"])
    if kind == 5:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {random_value(rng, 4) if rng.random() < 0.05 else f"k{rng.randint(0, 20)}é": random_value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def test_random_documents_match_the_standard_library() -> None:
    rng = random.Random(2024)
    for _ in range(3000):
        data = {"root": random_value(rng)}
        try:
            expected = reference(data)
        except (TypeError, ValueError):
            continue
        assert jsonio.canonical_bytes(data) == expected, data
        assert json.loads(expected) == jsonio.loads(expected) or expected.count(b"NaN")
