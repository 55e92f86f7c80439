from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# every deck a test writes is validated against the Open XML schemas when that test ends
from .schema import (  # noqa: F401
    decks_are_schema_valid,
    pytest_terminal_summary,
    record_written_decks,
)

# HYPOTHESIS_PROFILE=long: the long run of the property tests (tests/test_properties.py)
settings.register_profile("long", max_examples=10_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"
SOURCE_SUMMARY = ROOT.parent / "shared" / "source-summary.txt"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


@pytest.fixture
def content_md() -> Path:
    return CONTENT


@pytest.fixture(autouse=True, scope="session")
def _private_template_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds run by tests (and their subprocesses) keep deckgen's on-disk template cache
    (deckgen.cache) in a temporary folder, never in the user's home."""
    os.environ["DECKGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("deckgen-cache"))
