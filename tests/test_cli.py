"""The command line as a user meets it: build content.md, outline, templates, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from deckgen.cli import cli

from .conftest import CONTENT

TITLES = [
    "Introduction to Llama 3.1",
    "Challenges with Closed Ecosystems",
    "Vision for Open Source AI",
    "Advantages of Open Source",
    "Real-World Applications of Llama 3.1",
    "Meta’s Fostering of Open Source",
    "Societal Benefits of Open Development",
    "Global Competition and Security",
    "Future Prospects for Llama Models",
    "Evolving Perceptions of AI",
]


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def slide_title(slide) -> str:
    for ph in slide.placeholders:
        if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return ph.text_frame.text
    return ""


def all_text(prs) -> str:
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(out)


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    result = run("build", str(CONTENT), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_content_md_builds_twelve_slides_in_order(deck):
    prs = Presentation(str(deck))
    assert len(prs.slides) == 12
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    titles = [slide_title(s) for s in prs.slides]
    assert titles[0] == "Valuable Insights from the Interview with Mark Zuckerberg on Llama 3.1"
    for n, (got, want) in enumerate(zip(titles[1:11], TITLES, strict=True), start=1):
        assert want in got, (n, got)
    assert "Conclusion" in titles[11]


def test_insight_slides_carry_key_point_insight_and_notes(deck):
    prs = Presentation(str(deck))
    first = prs.slides[1]
    text = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "405 billion parameters" in text
    assert "fostering a more dynamic AI landscape" in text
    for slide in list(prs.slides)[1:11]:
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes.split()) > 20, notes


def test_closing_lines_are_on_the_conclusion_slide(deck):
    prs = Presentation(str(deck))
    last = prs.slides[11]
    text = "\n".join(s.text_frame.text for s in last.shapes if s.has_text_frame)
    assert "Zuckerberg’s discussion highlights" in text
    assert "Follow us to join the learning journey!" in text


def test_every_word_of_the_summary_is_in_the_deck(deck):
    words = set(CONTENT.read_text(encoding="utf-8").split())
    deck_words = set(all_text(Presentation(str(deck))).split())
    missing = {w for w in words if w.rstrip(":") not in deck_words and w not in deck_words}
    # numbering like "1." is shown as the visual number, not as "1."
    missing = {w for w in missing if not w.rstrip(".").isdigit() and w != "-"}
    assert not missing


def test_stdin_gives_the_same_slides(deck, tmp_path):
    out = tmp_path / "stdin.pptx"
    result = run("build", "-", "-o", str(out), input=CONTENT.read_bytes())
    assert result.exit_code == 0, result.output
    a = [slide_title(s) for s in Presentation(str(deck)).slides]
    b = [slide_title(s) for s in Presentation(str(out)).slides]
    assert a == b


def test_stdin_without_output_does_not_replace_an_existing_deck(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(cli, ["build", "-"], input=CONTENT.read_bytes())
    assert first.exit_code == 0, first.output
    assert (tmp_path / "deck.pptx").is_file()
    (tmp_path / "deck.pptx").write_bytes(b"the deck I edited")
    again = CliRunner().invoke(cli, ["build", "-"], input=CONTENT.read_bytes())
    assert again.exit_code == 1
    assert again.output.count("\n") == 1 and again.output.startswith("Error: deck.pptx: ")
    assert "-o deck.pptx" in again.output
    assert (tmp_path / "deck.pptx").read_bytes() == b"the deck I edited"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]
    forced = CliRunner().invoke(cli, ["build", "-", "-o", "deck.pptx"], input=CONTENT.read_bytes())
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "deck.pptx").read_bytes() != b"the deck I edited"


def test_default_output_is_source_name_with_pptx(tmp_path):
    src = tmp_path / "talk.md"
    src.write_bytes(CONTENT.read_bytes())
    result = run("build", str(src))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "talk.pptx").is_file()
    assert "12 slides" in result.output


def test_outline_json_is_stable(tmp_path):
    result = run("outline", str(CONTENT), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == 1
    assert [s["kind"] for s in data["slides"]] == ["title"] + ["insight"] * 10 + ["conclusion"]
    first = data["document"]["insights"][0]
    assert first["number"] == 1 and first["title"] == TITLES[0]
    assert [f["label"] for f in first["fields"]] == ["Key Point", "Insight"]
    assert data["document"]["conclusion"]["closing"][1].startswith("Follow us")


def test_outline_text_lists_slides():
    result = run("outline", str(CONTENT))
    assert result.exit_code == 0
    assert "12 slides" in result.output
    assert "insight" in result.output and TITLES[-1] in result.output


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (None, ["build", "nope.md"], "not found"),
        ("dir", ["build", "adir"], "directory"),
        ("binary", ["build", "bin.md"], "not a text file"),
        ("noinsight", ["build", "plain.md"], "no words"),
        ("content", ["build", "c.md", "-o", "missing/deck.pptx"], "does not exist"),
        ("content", ["build", "c.md", "-o", "c.md/deck.pptx"], "c.md: the output folder is a file"),
        ("content", ["build", "c.md", "-o", "c.md/sub/deck.pptx"], "c.md: the output folder is a"),
        ("content", ["build", "c.md", "-o", "c.md"], "source"),
        ("content", ["build", "c.md", "--template", "nosuchtheme"], "no theme named"),
    ],
)
def test_errors_are_one_line_exit_1_and_write_nothing(tmp_path, monkeypatch, setup, args, message):
    monkeypatch.chdir(tmp_path)
    if setup == "dir":
        (tmp_path / "adir").mkdir()
    elif setup == "binary":
        (tmp_path / "bin.md").write_bytes(bytes(range(256)) * 20)
    elif setup == "noinsight":
        (tmp_path / "plain.md").write_text("<!-- TODO: write the summary -->\n")
    elif setup == "content":
        (tmp_path / "c.md").write_bytes(CONTENT.read_bytes())
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert message in lines[0].lower()
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    if setup == "content":
        assert (tmp_path / "c.md").read_bytes() == CONTENT.read_bytes()


@pytest.mark.parametrize("command", ["build", "outline", "watch"])
def test_no_source_and_no_content_md_says_content_md_is_the_default(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [command])
    assert result.exit_code == 1
    assert result.output == (
        "Error: content.md (the default source) not found in this folder "
        f"(pass a summary: deckgen {command} talk.md)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_no_source_builds_content_md_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content.md").write_bytes(CONTENT.read_bytes())
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content.pptx").is_file()


def test_usage_error_exits_2():
    result = CliRunner().invoke(cli, ["build", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_templates_lists_bundled_themes():
    result = run("templates")
    assert result.exit_code == 0
    names = [ln.split()[0] for ln in result.output.splitlines() if ln and not ln.startswith(" ")]
    assert {"default", "dark", "bold"} <= set(names)


def test_console_script_runs_from_another_folder(tmp_path):
    out = tmp_path / "deck.pptx"
    proc = subprocess.run(
        [sys.executable, "-m", "deckgen", "build", str(CONTENT), "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 0, proc.stderr
    assert len(Presentation(str(out)).slides) == 12


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "deckgen" in result.output


def test_a_build_through_cli_leaves_the_cycle_collector_on(tmp_path):
    """Only the ``deckgen`` process, which ends with its command, keeps it off after a
    build: a program that calls the command (a test's CliRunner) gets it back on."""
    import gc

    assert gc.isenabled()
    assert run("build", str(CONTENT), "-o", str(tmp_path / "deck.pptx")).exit_code == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("args", "collector"), [(["build"], "False"), (["--help"], "True")])
def test_the_deckgen_process_skips_collecting_what_its_end_frees(tmp_path, args, collector):
    """After a build the collector stays off (turned on again, it would walk every object
    the build made, only for the process to end), and every command's process freezes what
    is left as it ends: the last collection, as Python exits, has nothing to walk."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "from deckgen.cli import main\n"
        "sys.argv = ['deckgen', *sys.argv[1:]]\n"
        "main()\n"
    )
    extra = [str(CONTENT), "-o", str(tmp_path / "deck.pptx")] if args == ["build"] else []
    proc = subprocess.run(
        [sys.executable, "-c", code, *args, *extra], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"{collector} True"
    if args == ["build"]:
        assert len(Presentation(str(tmp_path / "deck.pptx")).slides) == 12
