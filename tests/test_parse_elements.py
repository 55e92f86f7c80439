"""Pictures, tables, code, quotes and lists as the parser hands them on (issue 11).

Each test is a summary as people write them — a chat answer with a comparison table, book
notes with a quotation, lecture notes with a listing, meeting notes with a task list —
and checks what the slide will hold: the element with its cells, its exact text or its
attribution, and that the section's title, its other text and the deck's outline are what
they were when these were lines of text.
"""

from __future__ import annotations

from deckgen.model import Code, Document, Insight, ListItem, Picture, Quote, RichText, Table
from deckgen.parse import parse


def _section(doc: Document, title: str) -> Insight:
    return next(i for i in doc.insights if i.title.text == title)


def _titles(doc: Document) -> list[str]:
    return [i.title.text for i in doc.insights]


def _cells(table: Table) -> list[list[str]]:
    return [[c.text for c in table.header], *([c.text for c in row] for row in table.rows)]


def _items(ins: Insight) -> list[tuple[str, int, bool] | str]:
    """Body lines as a slide shows them: list items with their level and bullet."""
    return [(t.text, t.level, t.bullet) if isinstance(t, ListItem) else t.text for t in ins.items]


# --------------------------------------------------------------------------- tables

CHAT_ANSWER = """\
Sure! Here's a comparison of the three plans you asked about:

### 1. **Pricing**

The Pro plan is the sweet spot for small teams.

| Plan | Price / month | Seats | Support |
|:-----|------:|:-----:|---|
| Free | $0 | 1 | Community forum |
| **Pro** | $12 | 5 | [Email](https://example.com/support) |
| Enterprise | `custom` | unlimited | 24/7 phone |

### 2. **Limits**

- Free: 3 projects
- Pro: unlimited projects

### Conclusion

Start with Free, move to Pro when you add a second person.

Let me know if you want a breakdown by feature!
"""


def test_a_chat_answers_table_is_a_table_with_its_cells_and_alignment() -> None:
    doc = parse(CHAT_ANSWER)
    assert _titles(doc) == ["Pricing", "Limits"]
    pricing = _section(doc, "Pricing")
    (table,) = pricing.elements
    assert isinstance(table, Table)
    assert _cells(table) == [
        ["Plan", "Price / month", "Seats", "Support"],
        ["Free", "$0", "1", "Community forum"],
        ["Pro", "$12", "5", "Email"],
        ["Enterprise", "custom", "unlimited", "24/7 phone"],
    ]
    assert table.align == ("l", "r", "ctr", "")
    pro, enterprise = table.rows[1], table.rows[2]
    assert pro[0].spans[0].bold  # **Pro**
    assert pro[3].spans[0].link == "https://example.com/support"
    assert enterprise[1].spans[0].code
    assert table.line == 7
    # the table is not text of the slide: its rows are no lines of the body any more
    assert [t.text for t in pricing.items] == ["The Pro plan is the sweet spot for small teams."]
    assert [p.text for p in pricing.points] == [t.text for t in pricing.items]


def test_cells_past_the_header_keep_their_text() -> None:
    doc = parse(
        "# Vendors\n\n## Shortlist\n\n| Vendor | Verdict |\n|---|---|\n"
        "| Acme | yes | cheapest by far |\n| Globex | no |\n"
    )
    (table,) = _section(doc, "Shortlist").elements
    assert isinstance(table, Table)
    assert _cells(table) == [["Vendor", "Verdict"], ["Acme", "yes cheapest by far"],
                             ["Globex", "no"]]  # fmt: skip


def test_a_table_quoted_in_a_block_quote_keeps_its_cells_once() -> None:
    doc = parse("# Log\n\n## Runs\n\n> | run | loss |\n> |---|---|\n> | 1 | 0.42 | diverged |\n")
    (table,) = _section(doc, "Runs").elements
    assert isinstance(table, Table)
    assert _cells(table) == [["run", "loss"], ["1", "0.42 diverged"]]


