"""The submission JSON Schema as an editor wants it: `$schema`, `$id`, a title and a description
on every property (all from the pydantic models, so the schema cannot drift from validation).

Editors (VS Code's YAML extension, JetBrains IDEs) use it for completion, hover help and
checking as you type; see the README.
"""

from __future__ import annotations

from typing import Any

from .submission import SCHEMA_VERSION, Submission

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:stp-assess:submission:{SCHEMA_VERSION}"


def submission_schema() -> dict[str, Any]:
    """The JSON Schema of a submission, with every property described."""
    schema = Submission.model_json_schema()
    definitions = schema.get("$defs", {})
    for owner in [schema, *definitions.values()]:
        for name, prop in owner.get("properties", {}).items():
            prop.setdefault("title", name.replace("_", " ").capitalize())
            if "description" not in prop:  # pydantic leaves out a field's text when it repeats its model's
                ref = prop.get("$ref") or next(
                    (part.get("$ref") for part in prop.get("anyOf", []) if "$ref" in part), None
                )
                target = definitions.get(str(ref).rsplit("/", 1)[-1], {}) if ref else {}
                if target.get("description"):
                    prop["description"] = target["description"]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "stp-assess submission",
        "description": (schema.get("description") or "") + " Validate with `assess check FILE`.",
    }


def described_properties(schema: dict[str, Any]) -> tuple[int, list[str]]:
    """How many properties the schema has, and the paths of those without a description."""
    total, missing = 0, []
    for owner_name, owner in [("(top level)", schema), *schema.get("$defs", {}).items()]:
        for name, prop in owner.get("properties", {}).items():
            total += 1
            if not prop.get("description"):
                missing.append(f"{owner_name}.{name}")
    return total, missing
