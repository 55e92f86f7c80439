from __future__ import annotations

import bisect
from dataclasses import dataclass

from deckgen.parse.blocks import Line
from deckgen.parse.classify import title_and_rest
from deckgen.parse.spans import strip_spans


@dataclass
class _Plan:
    """Where the insights and the conclusion start, by the shape the summary has."""

    mode: str
    starts: list[int]  # indices into lines
    conclusion: int | None
    title_index: int | None  # heading used as the title
    subtitle_index: int | None = None


def _title_heading(lines: list[Line]) -> int | None:
    """The first heading is the document title when it comes first and stands above the
    rest (the only heading of its level, or shallower than all others)."""
    first = next((i for i, ln in enumerate(lines) if ln.kind != "html" or ln.spans), None)
    if first is None or lines[first].kind != "heading" or lines[first].role == "conclusion":
        return None
    level = lines[first].level
    others = [ln.level for ln in lines[first + 1 :] if ln.kind == "heading"]
    if all(lv > level for lv in others) or (
        level == 1 and others.count(1) == 0 and lines[first].start_number is None
    ):
        return first
    if others.count(level) >= 1 and lines[first].start_number is None:
        # "# Title" followed by numbered "# 1. …" headings: unnumbered first one is the title
        same = [ln for ln in lines[first + 1 :] if ln.kind == "heading" and ln.level == level]
        if all(ln.start_number is not None for ln in same):
            return first
    return None


def _subtitle(lines: list[Line], title_index: int) -> int | None:
    """A subheading with no text of its own, or a one-line italic paragraph, right after
    the title heading."""
    k = title_index + 1
    if k >= len(lines):
        return None
    ln = lines[k]
    after = lines[k + 1] if k + 1 < len(lines) else None
    then = lines[k + 2] if k + 2 < len(lines) else None
    if (
        ln.kind == "heading"
        and ln.role == "heading"
        and ln.start_number is None
        and ln.level > lines[title_index].level
        and after is not None
        and after.kind == "heading"
        and after.level <= ln.level
        # "# T / ## A / ## B" with no text anywhere: A and B are both (empty) sections
        and (after.start_number is not None or (then is not None and then.kind != "heading"))
    ):
        return k
    if (
        ln.kind == "text"
        and ln.role != "start"
        and ln.number is None
        and not ln.bullet
        and ln.spans
        and all(s.italic for s in ln.spans)
        and (after is None or after.block != ln.block)
    ):
        return k
    return None


def choose_starts(lines: list[Line], has_fm_title: bool) -> _Plan:
    """Rule 3: the kind of line that repeats is the insight's start."""
    title_index = None if has_fm_title else _title_heading(lines)
    subtitle_index = None if title_index is None else _subtitle(lines, title_index)

    # headings, per level
    by_level: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.kind == "heading" and ln.role == "heading" and i not in (title_index, subtitle_index):
            by_level.setdefault(ln.level, []).append(i)
    heading_pick: list[int] = []
    numbered_level = False
    if by_level:

        def score(level: int) -> tuple[int, int, int]:
            idx = by_level[level]
            numbered = sum(1 for i in idx if lines[i].start_number is not None)
            return (numbered, len(idx), -level)

        best = max(by_level, key=score)
        heading_pick = by_level[best]
        if any(lines[i].start_number is not None for i in heading_pick):
            numbered_level = True
            first_num = next(i for i in heading_pick if lines[i].start_number is not None)
            heading_pick = [i for i in heading_pick if i >= first_num]

    # numbered lines at the outermost indentation
    numbered = [i for i, ln in enumerate(lines) if ln.role == "start"]
    if numbered:
        outer = min(lines[i].indent for i in numbered)
        numbered = [i for i in numbered if lines[i].indent <= outer + 1]

    def in_one_section(idx: list[int], heads: list[int]) -> bool:
        return len({bisect.bisect(heads, i) for i in idx}) == 1

    def increasing(idx: list[int]) -> bool:
        nums = [lines[i].start_number or 0 for i in idx]
        return all(b > a for a, b in zip(nums, nums[1:], strict=False))

    mode = ""
    starts: list[int] = []
    if heading_pick and (numbered_level or len(heading_pick) >= 2):
        mode, starts = "headings", heading_pick
        if (
            not numbered_level
            and len(numbered) >= 2
            and increasing(numbered)
            and in_one_section(numbered, heading_pick)
        ):
            mode, starts = "numbered", numbered
    elif numbered and (len(numbered) >= 2 or not heading_pick):
        mode, starts = "numbered", numbered
    elif heading_pick:
        mode, starts = "headings", heading_pick
    else:
        bold = [i for i, ln in enumerate(lines) if ln.role == "bold" and not ln.bullet]
        bold_items = [
            i
            for i, ln in enumerate(lines)
            if ln.bullet and ln.kind == "text" and ln.spans[0].bold and ln.role != "notes"
        ]
        if bold_items:
            outer = min(lines[i].indent for i in bold_items)
            bold_items = [i for i in bold_items if lines[i].indent == outer]
        if (
            len(bold) >= 3
            and bold[1] == bold[0] + 1
            and not any(ln.spans for ln in lines[: bold[0]])
        ):
            bold = bold[1:]  # "**My talk**" right above "**First idea**": the title
        if bold:
            mode, starts = "bold", bold
        elif bold_items:
            # "- **Idea**: why it matters" bullets, when nothing else structures the text
            mode, starts = "bold items", bold_items
            for i in bold_items:
                lines[i].title, lines[i].rest = title_and_rest(lines[i].spans, split=True)
        else:
            topics = [
                i
                for i, ln in enumerate(lines[:-1])
                if ln.kind == "text"
                and not ln.bullet
                and ln.role in ("plain", "bold")
                and ln.text.rstrip().endswith((":", "："))
                and len(ln.text.split()) <= 12
                and lines[i + 1].bullet
            ]
            if topics:
                mode, starts = "topics", topics
                for i in topics:
                    lines[i].title = strip_spans(lines[i].spans, " :：")

    # the conclusion: a line or heading named like one, after the first insight
    conclusion = None
    if starts:
        outer_indent = min(lines[i].indent for i in starts)
        start_level = lines[starts[0]].level if mode == "headings" else 99
        for i in range(starts[0] + 1, len(lines)):
            ln = lines[i]
            if ln.role != "conclusion":
                continue
            if ln.kind == "heading" and (
                mode != "headings" or ln.level <= start_level or i > starts[-1]
            ):
                conclusion = i
                break
            if ln.kind == "text" and ln.indent <= outer_indent + 1:
                conclusion = i
                break
        if conclusion is not None:
            starts = [i for i in starts if i < conclusion]
        # the last numbered item may itself be named "Conclusion"
    return _Plan(mode, starts, conclusion, title_index, subtitle_index)
