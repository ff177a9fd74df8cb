"""Every number the schema accepts is one the engine can match: tiny and huge floats reach
durable_rules in a form its JSON reader takes, and give the verdicts the Python walk gives."""

from __future__ import annotations

import pytest
import yaml
from casekit import FIXTURES, catalogue, engine_vs_walk

from assess.engine.assessor import compile_edition
from assess.engine.durable import engine_json
from assess.input.submission import Submission


def _float_fields() -> list[tuple[str, float, float]]:
    """Every float field of a section with its bounds, read from the JSON Schema."""
    schema = Submission.model_json_schema()
    out = []
    for section, prop in schema["properties"].items():
        ref = prop.get("$ref") or next((a.get("$ref") for a in prop.get("allOf", [])), None)
        if not ref:
            continue
        for name, field in schema["$defs"][ref.rsplit("/", 1)[1]]["properties"].items():
            for option in field.get("anyOf", [field]):
                if option.get("type") == "number":
                    out.append((f"{section}.{name}", option.get("minimum"), option.get("maximum")))
    return out


FLOATS = _float_fields()


def test_there_are_float_fields_with_bounds():
    assert len(FLOATS) > 20 and all(low is not None and high is not None for _, low, high in FLOATS)


@pytest.mark.parametrize("value", [0.00001, 1e-9, -1e-7, 5e-324, 1e16, 0.30000000000000004])
def test_engine_json_writes_floats_the_engine_reads(value):
    text = engine_json({"x": value})
    assert "e" not in text or "." in text.split("e")[0]
    assert float(text.split(":")[1].strip(" }")) == value


@pytest.mark.parametrize("edition", ["2016-plan", "2017-partnership", "2019-ics"])
def test_tiny_and_edge_values_in_every_float_field_match_like_the_walk(edition):
    base = yaml.safe_load((FIXTURES / "dorset-thriving.yaml").read_text())
    compiled = compile_edition(catalogue(), edition)
    tried = 0
    for value_of in (
        lambda lo, hi: 0.00001,
        lambda lo, hi: -0.00001,
        lambda lo, hi: lo,
        lambda lo, hi: hi,
        lambda lo, hi: 1e-300,
    ):
        data = yaml.safe_load(yaml.safe_dump(base))
        for path, low, high in FLOATS:
            value = value_of(low, high)
            if low <= value <= high:
                section, name = path.split(".")
                data.setdefault(section, {})[name] = value
        sub = Submission.model_validate(data)
        assert engine_vs_walk(compiled, sub) == []  # raised EngineError (code 204) before the fix
        tried += 1
    assert tried == 5


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_refused_from_python_too(value):
    """The readers refuse .nan/NaN in the text; the schema refuses them from a notebook as well."""
    from pydantic import ValidationError

    data = yaml.safe_load((FIXTURES / "dorset-thriving.yaml").read_text())
    data["evidence"][0]["baseline"] = value
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(data)
    assert caught.value.errors()[0]["type"] == "finite_number"
