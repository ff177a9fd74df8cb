"""The fast paths give exactly what the plain ones give: explanations, scores and parsed YAML."""
from __future__ import annotations

import pytest
import yaml
from casekit import FIXTURES, ROOT, catalogue, mixed_submissions

from assess.catalogue.conditions import Explainer, explain, holds
from assess.catalogue.model import Basis, Cap, Catalogue, ScoringModel
from assess.engine.assessor import compile_edition, run
from assess.engine.results import CapApplied, CriterionResult, DomainScore, PathStep, Status
from assess.engine.scoring import Verdict, band
from assess.input.synthetic import generate
from assess.input.yaml_reader import YamlProblem, read_yaml

SUBMISSIONS = mixed_submissions(120, seed=21)


def test_explainer_equals_explain_on_every_rule():
    cat = catalogue()
    facts = [compile_edition(cat, e.id).projector.project(s) for e in cat.meta.editions for s in SUBMISSIONS[::2]]
    for rule in cat.rules.values():
        for node in filter(None, (rule.when, rule.applies)):
            explainer = Explainer(node)
            for fact in facts:
                assert explainer(fact) == explain(node, fact), rule.id
                assert explainer.holds(fact) == holds(node, fact), rule.id


class ReferenceScorer:
    """The scorer written plainly (names, not prepared ranks and sets): the reference."""

    def __init__(self, catalogue: Catalogue, edition: str) -> None:
        self.model: ScoringModel = catalogue.scoring
        rules = catalogue.rules_for(edition)
        in_edition = {r.id for r in rules}
        self.domains = [d for d in catalogue.meta.domains if any(r.domain == d.id for r in rules)]
        self._domain_index = {d.id: i for i, d in enumerate(self.domains)}
        self._weights = [catalogue.domain_weight(d.id, edition) for d in self.domains]
        self._caps: list[tuple[Cap, list[set[str]]]] = [
            (c, [m for m in (set(ids) & in_edition for _, ids in c.members()) if m])
            for c in self.model.caps if not c.editions or edition in c.editions]
        self._ratings = [b.name for b in self.model.ratings]
        self._stages = [b.name for b in self.model.stages]
        self.readiness = catalogue.edition(edition).readiness

    def _readiness(self, rating: str, unmet_blocking: int, dims: list[str | None]) -> str:
        r = self.readiness
        if r is None:
            return "not_applicable"

        def at_least(names: list[str], value: str | None, floor: str | None) -> bool:
            return floor is None or (value is not None and names.index(value) >= names.index(floor))

        if (unmet_blocking == 0 and at_least(self._ratings, rating, r.min_rating)
                and all(at_least(self._stages, d, r.min_stage) for d in dims)):
            return "ready"
        if (unmet_blocking <= r.aspirant_max_unmet_blocking and at_least(self._ratings, rating, r.aspirant_min_rating)
                and all(at_least(self._stages, d, r.aspirant_min_stage) for d in dims)):
            return "aspirant"
        return "not_yet"

    def _dims(self, num: list[float], den: list[float]) -> list[str | None]:
        out: list[str | None] = []
        for dom in (self.readiness.dimensions if self.readiness else []):
            if dom in self._domain_index:
                i = self._domain_index[dom]
                out.append(band(self.model.stages, round(100.0 * num[i] / den[i], 1)) if den[i] else None)
        return out

    def _capped(self, score_rating: str, unmet: set[str]) -> str:
        rank = self._ratings.index(score_rating)
        for cap, members in self._caps:
            if sum(1 for m in members if m & unmet) >= cap.min_unmet:
                rank = min(rank, self._ratings.index(cap.max_rating))
        return self._ratings[rank]

    def score(self, criteria: dict[str, CriterionResult]) -> Verdict:
        n = len(self.domains)
        num, den = [0.0] * n, [0.0] * n
        counts = [[0, 0, 0] for _ in range(n)]
        for result in criteria.values():
            i = self._domain_index[result.rule.spec.domain]
            if result.status is Status.NOT_APPLICABLE:
                counts[i][2] += 1
                continue
            weight = result.rule.spec.weight
            den[i] += weight
            num[i] += weight * (result.credit or 0.0)
            counts[i][0 if result.status is Status.MET else 1] += 1
        weights = self._weights
        total_weight = sum(w for w, dn in zip(weights, den) if dn > 0)
        domain_scores = [100.0 * a / b if b else None for a, b in zip(num, den)]
        raw = sum(w * s for w, s in zip(weights, domain_scores) if s is not None)
        overall = raw / total_weight if total_weight else 0.0
        score = round(overall, 1)
        stages = self.model.stages
        domains = [
            DomainScore(d.id, d.title, None if s is None else round(s, 1),
                        None if s is None else band(stages, round(s, 1)), *counts[i])
            for i, (d, s) in enumerate(zip(self.domains, domain_scores))
        ]
        unmet = {rid for rid, r in criteria.items() if r.status is Status.NOT_MET}
        score_rating = band(self.model.ratings, score)
        rating = self._capped(score_rating, unmet)
        rank = self._ratings.index(rating)
        ceiling = (self._stages[-1] if rank == len(self._ratings) - 1
                   else band(stages, self.model.ratings[rank + 1].min_score - 0.1))
        score_stage = band(stages, score)
        stage = min(score_stage, ceiling, key=self._stages.index)
        unmet_blocking = sorted(r for r in unmet if criteria[r].rule.spec.severity == "blocking")
        caps_applied = [
            CapApplied(cap.id, cap.title, cap.max_rating, tuple(sorted({r for m in members for r in m if r in unmet})),
                       cap.basis.assumption)
            for cap, members in self._caps if sum(1 for m in members if m & unmet) >= cap.min_unmet
        ]
        readiness = self._readiness(rating, len(unmet_blocking), self._dims(num, den))

        def gain(rule_id: str) -> float:
            spec = criteria[rule_id].rule.spec
            i = self._domain_index[spec.domain]
            return weights[i] * 100.0 * spec.weight / den[i] / total_weight

        binding = {r for c in caps_applied for r in c.unmet}
        order = sorted(unmet, key=lambda r: (criteria[r].rule.spec.severity != "blocking",
                                             r not in binding, -gain(r), r))
        path: list[PathStep] = []
        running, blocking_left, left, num_left = overall, len(unmet_blocking), set(unmet), list(num)
        state, step_rating = readiness, rating
        for rule_id in order:
            if state == "ready" or (state == "not_applicable" and step_rating == self._ratings[-1]):
                break
            spec = criteria[rule_id].rule.spec
            step_gain = gain(rule_id)
            running += step_gain
            num_left[self._domain_index[spec.domain]] += spec.weight
            blocking_left -= spec.severity == "blocking"
            left.discard(rule_id)
            projected = min(round(running, 1), 100.0)
            step_rating = self._capped(band(self.model.ratings, projected), left)
            state = self._readiness(step_rating, blocking_left, self._dims(num_left, den))
            path.append(PathStep(rule_id, spec.title, spec.severity, round(step_gain, 1), projected,
                                 step_rating, state))
        return Verdict(domains, score, stage, rating, score_rating, score_stage, readiness,
                       unmet_blocking, caps_applied, path)


