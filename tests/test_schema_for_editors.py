"""`assess schema` is a schema an editor can use: dialect, id, and a description on every property,
taken from the models."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assess.cli import main
from assess.input.schema import SCHEMA_DIALECT, SCHEMA_ID, described_properties


def _schema() -> dict:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.output)


def test_schema_has_dialect_id_and_title():
    schema = _schema()
    assert schema["$schema"] == SCHEMA_DIALECT and schema["$id"] == SCHEMA_ID
    assert schema["title"] and schema["description"]


def test_every_property_has_a_title_and_a_description():
    schema = _schema()
    total, missing = described_properties(schema)
    assert total > 200 and missing == []
    for owner in [schema, *schema["$defs"].values()]:
        assert all(prop.get("title") for prop in owner["properties"].values())


def test_examples_where_they_help():
    footprint = _schema()["$defs"]["Footprint"]["properties"]
    assert footprint["code"]["examples"] == ["E54000005"] and footprint["submitted_on"]["examples"]


def test_described_properties_finds_a_missing_description():
    schema = {"properties": {"a": {"type": "string"}}, "$defs": {"X": {"properties": {"b": {"description": "d"}}}}}
    assert described_properties(schema) == (2, ["(top level).a"])
