"""Matching and scoring: a submission projected onto the flat fact the engine reads (projection),
matched by durable_rules (durable, the only module that touches it), explained and scored
(assessor, scoring, graded) into an Assessment (results).

Imports: assess.catalogue, assess.input, assess.common and assess.errors."""