@pytest.mark.parametrize("edition", ["2016-plan", "2017-partnership", "2019-ics"])
def test_scorer_equals_the_reference(edition):
    cat = catalogue()
    if edition not in {e.id for e in cat.meta.editions}:
        pytest.skip(f"no edition {edition}")
    compiled = compile_edition(cat, edition)
    reference = ReferenceScorer(cat, edition)
    for sub in SUBMISSIONS:
        criteria = run(compiled, sub).criteria
        assert compiled.scorer.score(criteria) == reference.score(criteria), sub.footprint.code


def test_scorer_equals_the_reference_with_caps_and_every_status():
    cat = catalogue()
    edition = cat.meta.editions[-1].id
    rules = cat.rules_for(edition)
    basis = Basis(assumption=True, note="caps made up to reach every branch")
    caps = [Cap(id=f"CAP-{i}", title="t", rules=[r.id for r in rules[i::7]], min_unmet=1 + i % 2,
                max_rating=cat.scoring.ratings[i % 3].name, basis=basis) for i in range(3)]
    caps.append(Cap(id="CAP-G", title="g", groups={"a": [r.id for r in rules[::5]], "b": [r.id for r in rules[1::5]],
                                                     "c": [r.id for r in rules[2::5]]},
                    min_unmet=2, max_rating=cat.scoring.ratings[1].name, basis=basis))
    scoring: ScoringModel = cat.scoring.model_copy(update={"caps": caps})
    other = Catalogue(cat.meta.model_copy(update={"scoring": scoring}), cat.rules, cat.needs, cat.directory)
    from assess.engine.scoring import Scorer

    scorer, reference = Scorer(other, edition), ReferenceScorer(other, edition)
    statuses = [Status.MET, Status.NOT_MET, Status.NOT_APPLICABLE]
    for k in range(60):
        criteria = {}
        for i, rule in enumerate(rules):
            status = statuses[(i * (k + 3) + k // 3) % 3] if k % 5 else Status.NOT_MET
            credit = None if status is Status.NOT_APPLICABLE else (1.0 if status is Status.MET else 0.0)
            criteria[rule.id] = CriterionResult(rule, status, credit)
        assert scorer.score(criteria) == reference.score(criteria)


# --- YAML ---------------------------------------------------------------------------------------

TRICKY = [
    "a: yes\nb: on\nc: 010\nd: 0x1F\ne: 1:30\nf: 2016-10-21\ng: 2016-10-21 10:00:00\nh: ~\ni: .inf\nj: 1e3\n"
    "k: 1.0e3\nl: '123'\nm: !!str 5\nn: -0b101\no: +12_345\np: 2001-12-14t21:59:43.10-05:00\n",
    "base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  z: 3\nref: *b\n",
    "a: &x [1, *x]\n", "? [1, 2]\n: v\n", "{[1]: 2}\n", "a: 1\na: 2\n", "", "- 1\n- 2\n", "x: !!binary aGVsbG8=\n",
    "x: !!set {a, b}\n", "s: &s str\nt: *s\nu: {k: *s}\n", "a: !!python/object:os.system x\n", "=: 1\n",
    "a: !custom 1\n", "? !!null\n: 1\n", "a: [1, {b: c}, [d, e]]\nlong: |\n  line one\n  line two\n",
    "a: {b: [1, 2\n", "a: b: c\n",
]


def _plain_yaml(text: str) -> bool:
    """Text that PyYAML and the submission reader must read alike: no anchors, tags, non-decimal
    or base-60 numbers, special floats, date-times or YAML-1.1-only floats (the reading rule in
    assess/yaml_reader.py refuses or reads those differently, on purpose)."""
    return not any(mark in text for mark in ("!", "<<", "0x", "0b", ":3", ".inf", "?", "1e3", "10:00"))


def test_reader_refuses_or_matches_pyyaml_on_tricky_yaml():
    for text in TRICKY:
        try:
            data, _ = read_yaml(text)
        except YamlProblem as problem:
            assert problem.message and problem.line, text
            continue
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                yaml.safe_load(text)
            continue
        if _plain_yaml(text):
            assert data == yaml.safe_load(text), text


def test_reader_equals_pyyaml_on_real_files(tmp_path):
    from assess.input.synthetic import write_yaml

    paths = write_yaml(generate(20, seed=4), tmp_path)
    paths += [*FIXTURES.glob("*.yaml"), *ROOT.glob("tests/rule_cases/*.yaml")]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert read_yaml(text)[0] == yaml.safe_load(text), path.name


def test_reader_keeps_aliases_shared_and_caps_their_expansion():
    data, _ = read_yaml("base: &b {x: 1}\nref: *b\n")
    assert data["ref"] is data["base"]
    laughs = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9))
    with pytest.raises(YamlProblem) as caught:
        read_yaml(laughs)
    assert "aliases expand" in caught.value.message and caught.value.line is not None


def test_parsing_leaves_the_cycle_collector_as_it_was():
    import gc

    from assess.errors import InputError
    from assess.input.load import parse_text

    assert gc.isenabled()
    parse_text("a: 1\n", "x.yaml", "yaml")
    with pytest.raises(InputError):
        parse_text("a: [1\n", "x.yaml", "yaml")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_text("a: 1\n", "x.yaml", "yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()
