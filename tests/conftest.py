from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.md"
SOURCE_SUMMARY = ROOT.parent / "shared" / "source-summary.txt"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


@pytest.fixture
def content_md() -> Path:
    return CONTENT