def test_a_table_never_makes_a_section() -> None:
    # rows that look like numbered lines or bold headings were once read as sections
    src = (
        "# Release plan\n\n## Milestones\n\nWhat ships when.\n\n"
        "| 1. Beta | March |\n|---|---|\n| **2. GA** | June |\n| 3. LTS | December |\n\n"
        "## Risks\n\nThe GA date depends on the audit.\n"
    )
    doc = parse(src)
    assert _titles(doc) == ["Milestones", "Risks"]
    (table,) = _section(doc, "Milestones").elements
    assert isinstance(table, Table)
    assert _cells(table)[1:] == [["2. GA", "June"], ["3. LTS", "December"]]


# --------------------------------------------------------------------------- code

LECTURE = """\
# Lecture 4 — Optimisation

## Gradient descent

Each step moves the weights against the gradient.

```python
def train(w, lr=0.1):
    for step in range(100):
        w -= lr * grad(w)   # the update
    return w
```

The learning rate matters more than the number of steps.

## In the shell

    $ python train.py --lr 0.01
    loss 0.42

## Config

```yaml title="config.yml" linenums
lr: 0.1
```
"""


def test_lecture_code_is_kept_exactly_as_written() -> None:
    doc = parse(LECTURE)
    assert _titles(doc) == ["Gradient descent", "In the shell", "Config"]
    gd = _section(doc, "Gradient descent")
    assert gd.elements == (
        Code(
            "def train(w, lr=0.1):\n    for step in range(100):\n"
            "        w -= lr * grad(w)   # the update\n    return w",
            "python",
            7,
        ),
    )
    assert [t.text for t in gd.items] == [
        "Each step moves the weights against the gradient.",
        "The learning rate matters more than the number of steps.",
    ]
    (shell,) = _section(doc, "In the shell").elements
    assert shell == Code("$ python train.py --lr 0.01\nloss 0.42", "", 18)


def test_words_on_a_fence_after_the_language_stay_visible() -> None:
    config = _section(parse(LECTURE), "Config")
    assert config.elements == (Code("lr: 0.1", "yaml", 23),)
    assert [t.text for t in config.items] == ['title="config.yml" linenums']


def test_a_heading_inside_code_is_code() -> None:
    doc = parse(
        "# Notes\n\n## Setup\n\n```markdown\n## Not a section\n1. Not a step\n```\n\n"
        "## Usage\n\nRun it.\n"
    )
    assert _titles(doc) == ["Setup", "Usage"]
    assert _section(doc, "Setup").elements == (Code("## Not a section\n1. Not a step",
                                                    "markdown", 5),)  # fmt: skip


# --------------------------------------------------------------------------- quotes

BOOK_NOTES = """\
# The Staff Engineer's Path — notes

## Deprecation is a feature

She treats *removing* things as a first-class deliverable.

> A system you cannot turn off
> is a system that owns you.
>
> — Tanya Reilly, *The Staff Engineer's Path*

## What planning meetings sound like

> "Teams will finally be able to deploy independently."
> "We can scale checkout separately from the rest."
> "Everyone else has already done it."

All true in theory.
"""


def test_book_notes_quote_with_its_attribution() -> None:
    doc = parse(BOOK_NOTES)
    assert _titles(doc) == ["Deprecation is a feature", "What planning meetings sound like"]
    (quote,) = _section(doc, "Deprecation is a feature").elements
    assert isinstance(quote, Quote)
    assert [p.text for p in quote.text] == [
        "A system you cannot turn off is a system that owns you."
    ]
    assert quote.attribution is not None
    assert quote.attribution.text == "Tanya Reilly, The Staff Engineer's Path"
    assert quote.attribution.spans[-1].italic
    assert quote.line == 7
    assert [t.text for t in _section(doc, "Deprecation is a feature").items] == [
        "She treats removing things as a first-class deliverable."
    ]


def test_quotes_on_their_own_lines_stay_on_their_own_lines() -> None:
    ins = _section(parse(BOOK_NOTES), "What planning meetings sound like")
    (quote,) = ins.elements
    assert isinstance(quote, Quote) and quote.attribution is None
    assert [p.text for p in quote.text] == [
        '"Teams will finally be able to deploy independently."\n'
        '"We can scale checkout separately from the rest."\n'
        '"Everyone else has already done it."'
    ]
    assert [t.text for t in ins.items] == ["All true in theory."]


