"""Templates cannot hang or exhaust the machine, and their errors say where (issue 14,
items 5-7): the sandbox's limits on time, work and size per slide; Jinja syntax errors in
a text box or in notes.j2 found by ``templates check`` and by build, naming the file, the
slide, the shape and the line; names that reach for Python's internals flagged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import deckgen
from deckgen import sandbox
from deckgen.cli import cli
from deckgen.errors import TemplateError

from .render.formatting_templates import broken_template, formatted_template

TALK = """\
# My Talk

## 1. Open models win
- Key Point: Open weights beat closed ones
- Insight: People can inspect them

## Conclusion
That is all.
"""


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    path = tmp_path / "talk.md"
    path.write_text(TALK, encoding="utf-8")
    return path


def render(source: str, **ctx) -> str:
    with sandbox.limits():
        return sandbox.environment().from_string(source).render(ctx)


def build_error(talk: Path, theme: Path) -> TemplateError:
    out = talk.with_suffix(".pptx")
    with pytest.raises(TemplateError) as err:
        deckgen.build(talk, out, template=theme)
    assert not out.exists()
    return err.value


def check(path: Path):
    return CliRunner().invoke(cli, ["templates", "check", str(path)])


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("{% for i in range(10**10) %}x{% endfor %}", "range() of 10,000,000,000 numbers"),
        ("{{ 'x' * 10**9 }}", "'*' would make 1,000,000,000"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "more than 1,000,000 loop iterations",
        ),
        ("{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}", "over 1,000,000 characters"),
        ("{{ 'x'|center(10**9) }}", "center"),
        ("{{ 'x'.ljust(10**9) }}", "ljust"),
        ("{{ '{:>999999999}'.format(1) }}", "format"),
        ("{{ '%0999999999d' % 1 }}", "format"),
        ("{{ 'x'|indent(10**9) }}", "indent"),
        ("{% set a = 'x' * 1000000 %}{{ a ~ a }}", "'~' would make 2,000,000"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(60) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "'~'",
        ),
        ("{{ (['x' * 1000000] * 100)|join }}", "would make"),
        ("{{ 'ab'.replace('a', 'a' * 1000000) * 2 }}", "would make"),
        (
            "{% set l = [] %}{% for i in range(30) %}{{ l.extend(l) or l.append(1) }}{% endfor %}",
            "extend",
        ),
        ("{{ [[0] * 1000000] * 1000000 }}", "'*'"),
        ("{{ 2 ** 10000000 }}", "'**' would make a number"),
        ("{{ lipsum(10**6) }}", "lipsum"),
    ],
)
def test_a_template_over_a_limit_is_a_clear_error_at_once(source: str, says: str):
    start = time.monotonic()
    with pytest.raises(sandbox.LimitError, match=None) as err:
        render(source)
    assert says in str(err.value)
    assert time.monotonic() - start < 1.5


def test_rendering_one_slide_has_a_time_limit(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.3)
    # a macro calling itself twice 40 deep: no loop, few characters, endless calls
    source = (
        "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ f(40) }}"
    )
    start = time.monotonic()
    with pytest.raises(sandbox.LimitError, match="took longer than 0.3 s"):
        render(source)
    assert time.monotonic() - start < 2


def test_templates_within_the_limits_render_as_before():
    source = (
        "{% for x in xs %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}; "
        "{{ 'a' ~ 'b' }} {{ 3 * 4 }} {{ '%03d' % 7 }} {{ 'x' * 3 }} {{ [1, 2] + [3] }} "
        "{{ 'ab'|center(6) }}|{{ range(3)|join('-') }} {{ '{:>4}'.format(1) }} {{ none }}"
    )
    assert render(source, xs=[1, 2, 3]) == "1, 2, 3; ab 12 007 xxx [1, 2, 3]   ab  |0-1-2    1 "


def test_each_slide_gets_a_fresh_budget():
    template = sandbox.environment().from_string(
        "{% for i in range(60000) %}{% for j in range(10) %}{% endfor %}{% endfor %}"
    )
    # some 800,000 iterations and calls each: fine for one slide, not if they added up
    for _ in range(3):
        with sandbox.limits():
            template.render()


def test_a_limit_in_a_build_names_the_template_slide_and_shape(tmp_path: Path, talk: Path):
    for text, says in (
        ("{% for i in range(10**10) %}x{% endfor %}", "range()"),
        ("{{ 'x' * 10**9 }}", "would make 1,000,000,000"),
    ):
        theme = broken_template(tmp_path / "t" / "template.pptx", text, name="Loop box")
        start = time.monotonic()
        err = build_error(talk, theme.parent)
        assert time.monotonic() - start < 5
        assert err.path == str(theme)
        assert says in err.message
        assert 'prototype slide 2 (insight), shape "Loop box", line 1' in err.message
        assert "slide 2 of the deck" in err.message  # the deck's slide being made
        assert "Limits" in (err.hint or "")


def test_a_slow_shape_is_named_after_the_time_limit(
    tmp_path: Path, talk: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.3)
    text = (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    )
    theme = broken_template(tmp_path / "t" / "template.pptx", text, name="Slow box", lines=2)
    start = time.monotonic()
    err = build_error(talk, theme.parent)
    assert time.monotonic() - start < 3
    assert "took longer than 0.3 s" in err.message
    assert 'shape "Slow box", line 2' in err.message


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "line", "says", "hint"),
    [
        ("{% if insight.title %}open", 3, "Unexpected end of template", "{% endif %}"),
        ("{{ insight.title }", 2, "unexpected '}'", "check the braces in the text box"),
        ("{% endfor %}", 1, "unknown tag 'endfor'", "without its opening one"),
        ("{{ insight.title|frobnicate }}", 2, "No filter named 'frobnicate'", "Jinja2 filter"),
    ],
)
def test_a_syntax_error_in_a_text_box_is_found_by_check_and_by_build(
    tmp_path: Path, talk: Path, text: str, line: int, says: str, hint: str
):
    theme = broken_template(tmp_path / "t" / "template.pptx", text, lines=line)
    where = f'prototype slide 2 (insight), shape "Broken box", line {line}'
    result = check(theme.parent)
    assert result.exit_code == 1, result.output
    error = next(ln for ln in result.output.splitlines() if "error:" in ln)
    assert str(theme) in error and where in error and says in error and hint in error
    err = build_error(talk, theme.parent)
    assert err.path == str(theme) and where in err.message and says in err.message
    assert hint in (err.hint or "")


def test_a_syntax_error_in_notes_j2_names_notes_j2_and_its_line(tmp_path: Path, talk: Path):
    notes = (
        "{% if slide.kind == 'insight' %}\n{{ insight.title }}\n{{ insight.key_point }\n"
        "{% endif %}\n"
    )
    theme = formatted_template(tmp_path / "t" / "template.pptx", notes=notes)
    notes_j2 = str(theme.parent / "notes.j2")
    result = check(theme.parent)
    assert result.exit_code == 1
    error = next(ln for ln in result.output.splitlines() if "error:" in ln)
    assert f"{notes_j2}, line 3" in error and "template.pptx" not in error
    assert "check the braces in notes.j2" in error
    err = build_error(talk, theme.parent)
    assert (err.path, err.line) == (notes_j2, 3)
    assert "notes.j2" in (err.hint or "") and "text box" not in (err.hint or "")


def test_a_failing_name_in_notes_j2_names_notes_j2_and_its_line(tmp_path: Path, talk: Path):
    notes = (
        "Slide {{ slide.number }}\n{% if slide.kind == 'insight' %}{{ insight.titel }}{% endif %}\n"
    )
    theme = formatted_template(tmp_path / "t" / "template.pptx", notes=notes)
    assert check(theme.parent).exit_code == 0  # a misspelled attribute shows only in use
    err = build_error(talk, theme.parent)
    assert (err.path, err.line) == (str(theme.parent / "notes.j2"), 2)
    assert "titel" in err.message and "slide 2 of the deck" in err.message


def test_a_limit_in_notes_j2_names_notes_j2(tmp_path: Path, talk: Path):
    theme = formatted_template(tmp_path / "t" / "template.pptx", notes="\n\n{{ 'x' * 10**9 }}")
    err = build_error(talk, theme.parent)
    assert (err.path, err.line) == (str(theme.parent / "notes.j2"), 3)
    assert "would make 1,000,000,000" in err.message


# --------------------------------------------------------------------------- internals


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("{{ ''.__class__.__mro__ }}", "__class__, __mro__"),
        ("{{ cycler.__init__.__globals__ }}", "__init__, __globals__"),
        ("{{ ''|attr('__class__') }}", "__class__"),
        ("{{ x.mro()[1].subclasses() }}", "mro, subclasses"),
        ("{{ self._TemplateReference__context }}", "self, _TemplateReference__context"),
    ],
)
def test_check_flags_names_that_reach_for_internals_and_fails(tmp_path: Path, text, names):
    theme = broken_template(tmp_path / "t" / "template.pptx", text, name="Evil box")
    result = check(theme.parent)
    assert result.exit_code == 1
    error = next(ln for ln in result.output.splitlines() if "internals" in ln)
    assert names in error and 'shape "Evil box"' in error and str(theme) in error


def test_internals_in_notes_j2_are_flagged(tmp_path: Path):
    theme = formatted_template(tmp_path / "t" / "template.pptx", notes="{{ lipsum.__globals__ }}")
    result = check(theme.parent)
    assert result.exit_code == 1 and "notes.j2" in result.output and "__globals__" in result.output


def test_bundled_themes_and_a_good_prototype_template_pass_check(tmp_path: Path):
    for name in ("default", "dark", "bold"):
        result = check(Path(name))
        assert result.exit_code == 0 and "error:" not in result.output, result.output
    theme = formatted_template(tmp_path / "t" / "template.pptx")
    result = check(theme.parent)
    assert result.exit_code == 0 and result.output.rstrip().endswith("OK"), result.output


def test_internals_are_found_in_tags_only():
    assert sandbox.internals_in("Our __init__ story: {{ insight.title }}") == []
    assert sandbox.internals_in("{% set x = y.__dict__ %}") == ["__dict__"]


# --------------------------------------------------------------------------- allowance


def test_a_summary_with_a_megabyte_to_show_is_no_runaway_template():
    from deckgen import api, plan, themes

    words = "word " * 300_000  # 1.5 MB in one key point: the slide and its notes show it
    doc = api.read(text=f"Title\n1. One:\n- Key Point: {words}\n")
    deck = plan.plan(doc, themes.load("default"))
    assert sum(len(f.text) for s in deck.slides for f in s.frames) > 1_400_000


def test_the_summary_s_allowance_does_not_let_a_template_multiply_it(tmp_path: Path):
    from deckgen import api, plan, themes

    text = "{% for i in range(30) %}{{ insight.key_point }}{% endfor %}"
    theme = themes.load(broken_template(tmp_path / "t" / "template.pptx", text).parent)
    doc = api.read(text=f"Title\n1. One:\n- Key Point: {'word ' * 100_000}\n")
    with pytest.raises(TemplateError, match="text for one slide is over"):
        plan.plan(doc, theme)
