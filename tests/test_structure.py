"""The document's outline decides the deck (issue 10): which level is a slide, which heads
are dividers or sub-slides, where the conclusion is, and what the title block is.

Each test reads a summary written the way people write them and checks the slides a
speaker would get: their kinds, titles, badges and the rule ``deckgen outline`` shows.
The longer real-world fixtures are in tests/fixtures/real (tests/test_real_fixtures.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.model import Document
from deckgen.parse import parse

REAL = Path(__file__).parent / "fixtures" / "real"

LONG = (
    "This part goes on for a while, the way notes do when the speaker had a lot to say "
    "and the note-taker tried to keep up with every example and every aside. "
) * 3


def slides(doc: Document) -> list[tuple[str, int, str, str]]:
    return [(i.kind, i.level, i.badge or "", i.title.text) for i in doc.insights]


def titles(doc: Document) -> list[str]:
    return [i.title.text for i in doc.insights]


# --------------------------------------------------------------------------- section level


def test_parts_with_many_topics_are_parts_not_forty_insights() -> None:
    topics = "".join(f"### Topic {p}.{k}\n{LONG}\n\n" for k in range(1, 5) for p in "AB")
    half = len(topics) // 2
    src = f"# Notes\n\n## Part A\n\n{topics[:half]}## Part B\n\n{topics[half:]}"
    doc = parse(src)
    kinds = [(k, lv) for k, lv, _, _ in slides(doc)]
    # two parts, each opening its topics: sections cut at their sub-headings
    assert kinds.count(("section", 1)) == 2
    assert [t for t in titles(doc) if t.startswith("Part")] == ["Part A", "Part B"]
    assert all(lv == 2 for k, lv, _, t in slides(doc) if t.startswith("Topic"))


def test_short_subheadings_stay_on_their_sections_slide() -> None:
    src = (
        "# Retro notes\n\n## What went well\n\n### CI\nFaster builds.\n\n### Docs\nNew guide.\n\n"
        "## What to change\n\n### Meetings\nFewer.\n"
    )
    doc = parse(src)
    assert titles(doc) == ["What went well", "What to change"]
    # each sub-head a bold line of its own, its text under it
    assert [p.text for p in doc.insights[0].items] == ["CI", "Faster builds.", "Docs", "New guide."]
    assert all(s.bold for s in doc.insights[0].items[0].spans)


def test_a_single_higher_heading_is_a_divider() -> None:
    src = (
        "# Airline pricing explained (video notes)\n\n"
        "Watched this on the flight home; notes are rough.\n\n"
        "## Chapters\n\n### The fare buckets\nSeats are sold in classes.\n\n"
        "### Why prices jump\nBuckets close as they sell.\n\n### Tips\nBook early, fly midweek.\n"
    )
    doc = parse(src)
    assert slides(doc)[0][:1] == ("section",) and titles(doc)[0] == "Chapters"
    assert doc.insights[0].subsections == ("The fare buckets", "Why prices jump", "Tips")
    assert titles(doc)[1:] == ["The fare buckets", "Why prices jump", "Tips"]
    assert "divider" in doc.insights[0].rule


def test_numbered_list_inside_one_section_is_its_content() -> None:
    src = (
        "# Offsite notes\n\n## Context\nWe met for two days in Porto.\n\n"
        "## Decisions\n1. Move the launch to May.\n2. Hire a second designer.\n"
        "3. Drop the beta.\n\n"
        "## Open questions\nWho owns pricing?\n"
    )
    doc = parse(src)
    assert titles(doc) == ["Context", "Decisions", "Open questions"]
    assert [p.text for p in doc.insights[1].points][:1] == ["1. Move the launch to May."]


def test_numbered_run_holding_most_of_the_text_is_the_backbone() -> None:
    items = "".join(
        f"{n}. **Idea {n}**: {LONG[:160]}\n   - Key Point: point {n}.\n   - Insight: why {n}.\n"
        for n in range(1, 6)
    )
    src = (
        f"# Talk summary\n\n## Overview\nA short intro.\n\n## Key insights\n\n{items}\n"
        "## Summary\nBye.\n"
    )
    doc = parse(src)
    assert titles(doc)[:2] == ["Overview", "Key insights"]
    assert titles(doc)[2:] == [f"Idea {n}" for n in range(1, 6)]
    assert [i.badge for i in doc.insights[2:]] == ["1", "2", "3", "4", "5"]
    assert doc.conclusion is not None and doc.conclusion.heading == "Summary"


# --------------------------------------------------------------------------- title block


def test_title_and_its_translation_are_the_title_block() -> None:
    src = (
        "# 机器学习导论 — 第三讲\n# Introduction to Machine Learning — Lecture 3\n\n"
        "## 一、线性回归\n内容。\n\n## 二、梯度下降\n内容。\n\n## 三、总结\n复习。\n"
    )
    doc = parse(src)
    assert doc.title.text == "机器学习导论 — 第三讲"
    assert doc.subtitle is not None and doc.subtitle.text.startswith("Introduction to Machine")
    assert [(i.badge, i.title.text) for i in doc.insights] == [
        ("一", "线性回归"),
        ("二", "梯度下降"),
    ]
    assert doc.conclusion is not None and doc.conclusion.heading == "总结"


def test_chat_preamble_and_signoff_are_not_slides() -> None:
    src = (
        "Sure! Here's a summary of the episode on remote work:\n\n"
        "**Title: Remote Work That Works**\n\n### 1. Write things down\nAsync first.\n\n"
        "### 2. Meet less, meet better\nAgendas or no meeting.\n\n"
        "### Conclusion\nTrust and clarity.\n\n"
        "Let me know if you'd like a shorter version!\n"
    )
    doc = parse(src)
    assert doc.title.text == "Remote Work That Works"
    assert doc.subtitle is not None and doc.subtitle.text == (
        "Here's a summary of the episode on remote work"
    )
    assert titles(doc) == ["Write things down", "Meet less, meet better"]
    assert doc.conclusion is not None
    assert [c.text for c in doc.conclusion.closing] == []  # the sign-off is not a closing line
    assert "Let me know" in doc.conclusion.notes[-1].text


# --------------------------------------------------------------------------- pseudo-headings


def test_bold_paragraphs_with_and_without_colons_are_headings() -> None:
    src = (
        "Weekly AI digest, March\n\n**Board drama**\nThe board replaced the CEO on Friday.\n\n"
        "**Background:**\nThe company has a nonprofit parent.\n\n"
        "**What it means:**\nNot much yet.\n"
    )
    doc = parse(src)
    assert doc.title.text == "Weekly AI digest, March"
    assert titles(doc) == ["Board drama", "Background", "What it means"]
    assert all("bold paragraph" in i.rule for i in doc.insights)


def test_heading_less_meeting_notes_make_a_deck() -> None:
    src = (
        "Infra sync 2024-05-02\nAttendees: Ana, Tom, Lee\n\nDataDog\n- bill went up 30%\n"
        "- drop the unused APM hosts\n\nOn-call\n- two pages last week, both noise\n\n"
        "Action items\n- [ ] Tom: cancel APM\n- [x] Ana: fix the noisy alert\n"
    )
    doc = parse(src)
    assert doc.title.text == "Infra sync 2024-05-02"
    assert titles(doc) == ["DataDog", "On-call", "Action items"]
    assert "short line above a list" in doc.insights[0].rule


def test_notes_without_any_structure_still_make_slides() -> None:
    src = (
        "Thoughts after the conference\n\n"
        "The keynote was mostly about platform teams and how they should measure themselves. "
        "Good points on adoption as the only metric that matters.\n\n"
        "Lunch conversation with two SREs about error budgets being ignored by product.\n"
    )
    doc = parse(src)
    assert doc.title.text == "Thoughts after the conference"
    text = " ".join(p.text for i in doc.insights for p in i.points)
    assert "keynote" in text and "error budgets" in text


def test_question_lead_is_the_title_and_the_answer_its_point() -> None:
    src = (
        "# Paper notes\n\n## Method\nSlots compete for inputs.\n\n## Results\n"
        "**How much does the slot count matter?** No ablation was reported; the authors "
        "only say seven worked.\n\n**Does it scale?** Up to 64 slots.\n\n## Limits\nSmall data.\n"
    )
    doc = parse(src)
    results = doc.insights[1]
    assert results.title.text == "Results"  # a short section: the questions stay on it
    lead = results.items[0]
    assert lead.text.startswith("How much does the slot count matter? No ablation")
    assert lead.spans[0].bold and lead.spans[0].text == "How much does the slot count matter?"
    long = parse(src.replace("Up to 64 slots.", "Up to 64 slots. " + LONG * 2))
    assert titles(long)[1:4] == [
        "Results",
        "How much does the slot count matter?",
        "Does it scale?",
    ]
    assert long.insights[2].points[0].text.startswith("No ablation was reported")


def test_numbers_go_to_the_badge_not_the_title() -> None:
    roman = parse("# Notes\n## I. Origins\nx\n## II. Spread\ny\n## IV. Legacy\nz\n")
    assert [(i.badge, i.title.text) for i in roman.insights] == [
        ("I", "Origins"),
        ("II", "Spread"),
        ("IV", "Legacy"),
    ]
    worded = parse("# Nauka\n## Metoda 1: Powtórki\nx\n## Metoda 2: Testy\ny\n")
    assert [(i.badge, i.title.text) for i in worded.insights] == [
        ("1", "Powtórki"),
        ("2", "Testy"),
    ]
    assert worded.insights[0].notes[0].text == "Metoda 1: Powtórki"  # every word kept
    multi = parse("# Paper\n## 3 Method\n### 3.1 Encoder\nx\n### 3.2 Routing\ny\n## 4 Results\nz\n")
    assert [(i.badge, i.title.text) for i in multi.insights] == [
        ("3", "Method"),
        ("4", "Results"),
    ]
    assert [p.text for p in multi.insights[0].items][:2] == ["3.1 Encoder", "x"]


def test_machine_style_headings_are_anchors_and_fields() -> None:
    src = (
        "# Começar Pequeno\n\n# cap1\n## num: 01\n## title: O mito do lançamento\nTexto um.\n\n"
        "# cap2\n## num: 02\n## title: Clientes antes\nTexto dois.\n"
    )
    doc = parse(src)
    assert [(i.badge, i.title.text) for i in doc.insights] == [
        ("01", "O mito do lançamento"),
        ("02", "Clientes antes"),
    ]
    assert [p.text for p in doc.insights[0].points] == ["Texto um."]


# --------------------------------------------------------------------------- conclusion


def test_tldr_first_is_a_section_not_the_conclusion() -> None:
    src = (
        "# Modular monoliths\n\n## TL;DR\nStart with modules.\n\n## Why\nTeams.\n\n"
        "## How\nBoundaries.\n\n## Conclusion\nModules first.\n\n## References\n- a link\n"
    )
    doc = parse(src)
    assert titles(doc) == ["TL;DR", "Why", "How"]
    assert doc.conclusion is not None and doc.conclusion.heading == "Conclusion"
    assert [b.title.text for b in doc.back_matter] == ["References"]


def test_a_conclusion_paragraph_inside_a_subsection_is_not_the_decks() -> None:
    src = (
        "# Paper\n\n## 6 Experiments\n\n### 6.1 Setup\nGPUs.\n\n### 6.3 Ablations\n"
        "Slots matter.\n\n**Conclusion:** seven slots are enough.\n\n## 7 Related work\nMany.\n"
    )
    doc = parse(src)
    assert doc.conclusion is None
    assert titles(doc) == ["Experiments", "Related work"]
    assert any("seven slots" in p.text for p in doc.insights[0].items)


# --------------------------------------------------------------------------- outline command


def test_outline_shows_the_tree_and_the_rules(tmp_path: Path) -> None:
    src = tmp_path / "book.md"
    src.write_text((REAL / "book_notes_parts.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["outline", str(src)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    divider = next(ln for ln in lines if "Why things decay" in ln)
    assert "section" in divider and "section (## level, repeats" in divider
    sub = next(ln for ln in lines if "Entropy is the default" in ln and "←" in ln)
    assert "sub-slide (### in a long section)" in sub
    assert sub.index("Entropy") > divider.index("I. Why")  # indented under its part
    assert not any("/ 16" in ln for ln in lines)  # the slide number is not slide text
    data = json.loads(CliRunner().invoke(cli, ["outline", str(src), "--json"]).output)
    kinds = [s["kind"] for s in data["slides"]]
    assert kinds.count("section") == 3 and data["slides"][2]["rule"].startswith("section")


def test_conclusion_is_matched_on_its_lead_but_a_summary_title_is_a_title() -> None:
    src = (
        "# Podsumowanie: 5 metod nauki, które działają\n\n## Metoda 1: Powtórki\nx\n\n"
        "## Metoda 2: Testy\ny\n\n## Podsumowanie - co wdrażam od jutra\nFiszki i testy.\n"
    )
    doc = parse(src)
    assert doc.title.text == "Podsumowanie: 5 metod nauki, które działają"
    assert titles(doc) == ["Powtórki", "Testy"]
    assert doc.conclusion is not None
    assert doc.conclusion.heading == "Podsumowanie - co wdrażam od jutra"
    for name in ("Final summary", "总结：三个要点", "Final note", "Summary of the talk"):
        doc = parse(f"# Talk\n\n## One\nx\n\n## Two\ny\n\n## {name}\nThe end.\n")
        assert doc.conclusion is not None and doc.conclusion.heading == name, name


def test_a_bold_sentence_leading_an_item_is_its_title() -> None:
    src = (
        "# Podcast notes\n\n1. **Charge from day one.** Even the first two clinics paid, "
        "49 a month.\n2. **Stay small on purpose.** He hired the fifth person in year four.\n"
    )
    doc = parse(src)
    assert titles(doc) == ["Charge from day one.", "Stay small on purpose."]
    assert doc.insights[0].points[0].text == "Even the first two clinics paid, 49 a month."


def test_a_paragraph_as_a_title_is_cut_and_kept_whole_on_the_slide() -> None:
    sentence = (
        "Most of the savings came from turning off environments that nobody had used in "
        "months, not from the reserved instances the finance team kept asking about"
    )
    doc = parse(f"# Cost review\n\n1. {sentence}\n2. Tag every resource with an owner\n")
    first = doc.insights[0]
    assert first.title.text.endswith("…") and len(first.title.text) <= 111
    assert first.points[0].text == sentence  # every word still on the slide


def test_a_statement_with_a_long_body_gets_the_body_layout() -> None:
    from deckgen import plan as plan_mod
    from deckgen.themes import load

    theme = load("default")
    short = parse("# T\n\n## A\n- Key Point: Ship small.\n- Insight: Less risk.\n")
    assert plan_mod.slide_kind(short.insights[0], theme) == "insight"
    long = parse(
        "# T\n\n## A\n- Key Point: Ship small.\n"
        + "".join(f"- {LONG[:150]} {n}\n" for n in range(4))
    )
    assert plan_mod.slide_kind(long.insights[0], theme) == "bullets"
    labelled = parse("# T\n\n## A\n- Process over product: habits beat goals.\n- b\n")
    assert plan_mod.slide_kind(labelled.insights[0], theme) == "bullets"
    assert labelled.insights[0].items[0].spans[0].text == "Process over product: "


def test_chapter_times_go_to_the_badge() -> None:
    src = (
        "Video notes\n\n**00:00 Why it matters**\nContext.\n\n**04:12 Pages**\n- a\n- b\n\n"
        "**[19:45] Overflow pages**\nBig rows spill.\n\n**34:00 Takeaways**\nKeep rows small.\n"
    )
    doc = parse(src)
    assert [(i.badge, i.title.text) for i in doc.insights] == [
        ("00:00", "Why it matters"),
        ("04:12", "Pages"),
        ("19:45", "Overflow pages"),
    ]
    assert doc.conclusion is not None and doc.conclusion.heading == "Takeaways"