def test_attribution_forms() -> None:
    for by, name in (
        ("-- Donald Knuth, TAOCP", "Donald Knuth, TAOCP"),
        ("– Grace Hopper", "Grace Hopper"),
        ("—Ada Lovelace", "Ada Lovelace"),
    ):
        doc = parse(f"# Quotes\n\n## One\n\n> Premature optimisation is the root of all evil.\n"
                    f"> {by}\n\n## Two\n\nText.\n")  # fmt: skip
        (quote,) = _section(doc, "One").elements
        assert isinstance(quote, Quote)
        assert quote.attribution is not None and quote.attribution.text == name
        assert [p.text for p in quote.text] == ["Premature optimisation is the root of all evil."]
    doc = parse(
        "# Q\n\n## One\n\n> Beware of bugs in the above code.\n> — Knuth: notes on van Emde Boas\n"
    )
    (quote,) = _section(doc, "One").elements  # an attribution with a colon is no label
    assert isinstance(quote, Quote) and quote.attribution is not None
    assert quote.attribution.text == "Knuth: notes on van Emde Boas"
    doc = parse('# Q\n\n## One\n\n> "Ship small, ship often." — Maria\n\n## Two\n\nText.\n')
    (quote,) = _section(doc, "One").elements
    assert isinstance(quote, Quote) and quote.attribution == RichText.plain_text("Maria", 5)
    assert quote.text[0].text == '"Ship small, ship often."'


def test_quote_marks_used_for_notes_stay_text() -> None:
    src = """\
# Sprint review

## Checkout

> **Key Point:** conversion is up 4% since the redesign.

> [!WARNING]
> The payment provider deprecates v1 in June.

> ### Open questions
> - who owns the retry queue?

> Decision: keep the old flow for B2B.

> Notes: mention the audit before the demo.
"""
    ins = _section(parse(src), "Checkout")
    assert ins.elements == ()
    assert [n.text for n in ins.notes] == ["mention the audit before the demo."]
    assert [(f.label, f.text.text) for f in ins.fields][:1] == [
        ("Key Point", "conversion is up 4% since the redesign.")
    ]
    text = " ".join(t.text for t in ins.items)
    for words in ("[!WARNING]", "deprecates v1 in June", "Open questions",
                  "who owns the retry queue?", "keep the old flow for B2B"):  # fmt: skip
        assert words in text


# --------------------------------------------------------------------------- pictures


def test_pictures_are_pictures_and_the_text_around_them_stays() -> None:
    src = """\
# Architecture review

## The new pipeline

![Pipeline diagram](img/pipeline.png "Figure 1: ingest to report")

Ingest runs hourly; see ![the dashboard](img/dash.png) for the lag.

[![Build status](https://ci.example.com/badge.svg)](https://ci.example.com)

## Costs

Storage doubled.
"""
    doc = parse(src)
    assert _titles(doc) == ["The new pipeline", "Costs"]
    ins = _section(doc, "The new pipeline")
    assert ins.elements == (
        Picture("img/pipeline.png", "Pipeline diagram", "Figure 1: ingest to report", 5),
        Picture("img/dash.png", "the dashboard", "", 7),
        Picture("https://ci.example.com/badge.svg", "Build status", "", 9),
    )
    # the paragraph that was only a picture leaves no line; the linked badge leaves no
    # empty link behind
    assert [t.text for t in ins.items] == ["Ingest runs hourly; see for the lag."]


def test_obsidian_embeds() -> None:
    src = (
        "# Workshop\n\n## Whiteboard\n\nAfter the session: ![[whiteboard 2024-05.png]]\n\n"
        "![[arch.png|600]]\n\n![[Meeting notes 2024-05]]\n"
    )
    ins = _section(parse(src), "Whiteboard")
    assert ins.elements == (
        Picture("whiteboard 2024-05.png", "", "", 5),
        Picture("arch.png", "", "", 7, width="600"),
    )
    # an embedded note is no picture: its name stays text
    assert [t.text for t in ins.items] == ["After the session:", "Meeting notes 2024-05"]


def test_a_picture_under_the_title_is_on_the_overview_slide() -> None:
    src = (
        "# Quarterly review\n\n![Team photo](team.jpg)\n\n"
        "## Revenue\n\nUp 12%.\n\n## Hiring\n\nTwo.\n"
    )
    doc = parse(src)
    overview = doc.insights[0]
    assert overview.kind == "overview"
    assert overview.elements == (Picture("team.jpg", "Team photo", "", 3),)
    assert overview.items == ()
    assert _titles(doc)[1:] == ["Revenue", "Hiring"]
    assert doc.subtitle is None  # the alt text is not the deck's subtitle any more


