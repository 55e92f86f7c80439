"""deckgen.jinjanames: the one extractor of the names a Jinja source reads, used by the
template reader (chrome shapes) and `deckgen templates check` (issue 13, item 14)."""

from __future__ import annotations

from pathlib import Path

from deckgen import jinjanames, templatecheck
from deckgen.jinjanames import names, names_in
from deckgen.render import reader


def test_names_by_where_they_come_from() -> None:
    found = names(
        "{{ deck.title|upper }}{% for f in insight.details %}{{ f.label }}: {{ f.text }}"
        "{% endfor %}{% set x = deck.date %}{{ x.year }}{{ range(3)|join(',') }}"
    )
    assert found.read == {"deck.title", "insight.details", "deck.date"}
    assert found.local == {"f", "f.label", "f.text"}
    assert found.loops == {"f"}
    assert names_in("{{ slide.number }} / {{ slide.total }}") == {"slide.number", "slide.total"}


def test_templates_check_flags_what_the_planner_does_not_provide() -> None:
    found = names("{% for f in insight.details %}{{ f.lable }}{% endfor %}{{ deck.titel }}")
    assert templatecheck.unknown_names(found.read | found.local, found.loops) == {
        "f.lable",
        "deck.titel",
    }


def test_one_extractor() -> None:
    """The reader and templates check both use jinjanames; neither has a regex of its own."""
    assert reader.names_in is jinjanames.names_in
    for module in (reader, templatecheck):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert "_TAGS" not in source and "_EXPR" not in source and "def names_" not in source
