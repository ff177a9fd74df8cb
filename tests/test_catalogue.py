"""Loading the catalogue: every broken rule is a load error naming the file and rule."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from assess import RuleError, load_catalogue
from assess.common.resources import bundled_dir

GOOD = """\
- id: PREV-90
  title: A valid rule for the loader tests
  domain: prevention
  severity: minor
  weight: 1
  editions: [2016-plan]
  source: {id: SEED-002, section: "Minimum contents"}
  criteria: ["D:MIN-01"]
  rationale: A rationale long enough to be read as one.
  remediation: A remediation long enough to be acted on.
  when: {path: prevention.obesity_actions, op: gte, value: 1}
"""


def _catalogue_with(tmp_path: Path, rule_yaml: str, extra: str = "") -> Path:
    head = yaml.safe_load((bundled_dir("rules") / "catalogue.yaml").read_text())
    head["scoring"]["caps"] = []  # the bundled caps name rules this small catalogue lacks
    head["shared_facts"] = []  # so do the declared shared facts
    head["scoring"]["max_rule_share_pct"] = 100  # one rule is the whole score here
    (tmp_path / "catalogue.yaml").write_text(yaml.safe_dump(head))
    body = "rules:\n" + textwrap.indent(rule_yaml, "  ") + textwrap.indent(extra, "  ")
    (tmp_path / "tests.yaml").write_text(body)
    return tmp_path


def _mutate(**changes):
    rule = yaml.safe_load(GOOD)[0]
    for key, value in changes.items():
        if value is None:
            rule.pop(key)
        else:
            rule[key] = value
    return yaml.safe_dump([rule], sort_keys=False)


def test_a_valid_rule_loads(tmp_path):
    cat = load_catalogue(_catalogue_with(tmp_path, GOOD))
    assert list(cat.rules) == ["PREV-90"]


BROKEN = {
    "unknown-path": (dict(when={"path": "prevention.obesity_action", "op": "gte", "value": 1}),
                     "unknown field 'prevention.obesity_action'. Did you mean 'prevention.obesity_actions'?"),
    "wrong-operand-type": (dict(when={"path": "prevention.obesity_actions", "op": "gte", "value": "lots"}),
                           "does not suit a int field"),
    "operator-not-for-kind": (dict(when={"path": "prevention.cross_partner_plan", "op": "gt", "value": 1}),
                              "does not apply to bool field"),
    "unknown-operator": (dict(when={"path": "prevention.obesity_actions", "op": "greater", "value": 1}),
                         "unknown operator 'greater'"),
    "bad-enum-value": (dict(when={"path": "leadership.leader_sector", "op": "eq", "value": "NHS"}),
                       "'NHS' is not an allowed value"),
    "count-of-a-scalar": (dict(when={"count": "prevention.obesity_actions", "op": "gte", "value": 1}),
                          "is not a list of records"),
    "count-with-fraction": (dict(when={"count": "evidence", "op": "gte", "value": 1.5}), "whole number"),
    "value-from-incompatible": (dict(when={"path": "plan.period_end", "op": "gte",
                                           "value_from": "prevention.obesity_actions"}), "cannot compare date"),
    "exists-with-value": (dict(when={"path": "leadership.leader_name", "op": "exists", "value": True}),
                          "takes no value"),
    "missing-remediation": (dict(remediation=None), "remediation: Field required"),
    "missing-source": (dict(source=None), "source: Field required"),
    "unknown-source": (dict(source={"id": "S999", "section": "x"}), "source 'S999' is not in the catalogue"),
    "unknown-domain": (dict(domain="prevent"), "unknown domain 'prevent'. Did you mean 'prevention'?"),
    "prefix-mismatch": (dict(id="FIN-90"), "ids in domain prevention start with PREV-"),
    "unknown-edition": (dict(editions=["2016-plans"]), "unknown edition '2016-plans'"),
    "unknown-criterion": (dict(criteria=["D:MIN-99"]), "'D:MIN-99' is not a digest criterion"),
    "criterion-without-prefix": (dict(criteria=["MIN-01"]), "'MIN-01' is not a digest criterion in catalogue.yaml. "
                                                            "Did you mean 'D:MIN-01'?"),
    "bad-id": (dict(id="prev 1"), "id: String should match pattern"),
    "unknown-key": (dict(owner="someone"), "owner: Extra inputs are not permitted"),
    "assumption-unexplained": (dict(assumption=True), "needs an assumption_note"),
    "too-many-branches": (dict(when={"all": [{"any": [{"path": f"prevention.{f}", "op": "gte", "value": v}
                                                      for f in ("obesity_actions", "diabetes_actions",
                                                                "local_priorities")
                                                      for v in (1, 2)]}] * 2}),
                          "the engine would fire this condition up to"),
    "empty-all": (dict(when={"all": []}), "'all' needs a non-empty list"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_rule_is_a_load_error_naming_file_and_rule(tmp_path, name):
    changes, message = BROKEN[name]
    folder = _catalogue_with(tmp_path, _mutate(**changes))
    with pytest.raises(RuleError) as info:
        load_catalogue(folder)
    text = str(info.value)
    assert "tests.yaml" in text
    assert message in text
    rule_id = changes.get("id", "PREV-90")
    assert f"rule {rule_id}" in text or name == "bad-id"


def test_duplicate_ids_are_refused(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD, GOOD)
    with pytest.raises(RuleError, match="rule PREV-90: duplicate id"):
        load_catalogue(folder)


def test_invalid_yaml_names_the_line(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    (folder / "tests.yaml").write_text("rules:\n  - id: PREV-90\n    title: [unclosed\n")
    with pytest.raises(RuleError, match=r"tests.yaml:\d+: not valid YAML"):
        load_catalogue(folder)


def test_a_folder_without_catalogue_is_refused(tmp_path):
    with pytest.raises(RuleError, match="no catalogue.yaml"):
        load_catalogue(tmp_path)


def test_cap_naming_an_unknown_rule_is_refused(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    head["scoring"]["caps"] = [{"id": "CAP-X", "title": "t", "rules": ["PREV-91"], "max_rating": "Advanced",
                                "basis": {"assumption": True, "note": "a cap naming a rule that is not there"}}]
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    with pytest.raises(RuleError, match="cap CAP-X names unknown rule PREV-91"):
        load_catalogue(folder)


def test_bands_must_ascend(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    head["scoring"]["ratings"][2]["min_score"] = 10
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    with pytest.raises(RuleError, match="strictly ascend"):
        load_catalogue(folder)


SECOND = GOOD.replace("PREV-90", "PREV-91").replace("A valid rule", "Another valid rule")


def test_two_rules_scoring_one_fact_in_one_edition_are_refused(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD, SECOND)
    with pytest.raises(RuleError, match=r"edition 2016-plan: PREV-90, PREV-91 all score 'prevention.obesity_actions'"):
        load_catalogue(folder)


def test_a_declared_shared_fact_is_allowed(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD, SECOND)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    head["shared_facts"] = [{"rules": ["PREV-90", "PREV-91"], "facts": ["prevention.obesity_actions"],
                             "reason": "a blocking gate and its scored twin, for the test"}]
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    assert sorted(load_catalogue(folder).rules) == ["PREV-90", "PREV-91"]


def test_the_same_fact_in_different_editions_is_allowed(tmp_path):
    later = SECOND.replace("editions: [2016-plan]", "editions: [2017-partnership]")
    assert sorted(load_catalogue(_catalogue_with(tmp_path, GOOD, later)).rules) == ["PREV-90", "PREV-91"]


def test_a_rule_heavier_than_the_stated_share_is_refused(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    head["scoring"]["max_rule_share_pct"] = 50
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    with pytest.raises(RuleError, match=r"PREV-90 carries 100.0% of the score \(limit 50%\)"):
        load_catalogue(folder)


def test_a_digest_criterion_without_its_prefix_is_refused(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    head["digest_criteria"]["MIN-01"] = "a criterion that could be read as a rule id"
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    with pytest.raises(RuleError, match="must start with 'D:'"):
        load_catalogue(folder)


def test_an_edition_needs_a_readiness_verdict_or_a_reason(tmp_path):
    folder = _catalogue_with(tmp_path, GOOD)
    head = yaml.safe_load((folder / "catalogue.yaml").read_text())
    del head["editions"][0]["no_readiness"]
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(head))
    with pytest.raises(RuleError, match="give either readiness or no_readiness"):
        load_catalogue(folder)
