"""Themes as users meet them: list, export, check, choose by name/path/front matter, and
templates designed elsewhere (prototype decks with split tags and logos, corporate decks)."""

from __future__ import annotations

import os
from pathlib import Path

import pptx
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

import deckgen
from deckgen.cli import cli
from deckgen.errors import TemplateError
from deckgen.themes import bundled_dir

from .conftest import CONTENT
from .render.make_templates import prototype_template, set_runs
from .test_cli import TITLES, slide_title

PPTX_DEFAULT = Path(pptx.__file__).parent / "templates" / "default.pptx"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_then_build_with_the_exported_folder(tmp_path):
    result = run("templates", "export", "dark", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine" / "template.pptx").is_file()
    assert (tmp_path / "mine" / "notes.j2").is_file()
    out = tmp_path / "deck.pptx"
    assert deckgen.build(CONTENT, out, template=tmp_path / "mine").slides == 12


def test_export_refuses_to_overwrite(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "default").mkdir()
    (tmp_path / "mine" / "default" / "x").write_text("keep")
    result = run("templates", "export", "default", str(tmp_path / "mine"))
    assert result.exit_code == 1
    assert result.output.startswith("Error:")
    assert (tmp_path / "mine" / "default" / "x").read_text() == "keep"


def test_a_theme_folder_here_wins_over_a_theme_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("templates", "export", "default", "mytheme").exit_code == 0
    result = run("build", str(CONTENT), "-o", "a.pptx", "--template", "mytheme")
    assert result.exit_code == 0, result.output
    # a folder named like a bundled theme is used instead of it
    assert run("templates", "export", "bold", "dark").exit_code == 0
    used = deckgen.build(CONTENT, tmp_path / "b.pptx", template="dark").template
    assert used == Path("dark") / "template.pptx"


def test_theme_names_ignore_case(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name in ("Dark", "dark"):
        result = run("build", str(CONTENT), "-o", str(tmp_path / f"{name}.pptx"), "-t", name)
        assert result.exit_code == 0, result.output
    assert (tmp_path / "Dark.pptx").read_bytes() == (tmp_path / "dark.pptx").read_bytes()


def test_unknown_theme_error_mentions_folders_and_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", str(CONTENT), "-o", "a.pptx", "-t", "mytheme")
    assert result.exit_code == 1
    assert "no theme named 'mytheme'" in result.output
    assert "folder" in result.output and ".pptx" in result.output
    (tmp_path / "mytheme").mkdir()  # a folder, but not a theme
    result = run("build", str(CONTENT), "-o", "a.pptx", "-t", "mytheme")
    assert result.exit_code == 1 and "has no template.pptx" in result.output
    assert not (tmp_path / "a.pptx").exists()


def test_export_twice_refuses_instead_of_nesting_and_says_where_the_theme_went(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    first = run("templates", "export", "default", "mytheme")
    assert first.exit_code == 0, first.output
    assert str(tmp_path / "mytheme") in first.output
    assert "--template mytheme" in first.output
    (tmp_path / "mytheme" / "template.pptx").write_bytes(b"my edits")
    again = run("templates", "export", "default", "mytheme")
    assert again.exit_code == 1
    assert "not empty" in again.output and "--force" in again.output
    assert not (tmp_path / "mytheme" / "default").exists()
    assert (tmp_path / "mytheme" / "template.pptx").read_bytes() == b"my edits"
    (tmp_path / "mytheme" / "logo.png").write_bytes(b"png")
    forced = run("templates", "export", "dark", "mytheme", "--force")
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in (tmp_path / "mytheme").iterdir()) == [
        "logo.png",
        "notes.j2",
        "template.pptx",
        "theme.yaml",
    ]
    dark = bundled_dir() / "dark" / "template.pptx"
    assert (tmp_path / "mytheme" / "template.pptx").read_bytes() == dark.read_bytes()


def test_user_folder_themes_are_listed_and_usable(tmp_path, monkeypatch):
    monkeypatch.setenv("DECKGEN_TEMPLATES", str(tmp_path / "themes"))
    (tmp_path / "themes").mkdir()
    assert run("templates", "export", "bold", str(tmp_path / "themes" / "house")).exit_code == 0
    listing = run("templates").output
    assert "house" in listing and "default" in listing
    out = tmp_path / "d.pptx"
    assert deckgen.build(CONTENT, out, template="house").slides == 12


def test_check_reports_kinds_and_names_of_a_bundled_theme():
    result = run("templates", "check", "default")
    assert result.exit_code == 0, result.output
    assert "insight" in result.output and "insight.key_point" in result.output
    assert result.output.rstrip().endswith("OK")


def test_check_flags_unknown_names(tmp_path):
    path = prototype_template(tmp_path / "t.pptx")
    prs = Presentation(str(path))
    box = prs.slides[2].shapes.add_textbox(0, 0, 100000, 100000)
    set_runs(box.text_frame.paragraphs[0], ["{{ insight.keypoint }}"])
    prs.save(str(path))
    result = run("templates", "check", str(path))
    assert result.exit_code == 1
    assert "unknown: insight.keypoint" in result.output


def test_front_matter_template_is_used(tmp_path):
    src = tmp_path / "talk.md"
    src.write_text("---\ntemplate: bold\n---\n" + CONTENT.read_text(encoding="utf-8"))
    out = tmp_path / "talk.pptx"
    deckgen.build(src, out)
    theme = (
        Presentation(str(out))
        .slide_masters[0]
        .part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
        )
    )
    assert b"deckgen Bold" in theme.blob


def test_prototype_template_with_split_tags_and_logo(tmp_path):
    """A template made in another tool: tags split over runs, a logo on every prototype."""
    template = prototype_template(tmp_path / "proto.pptx")
    out = tmp_path / "deck.pptx"
    deckgen.build(CONTENT, out, template=template)
    prs = Presentation(str(out))
    assert len(prs.slides) == 12  # the non-prototype "how to" slide and prototypes are gone
    for n, slide in enumerate(list(prs.slides)[1:11]):
        assert slide_title(slide) == f"{n + 1}. {TITLES[n]}"
        run0 = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert run0.font.bold and run0.font.name == "Georgia"  # the tag run's formatting
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.blob.startswith(b"\x89PNG")
    assert "How to use this template" not in [slide_title(s) for s in prs.slides]


@pytest.mark.parametrize("wide", [True, False])
def test_corporate_templates_keep_their_size_and_fill_titles(tmp_path, wide):
    if wide:
        prs = Presentation(str(PPTX_DEFAULT))
        prs.slide_width, prs.slide_height = 12192000, 6858000
        template = tmp_path / "wide.pptx"
        prs.save(str(template))
    else:
        template = PPTX_DEFAULT  # python-pptx's own default: 4:3
    out = tmp_path / "corp.pptx"
    deckgen.build(CONTENT, out, template=template)
    deck = Presentation(str(out))
    src = Presentation(str(template))
    assert (deck.slide_width, deck.slide_height) == (src.slide_width, src.slide_height)
    titles = [slide_title(s) for s in deck.slides]
    assert len(titles) == 12 and all(titles)
    assert TITLES[0] in titles[1]


def test_potx_is_accepted(tmp_path):
    import zipfile

    potx = tmp_path / "corp.potx"
    with zipfile.ZipFile(PPTX_DEFAULT) as zin, zipfile.ZipFile(potx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            zout.writestr(item, data)
    out = tmp_path / "from-potx.pptx"
    assert deckgen.build(CONTENT, out, template=potx).slides == 12


def test_missing_template_is_a_clear_error(tmp_path):
    with pytest.raises(TemplateError, match="not found"):
        deckgen.build(CONTENT, tmp_path / "x.pptx", template=tmp_path / "nope.pptx")
    assert not (tmp_path / "x.pptx").exists()


@pytest.mark.skipif(os.environ.get("DECKGEN_SKIP_WHEEL") == "1", reason="wheel test disabled")
@pytest.mark.slow
def test_wheel_ships_the_bundled_themes(tmp_path):
    """`pip install .` (not editable) into a fresh venv: themes listed and buildable."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    wheel_dir = tmp_path / "wheel"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(root)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "hatchling" in proc.stderr and "No matching" in proc.stderr:
        pytest.skip("hatchling is not reachable to build a wheel")
    assert proc.returncode == 0, proc.stderr
    import zipfile

    (wheel,) = wheel_dir.glob("deckgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for theme in ("default", "dark", "bold"):
        assert f"deckgen/templates/{theme}/template.pptx" in names
        assert f"deckgen/templates/{theme}/notes.j2" in names
    # installed into a target folder (no network: dependencies come from this environment)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    listing = subprocess.run(
        [sys.executable, "-m", "deckgen", "templates"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert listing.returncode == 0, listing.stderr
    assert (
        str(target)
        in subprocess.run(
            [sys.executable, "-c", "import deckgen; print(deckgen.__file__)"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    for theme in ("default", "dark", "bold"):
        assert theme in listing.stdout
        built = subprocess.run(
            [
                sys.executable,
                "-m",
                "deckgen",
                "build",
                str(CONTENT),
                "-o",
                f"{theme}.pptx",
                "-t",
                theme,
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, built.stderr
        assert len(Presentation(str(work / f"{theme}.pptx")).slides) == 12


# --------------------------------------------------------------------------- slide kinds

THEMES = ("default", "dark", "bold")


def _sample(number: str) -> dict:
    """A context with every name the section and bullets prototypes may read."""
    slide = {"number": "2", "total": "9", "index": 2, "kind": "section", "continued": False}
    deck = {"title": "Deck", "footer": "The footer", "insights": [], "conclusion": None}
    shared = {"number": number, "title": "Operating in production", "subsections": []}
    section = {
        **shared,
        "paragraphs": ["Three chapters on what changed."],
        "subsections": ["Error budgets", "Alerting on symptoms"],
        "notes": ["Ask who has been paged this month."],
    }
    insight = {
        **shared,
        "paragraphs": ["Error budgets: each service got one.", "Paging was cut by two thirds."],
        "notes": ["Say it slowly."],
        "key_point": "",
        "body": [],
        "points": [],
        "details": [],
        "fields": [],
    }
    return {"slide": slide, "deck": deck, "meta": {}, "section": section, "insight": insight}


def _rendered(theme, kind: str, ctx: dict) -> dict[str, str]:
    from deckgen.plan import SlideInfo, environment

    # as plan gives it: ``slide`` an object whose ``items`` is the section's text
    slide = SlideInfo({**ctx["slide"], "items": ctx["insight"]["paragraphs"]})
    ctx = {**ctx, "slide": slide}
    return {
        s.name: environment().from_string(s.template).render(ctx).strip()
        for s in theme.prototypes[kind].shapes
    }


@pytest.mark.parametrize("name", THEMES)
def test_bundled_themes_supply_section_and_bullets(name):
    from deckgen import themes
    from deckgen.render import template_names

    theme = themes.load(name)
    names = template_names(theme)
    assert {"section.number", "section.title", "section.paragraphs", "section.subsections"} <= (
        names["section"]
    )
    assert {"insight.number", "insight.title", "slide.items", "deck.footer"} <= names["bullets"]
    for kind, words in (
        ("section", ["II", "Operating in production", "Three chapters", "Alerting on symptoms"]),
        ("bullets", ["II", "Operating in production", "Error budgets:", "two thirds"]),
    ):
        proto = theme.prototypes[kind]
        title = next(s for s in proto.shapes if s.is_title)
        assert "title" in title.template  # the slide's title is its title placeholder
        text = "\n".join(_rendered(theme, kind, _sample("II")).values())
        assert all(w in text for w in words), (kind, text)
        # an empty number leaves no shape with text that only a number would fill (a disc
        # holding its number goes with it)
        empty = _rendered(theme, kind, _sample(""))
        tag = f"{{{{ {_obj(kind)}.number }}}}"
        number = [s.name for s in proto.shapes if s.template.strip() == tag]
        assert number and all(empty[n] == "" for n in number)


def _obj(kind: str) -> str:
    return "section" if kind == "section" else "insight"


@pytest.mark.parametrize("name", THEMES)
def test_bundled_notes_hold_every_word_of_section_and_bullets(name):
    from deckgen import themes
    from deckgen.plan import environment

    theme = themes.load(name)
    notes = environment().from_string(theme.notes_template)
    for kind in ("section", "bullets"):
        ctx = _sample("II")
        ctx["slide"] = {**ctx["slide"], "kind": kind}
        text = notes.render(ctx)
        obj = ctx[_obj(kind)]
        words = [obj["title"], *obj["paragraphs"], *obj["subsections"], *obj["notes"]]
        assert all(str(w) in text for w in words), (kind, text)


@pytest.mark.parametrize("name", THEMES)
def test_title_slide_shows_subtitle_author_and_date(tmp_path, name):
    """Issue 13, item 4: the author is not dropped when there is a subtitle."""
    src = tmp_path / "talk.md"
    src.write_text(
        "---\ntitle: Reliable Systems\nsubtitle: A field guide for teams\n"
        "author: Ada Lovelace\ndate: 1 May 2024\n---\n" + CONTENT.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    out = tmp_path / "talk.pptx"
    deckgen.build(src, out, template=name)
    slide = Presentation(str(out)).slides[0]
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
    joined = "\n".join(texts)
    for part in ("Reliable Systems", "A field guide for teams", "Ada Lovelace", "1 May 2024"):
        assert part in joined, joined
    # fitted, not overlapping: the text boxes on the slide do not intersect
    boxes = [
        (s.left, s.top, s.left + s.width, s.top + s.height)
        for s in slide.shapes
        if s.has_text_frame and s.text_frame.text
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_check_lists_the_new_kinds(tmp_path):
    result = run("templates", "check", "dark")
    assert result.exit_code == 0, result.output
    assert "section.paragraphs" in result.output and "slide.items" in result.output
    corporate = run("templates", "check", str(PPTX_DEFAULT))
    assert corporate.exit_code == 0, corporate.output
    assert "section    layout 'Section Header'" in corporate.output
    assert "bullets    layout 'Title and Content'" in corporate.output
    # a theme without the optional kinds says what is made instead
    proto = run("templates", "check", str(prototype_template(tmp_path / "t.pptx")))
    assert "section    missing (insight slides are used)" in proto.output


def test_corporate_slides_keep_field_labels_and_one_title_weight(tmp_path):
    """Issue 13, item 9: "Why it matters" is shown, and number and title share one weight."""
    src = tmp_path / "talk.md"
    src.write_text(
        "---\ntitle: A Talk\nsubtitle: The sub\nauthor: Ada Lovelace\ndate: 1 May 2024\n---\n"
        "## 1. **Bold title** here\n\n- Key Point: kp one\n- Why it matters: because.\n\n"
        "## 2. Plain title\n\n- Key Point: kp two\n- Insight: ins two\n",
        encoding="utf-8",
    )
    out = tmp_path / "corp.pptx"
    deckgen.build(src, out, template=PPTX_DEFAULT)
    slides = list(Presentation(str(out)).slides)
    title_slide = "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "The sub" in title_slide and "Ada Lovelace · 1 May 2024" in title_slide
    first = slides[1]
    assert slide_title(first) == "1. Bold title here"
    runs = [r for p in first.shapes.title.text_frame.paragraphs for r in p.runs]
    assert len({r.font.bold for r in runs}) == 1
    body = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Why it matters: because." in body
    assert "Insight: ins two" in "\n".join(
        s.text_frame.text for s in slides[2].shapes if s.has_text_frame
    )
