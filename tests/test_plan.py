"""plan: which slides exist and what their text is, from a Document and a Theme (no pptx)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.errors import TemplateError
from deckgen.model import (
    SLIDE_NUMBER,
    SLIDE_TOTAL,
    BuildOptions,
    Conclusion,
    Document,
    Field,
    Insight,
    ParaProto,
    Prototype,
    RichText,
    ShapeProto,
    Span,
    Theme,
)
from deckgen.plan import decode, encode, insight_context, plan


def rt(text: str) -> RichText:
    return RichText.plain_text(text)


def shape(sid: int, *templates: str, title: bool = False, name: str = "Box") -> ShapeProto:
    return ShapeProto(
        shape_id=sid,
        name=name,
        box=(0, 0, 9_000_000, 2_000_000),
        paragraphs=tuple(ParaProto(t, "Calibri", 20) for t in templates),
        is_title=title,
        role="title" if title else "content",
    )


def theme(**protos: tuple[ShapeProto, ...]) -> Theme:
    prototypes = {
        kind: Prototype(kind=kind, shapes=shapes, slide_index=i)
        for i, (kind, shapes) in enumerate(protos.items())
    }
    return Theme(name="t", path="t.pptx", prototypes=prototypes, notes_template=NOTES)


NOTES = (
    "{% if insight is defined %}{% for f in insight.fields %}{{ f.label }}: {{ f.text }}\n"
    "{% endfor %}{% endif %}"
)

DOC = Document(
    title=rt("Talk"),
    insights=(
        Insight(
            1,
            rt("First"),
            fields=(Field("Key Point", rt("Statement one")), Field("Insight", rt("Why one"))),
            line=2,
        ),
        Insight(
            2,
            rt("Second"),
            fields=(Field("Example", rt("An example")), Field("Key takeaway", rt("Takeaway"))),
            points=(rt("A loose point"),),
            line=5,
        ),
    ),
    conclusion=Conclusion("Conclusion", (rt("All done."),), (rt("Follow us!"),)),
)

BASIC = theme(
    title=(shape(1, "{{ deck.title }}", title=True),),
    insight=(
        shape(1, "{{ insight.number }}. {{ insight.title }}", title=True),
        shape(2, "{{ insight.key_point }}"),
        shape(3, "{% for t in insight.body %}{{ t }}\n{% endfor %}"),
        shape(4, "{{ slide.number }} / {{ slide.total }}", name="Number"),
    ),
    conclusion=(
        shape(1, "{{ conclusion.heading }}", title=True),
        shape(2, "{% for p in conclusion.body %}{{ p }}\n{% endfor %}"),
        shape(3, "{% for c in conclusion.closing %}{{ c }}\n{% endfor %}"),
    ),
)


def texts(slide) -> list[str]:
    return [f.text for f in slide.frames]


def test_rich_text_survives_jinja_roundtrip():
    spans = (
        Span("plain "),
        Span("bold", bold=True),
        Span(" and "),
        Span("link", link="https://example.com/a?b=1", italic=True),
        Span(" code", code=True),
    )
    assert decode(encode(RichText(spans))) == spans


def test_decode_tolerates_cut_markers():
    cut = encode(RichText((Span("bold text", bold=True),)))[:-3]
    assert "".join(s.text for s in decode(cut)) == "bold te"


def test_one_slide_per_insight_between_title_and_conclusion():
    deck = plan(DOC, BASIC)
    assert [s.kind for s in deck.slides] == ["title", "insight", "insight", "conclusion"]
    assert [s.title for s in deck.slides] == ["Talk", "1. First", "2. Second", "Conclusion"]


def test_key_point_is_the_statement_and_other_fields_are_the_explanation():
    deck = plan(DOC, BASIC)
    first, second = deck.slides[1], deck.slides[2]
    assert texts(first)[1:3] == ["Statement one", "Why one"]
    # "Key takeaway" is the statement even when written second; the rest explains it.
    assert texts(second)[1:3] == ["Takeaway", "An example\nA loose point"]


def test_for_loop_output_lines_become_paragraphs_of_the_same_prototype_paragraph():
    frame = plan(DOC, BASIC).slides[3].frames[1]
    assert [p.text for p in frame.paragraphs] == ["All done."]
    assert {p.proto for p in frame.paragraphs} == {0}


def test_slide_numbers_are_placeholders_until_render_and_vanish_with_no_numbers():
    numbered = plan(DOC, BASIC).slides[1]
    assert texts(numbered)[3] == f"{SLIDE_NUMBER} / {SLIDE_TOTAL}"
    bare = plan(DOC, BASIC, BuildOptions(numbers=False)).slides[1]
    assert texts(bare)[3] == ""  # the whole number shape goes, not just its digits
    assert texts(bare)[1] == "Statement one"


def test_no_footer_empties_the_footer_shape_only():
    t = theme(
        insight=(
            shape(1, "{{ insight.title }}", title=True),
            shape(2, "{{ deck.footer }}", name="Footer"),
        )
    )
    assert texts(plan(DOC, t).slides[0]) == ["First", "Talk"]
    assert texts(plan(DOC, t, BuildOptions(footer=False)).slides[0]) == ["First", ""]


def test_if_statement_may_span_paragraphs_and_removes_them_when_false():
    t = theme(
        insight=(
            shape(1, "{{ insight.title }}", title=True),
            shape(2, "{% if insight.insight %}Why:", "{{ insight.insight }}{% endif %}", "End"),
        )
    )
    deck = plan(DOC, t)
    with_insight, without = deck.slides[0].frames[1], deck.slides[1].frames[1]
    assert [(p.text, p.proto) for p in with_insight.paragraphs] == [
        ("Why:", 0),
        ("Why one", 1),
        ("End", 2),
    ]
    assert [(p.text, p.proto) for p in without.paragraphs] == [
        ("Why:", 0),
        ("An example", 1),
        ("End", 2),
    ]


def test_notes_hold_every_label_and_field_text():
    notes = plan(DOC, BASIC).slides[2].notes
    for word in ("Example", "An example", "Key takeaway", "Takeaway"):
        assert word in notes


def test_sandbox_refuses_python_internals_with_the_shape_named():
    t = theme(insight=(shape(7, "{{ ''.__class__.__mro__ }}", name="Evil box"),))
    with pytest.raises(TemplateError) as err:
        plan(DOC, t)
    assert "Evil box" in str(err.value.message)
    assert "unsafe" in err.value.message


def test_misspelled_name_fails_naming_template_slide_and_shape():
    t = theme(insight=(shape(3, "{{ insight.titel }}", name="Title 1"),))
    with pytest.raises(TemplateError) as err:
        plan(DOC, t)
    msg = err.value.message
    assert "titel" in msg and 'shape "Title 1"' in msg and "prototype slide 1" in msg


def test_syntax_error_is_a_template_error_naming_the_shape():
    t = theme(
        insight=(shape(2, "{{ insight.title }}", name="Fine"), shape(3, "{{ x ", name="Broken"))
    )
    with pytest.raises(TemplateError, match="syntax") as err:
        plan(DOC, t)
    assert 'shape "Broken"' in err.value.message


def test_syntax_error_in_the_notes_template_names_it():
    t = replace(theme(insight=(shape(3, "{{ insight.title }}"),)), notes_template="{% if %}")
    with pytest.raises(TemplateError, match="notes template"):
        plan(DOC, t)


def test_statement_falls_back_to_first_field_then_first_point():
    only_points = Insight(1, rt("T"), points=(rt("p1"), rt("p2")))
    ctx = insight_context(only_points)
    assert ctx["key_point"].text == "p1"
    assert [b.text for b in ctx["body"]] == ["p2"]
    labelled = Insight(1, rt("T"), fields=(Field("Claim", rt("c")), Field("Evidence", rt("e"))))
    ctx = insight_context(labelled)
    assert ctx["key_point"].text == "c" and ctx["insight"].text == "e"


def test_agenda_requested_but_missing_warns():
    deck = plan(DOC, BASIC, BuildOptions(agenda=True))
    assert any("agenda" in w for w in deck.warnings)
    assert "agenda" not in [s.kind for s in deck.slides]


def test_properties_use_source_date_epoch_and_stay_within_255_chars():
    long = Document(title=rt("T" * 10_000), insights=DOC.insights, meta={"keywords": ["a", "b"]})
    props = plan(long, BASIC, BuildOptions(source_date_epoch=0)).properties
    assert props["created"] == "1970-01-01T00:00:00Z"
    assert len(props["title"]) == 255
    assert props["keywords"] == "a, b"


def test_one_value_carries_the_build_options_from_the_command_to_plan(tmp_path, monkeypatch):
    """deckgen.build's keywords, the command's switches, batch jobs and watch mode all
    become one frozen BuildOptions, which prepare hands to plan (issue 13, item 14)."""
    import dataclasses

    from click.testing import CliRunner

    from deckgen import api, batch
    from deckgen.cli import cli

    assert api.BuildOptions is BuildOptions
    with pytest.raises(dataclasses.FrozenInstanceError):
        BuildOptions().agenda = True  # type: ignore[misc]
    import deckgen.plan as plan_module

    seen: list[BuildOptions | None] = []
    original = plan_module.plan

    def spy(doc, theme, options=None):
        seen.append(options)
        return original(doc, theme, options)

    monkeypatch.setattr(plan_module, "plan", spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    src = tmp_path / "talk.md"
    src.write_text("# Talk\n\n1. One\n   - Key Point: a\n2. Two\n   - Key Point: b\n")
    api.build(src, tmp_path / "a.pptx", agenda=True, footer=False)
    args = ["build", str(src), "-o", str(tmp_path / "b.pptx"), "--agenda", "--no-footer"]
    CliRunner().invoke(cli, args, catch_exceptions=False)
    job = batch.plan_jobs([str(src)], tmp_path, BuildOptions(agenda=True, footer=False))[0][0]
    batch.build_one(job)
    wanted = BuildOptions(agenda=True, footer=False, source_date_epoch=86400)
    assert seen == [wanted, wanted, wanted]
    # a value given in the options wins over the environment
    deck = api.prepare(api.read(src), BuildOptions(source_date_epoch=0))
    assert deck.properties["created"] == "1970-01-01T00:00:00Z"


def test_notes_keep_link_targets_the_slide_shows_as_hyperlinks():
    linked = Insight(
        1,
        rt("T"),
        fields=(Field("Key Point", RichText((Span("the talk", link="https://example.com/t"),))),),
    )
    t = theme(insight=(shape(1, "{{ insight.key_point }}"),))
    t = Theme(
        name="t", path="t.pptx", prototypes=t.prototypes, notes_template="{{ insight.key_point }}"
    )
    slide = plan(Document(title=rt("D"), insights=(linked,)), t).slides[0]
    assert slide.notes == "the talk (https://example.com/t)"
    assert slide.frames[0].paragraphs[0].runs[0].link == "https://example.com/t"


def test_a_long_title_gives_a_shortened_footer_but_keeps_the_full_title():
    t = theme(
        title=(shape(1, "{{ deck.title }}", title=True),),
        insight=(shape(2, "{{ deck.footer }}", name="Footer"),),
    )
    title = "word " * 100
    deck = plan(Document(title=rt(title.strip()), insights=DOC.insights), t)
    footer = texts(deck.slides[1])[0]
    assert footer.endswith("…") and len(footer) <= 90
    assert texts(deck.slides[0])[0] == title.strip()


def test_notes_leave_out_embedded_data_uris():
    data = RichText((Span("logo", link="data:image/png;base64," + "A" * 5000),))
    t = Theme(
        name="t", path="t.pptx", prototypes=BASIC.prototypes, notes_template="{{ deck.title }}"
    )
    slide = plan(Document(title=data, insights=DOC.insights), t).slides[0]
    assert slide.notes == "logo"
