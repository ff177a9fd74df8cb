import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import os  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _catalogue_cache_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The command line caches the loaded catalogue; tests keep theirs out of the user's cache."""
    os.environ["ASSESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("catalogue-cache"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache folder for one test (the catalogue and template caches use it)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(folder))
    monkeypatch.delenv("ASSESS_NO_CACHE", raising=False)
    return folder
