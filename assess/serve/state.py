"""What the routes share for the life of the server: settings, catalogue, documents, drafts, and
(for the desk) the batch and the decisions file."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .documents import Documents
from .drafts import DraftStore
from .settings import Settings

if TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from .desk import Desk
    from .ledger import Ledger


@dataclass
class State:
    """The server's state, built once by `build_state`."""

    settings: Settings
    catalogue: "Catalogue"
    documents: Documents
    drafts: DraftStore
    ledger: "Ledger | None"
    desk: "Desk | None"


def build_state(settings: Settings) -> State:
    """Load the catalogue, find the served files, open the drafts database and, with --batch and
    --decisions, the desk. InputError for a batch folder or decisions file that cannot be used."""
    from ..catalogue.cache import load

    catalogue = load(settings.rules_dir)
    documents = Documents(settings.paths)
    ledger = desk = None
    if settings.decisions is not None:
        from .ledger import Ledger

        ledger = Ledger(settings.decisions, catalogue)
    if settings.batch is not None:
        from .desk import Desk

        desk = Desk(settings.batch, documents, catalogue, ledger)
    return State(settings, catalogue, documents, DraftStore(settings.store), ledger, desk)
