from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.model import SLIDE_NUMBER, SLIDE_TOTAL, Deck, Frame, Para, SlideSpec, Span, Theme
from deckgen.render import load_theme

from .make_templates import prototype_template, tiny_png

FIXED = {"created": "2024-05-01T12:00:00+00:00", "author": "Ada", "keywords": "a, b"}


@pytest.fixture(scope="session")
def proto_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proto")


@pytest.fixture(scope="session")
def logo(proto_dir: Path) -> Path:
    path = proto_dir / "logo.png"
    path.write_bytes(tiny_png((10, 120, 200)))
    return path


@pytest.fixture(scope="session")
def proto_path(proto_dir: Path, logo: Path) -> Path:
    return prototype_template(proto_dir / "template.pptx", logo=logo)


@pytest.fixture(scope="session")
def proto_theme(proto_path: Path) -> Theme:
    return load_theme(proto_path)


def assert_valid(path: Path) -> None:
    """Zero Open XML schema errors (issue 5), where openxml-audit is installed."""
    audit = pytest.importorskip("openxml_audit")
    result = audit.validate_pptx(path)
    assert result.is_valid, [str(e) for e in result.errors][:5]


def shape(theme: Theme, kind: str, *, title: bool = False, role: str | None = None):
    for s in theme.prototypes[kind].shapes:
        if title and s.is_title:
            return s
        if not title and not s.is_title and (role is None or s.role == role):
            return s
    raise LookupError(kind)


def insight_slide(theme: Theme, n: int, *, notes: str = "", extra: tuple[Frame, ...] = ()):
    title = shape(theme, "insight", title=True)
    body = shape(theme, "insight", role="content")
    frames = [
        Frame(title.shape_id, (Para((Span(f"{n}. Insight number {n}"),)),)),
        Frame(
            body.shape_id,
            (
                Para((Span("Key: "), Span(f"point {n}", bold=True)), proto=0),
                Para((Span("detail "), Span("code()", code=True)), proto=2),
                Para((Span("see "), Span("docs", link="https://example.com/docs")), proto=2),
            ),
        ),
    ]
    chrome = [s for s in theme.prototypes["insight"].shapes if s.role == "chrome"]
    for s in chrome:
        frames.append(Frame(s.shape_id, (Para((Span(f"{SLIDE_NUMBER} / {SLIDE_TOTAL}"),)),)))
    return SlideSpec(
        "insight", f"Insight number {n}", tuple(frames) + extra, notes=notes or f"Say {n}."
    )


def title_slide(theme: Theme, title: str = "My Talk", subtitle: str = "by Ada") -> SlideSpec:
    t = shape(theme, "title", title=True)
    frames = [Frame(t.shape_id, (Para((Span(title),)),))]
    others = [s for s in theme.prototypes["title"].shapes if not s.is_title]
    if others:
        frames.append(Frame(others[0].shape_id, (Para((Span(subtitle),)),)))
    return SlideSpec("title", title, tuple(frames), notes="Welcome.")


def conclusion_slide(theme: Theme) -> SlideSpec:
    t = shape(theme, "conclusion", title=True)
    body = shape(theme, "conclusion")
    return SlideSpec(
        "conclusion",
        "Conclusion",
        (
            Frame(t.shape_id, (Para((Span("Conclusion"),)),)),
            Frame(body.shape_id, (Para((Span("That is all."),), proto=1),)),
        ),
    )


def make_deck(theme: Theme, n: int = 3, **kw) -> Deck:
    slides = (title_slide(theme), *(insight_slide(theme, i + 1) for i in range(n)))
    slides = (*slides, conclusion_slide(theme))
    kw.setdefault("properties", FIXED)
    return Deck(slides, theme, "My Talk", **kw)
