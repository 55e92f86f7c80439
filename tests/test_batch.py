"""Batch builds: several sources (or a quoted glob) into one folder, in parallel processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen import batch
from deckgen.cli import cli

from .conftest import CONTENT

BAD = "<!-- TODO: write the summary -->\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def talks(tmp_path: Path) -> Path:
    folder = tmp_path / "talks"
    folder.mkdir()
    text = CONTENT.read_text(encoding="utf-8")
    (folder / "one.md").write_text(text, encoding="utf-8")
    (folder / "two.md").write_text(text.replace("Llama 3.1", "Llama 4", 1), encoding="utf-8")
    (folder / "bad.md").write_text(BAD, encoding="utf-8")
    return folder


def test_a_bad_file_does_not_stop_the_others_and_the_exit_code_says_so(talks, tmp_path):
    out = tmp_path / "decks"
    result = run(
        "build",
        str(talks / "one.md"),
        str(talks / "bad.md"),
        str(talks / "two.md"),
        "-d",
        str(out),
        "-j",
        "2",
    )
    assert result.exit_code == 1, result.output
    assert len(Presentation(str(out / "one.pptx")).slides) == 12
    assert len(Presentation(str(out / "two.pptx")).slides) == 12
    assert not (out / "bad.pptx").exists()
    assert "2 built, 1 failed" in result.output
    assert f"Error: {talks / 'bad.md'}: has no words to put on slides" in result.output
    # the error is one line in the summary
    error_lines = [line for line in result.output.splitlines() if "bad.md" in line]
    assert len(error_lines) == 1


def test_all_good_exits_zero_with_a_summary(talks, tmp_path):
    (talks / "bad.md").unlink()
    out = tmp_path / "new" / "folder"  # created when missing
    result = run("build", str(talks / "one.md"), str(talks / "two.md"), "-d", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["one.pptx", "two.pptx"]
    assert "2 built, 0 failed" in result.output


def test_a_quoted_glob_is_expanded(talks, tmp_path):
    out = tmp_path / "decks"
    result = run("build", str(talks / "*.md"), "-d", str(out), "-j", "1")
    assert result.exit_code == 1  # bad.md is among them
    assert sorted(p.name for p in out.iterdir()) == ["one.pptx", "two.pptx"]
    assert "2 built, 1 failed" in result.output


def test_a_glob_matching_nothing_is_a_failure(tmp_path):
    result = run("build", str(tmp_path / "*.md"), "-d", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no files match" in result.output


def test_without_outdir_decks_go_next_to_their_sources(talks):
    (talks / "bad.md").unlink()
    result = run("build", str(talks / "one.md"), str(talks / "two.md"), "-q")
    assert result.exit_code == 0, result.output
    assert (talks / "one.pptx").is_file() and (talks / "two.pptx").is_file()
    assert "Wrote" not in result.output


WARNED = "Title\n1. A:\n- Key Point: one\x07two\n2. B:\n- Key Point: three\n"


def test_quiet_prints_nothing_but_errors(talks):
    (talks / "one.md").write_text(WARNED, encoding="utf-8")
    result = run("build", str(talks / "one.md"), str(talks / "two.md"), "-q", "-j", "1")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    single = run("build", str(talks / "one.md"), "-o", str(talks / "x.pptx"), "-q")
    assert single.exit_code == 0 and single.output == ""
    # errors still show
    failed = run("build", str(talks / "one.md"), str(talks / "gone.md"), "-q", "-j", "1")
    assert failed.exit_code == 1
    assert "Building" not in failed.output and "Warning" not in failed.output
    assert f"Error: {talks / 'gone.md'}: " in failed.output


def test_batch_warnings_name_their_source_once(talks):
    src = talks / "one.md"
    src.write_text(WARNED, encoding="utf-8")
    result = run("build", str(src), str(talks / "two.md"), "-j", "1")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert warnings == [f"Warning: {src}, line 3: removed 1 control character (U+0007 first)"]


def test_output_with_several_sources_is_a_usage_error(talks, tmp_path):
    result = run("build", str(talks / "one.md"), str(talks / "two.md"), "-o", "x.pptx")
    assert result.exit_code == 2
    assert "--outdir" in result.output
    assert not (tmp_path / "x.pptx").exists()


def test_stdin_in_a_batch_is_a_usage_error(talks):
    result = run("build", "-", str(talks / "one.md"))
    assert result.exit_code == 2


def test_jobs_must_be_positive(talks):
    result = run("build", str(talks / "one.md"), str(talks / "two.md"), "-j", "0")
    assert result.exit_code == 2


def test_two_sources_with_the_same_name_do_not_overwrite_each_other(talks, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "one.md").write_bytes((talks / "one.md").read_bytes())
    out = tmp_path / "decks"
    result = run("build", str(talks / "one.md"), str(other / "one.md"), "-d", str(out))
    assert result.exit_code == 1
    assert "1 built, 1 failed" in result.output
    assert "would overwrite" in result.output


def test_single_source_behaves_as_before(tmp_path):
    src = tmp_path / "talk.md"
    src.write_bytes(CONTENT.read_bytes())
    result = run("build", str(src))
    assert result.exit_code == 0
    assert result.output.startswith(f"Wrote {tmp_path / 'talk.pptx'} (12 slides)")
    assert "built" not in result.output


# --------------------------------------------------------------------------- the module


def test_expand_keeps_order_and_drops_repeats(talks):
    found, missing = batch.expand(
        [str(talks / "two.md"), str(talks / "*.md"), str(talks / "nothing*.md")]
    )
    assert [Path(f).name for f in found] == ["two.md", "bad.md", "one.md"]
    assert len(missing) == 1 and not missing[0].ok


def test_run_reports_each_deck_in_order_and_calls_progress(talks, tmp_path):
    sources = [str(talks / n) for n in ("one.md", "bad.md", "two.md")]
    jobs, clashes = batch.plan_jobs(sources, tmp_path)
    assert not clashes
    seen = []
    outcomes = batch.run(jobs, workers=2, progress=seen.append)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert [o.source for o in outcomes] == sources
    assert sorted(o.source for o in seen) == sorted(sources)
    assert outcomes[0].slides == 12 and outcomes[1].error and "no words" in outcomes[1].error


def test_build_one_never_raises(tmp_path):
    outcome = batch.build_one(batch.Job(str(tmp_path / "missing.md"), str(tmp_path / "m.pptx")))
    assert not outcome.ok and "not found" in (outcome.error or "")