def test_in_the_conclusion_pictures_and_tables_stay_text() -> None:
    src = """\
# Retro

## What went well

Deploys.

## What to fix

Flaky tests.

## Conclusion

Next sprint we focus on tests ![burndown](burndown.png)

![Roadmap for Q3](roadmap.png)

| Owner | Task |
|---|---|
| Ana | quarantine flaky tests |
"""
    doc = parse(src)
    assert doc.conclusion is not None
    lines = [r.text for r in (*doc.conclusion.body, *doc.conclusion.closing)]
    assert lines == [
        "Next sprint we focus on tests burndown",  # the alt text where the picture was
        "Roadmap for Q3",
        "Owner | Task",
        "Ana | quarantine flaky tests",
    ]


# --------------------------------------------------------------------------- lists

MEETING = """\
# Infra sync, 12 May

## Decisions

Two changes agreed:

1. Move the cron jobs to the new cluster.
2. Drop the old VPN on **June 1**.

## Action items

- [ ] Tom: cancel the APM trial
- [x] Ana: fix the noisy disk alert
- Alerts
  - page only for customer impact
    - everything else goes to the channel
  - review thresholds monthly

  (Ana will write this up.)
"""


def test_list_items_know_their_level_and_bullet() -> None:
    doc = parse(MEETING)
    decisions = _section(doc, "Decisions")
    assert _items(decisions) == [
        "Two changes agreed:",
        ("1. Move the cron jobs to the new cluster.", 0, False),
        ("2. Drop the old VPN on June 1.", 0, False),
    ]
    actions = _section(doc, "Action items")
    assert _items(actions) == [
        ("☐ Tom: cancel the APM trial", 0, False),
        ("☑ Ana: fix the noisy disk alert", 0, False),
        ("Alerts", 0, True),
        ("page only for customer impact", 1, True),
        ("everything else goes to the channel", 2, True),
        ("review thresholds monthly", 1, True),
        ("(Ana will write this up.)", 0, False),
    ]
    # points and fields are read as before
    assert [f.label for f in actions.fields] == ["☐ Tom", "☑ Ana"]
    assert "page only for customer impact" in [p.text for p in actions.points]


def test_bullets_under_a_numbered_title_are_the_slides_top_level() -> None:
    src = (
        "Book notes: Deep Work\n\n1. **Depth is rare**\n   - attention is fragmented\n"
        "     - email every 6 minutes\n2. **Depth is valuable**\n   - it compounds\n"
    )
    doc = parse(src)
    assert _titles(doc) == ["Depth is rare", "Depth is valuable"]
    assert _items(doc.insights[0]) == [
        ("attention is fragmented", 0, True),
        ("email every 6 minutes", 1, True),
    ]


# --------------------------------------------------------------------------- layout


def test_a_layout_comment_names_the_sections_layout() -> None:
    src = """\
# Launch

<!-- layout: ignored before the sections -->

## Screenshots

<!-- Layout:  Two Content -->
The new home page.

![Home](home.png)

## Numbers

Up 12%. <!-- layout: quote -->

## Plain

Nothing asked.
"""
    doc = parse(src)
    assert [(i.title.text, i.layout) for i in doc.insights] == [
        ("Screenshots", "Two Content"),
        ("Numbers", "quote"),
        ("Plain", ""),
    ]
    shots = _section(doc, "Screenshots")
    assert [t.text for t in shots.items] == ["The new home page."]
    assert shots.notes == ()
    assert _section(doc, "Numbers").items[0].text == "Up 12%."


def test_notes_without_headings_keep_a_block_they_open_with() -> None:
    src = (
        "Pairing session with Sam\n\n```bash\ngit bisect start\ngit bisect bad HEAD\n```\n\n"
        "The regression came in with the cache change; we reverted it and added a test.\n"
    )
    doc = parse(src)
    assert doc.title.text == "Pairing session with Sam"
    assert [i.kind for i in doc.insights] == ["insight"]  # not an overview: the notes' slide
    (ins,) = doc.insights
    assert ins.elements == (Code("git bisect start\ngit bisect bad HEAD", "bash", 3),)
    assert ins.items[0].text.startswith("The regression came in")
