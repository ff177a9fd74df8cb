"""The rules as data: the catalogue model (model), reading and checking it from its YAML files
(load), the `when` grammar and its plain-Python evaluation and explanation (conditions), the lint
(lint) and the on-disk cache of a loaded catalogue (cache).

Imports: assess.input (the field specs a rule may name), assess.common and assess.errors.
`from assess.catalogue import load_catalogue, Catalogue` keeps working for notebooks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..common.lazy import lazy_names

if TYPE_CHECKING:
    from .load import load_catalogue
    from .model import Catalogue, Edition, Rule

__all__ = ["Catalogue", "Edition", "Rule", "load_catalogue"]
__getattr__, __dir__ = lazy_names(__name__, {"Catalogue": "model", "Edition": "model", "Rule": "model",
                                             "load_catalogue": "load"})
