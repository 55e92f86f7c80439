from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from deckgen.errors import where


def front_matter(text: str, name: str) -> tuple[dict[str, Any], str, list[str]]:
    """YAML between ``---`` lines at the very start. The block is blanked (not removed) so
    line numbers stay those of the file. Prose between two rules is not front matter."""
    if not text.startswith("---"):
        return {}, text, []
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text, []
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        return {}, text, []
    block = "\n".join(lines[1:end])
    warnings: list[str] = []
    import yaml  # only documents with front matter pay for PyYAML's import

    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        # Obsidian and other editors write front matter YAML refuses (`tags: [a, #b]`):
        # keep its simple `key: value` lines and build the deck
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        data, kept = _simple_lines(lines[1:end])
        warnings.append(
            f"{where(name, line)}: front matter is not valid YAML ({problem}); "
            f"kept {kept} simple 'key: value' line{'s' if kept != 1 else ''}"
        )
    if isinstance(data, str) or data is None:
        return {}, text, []  # a horizontal rule, prose, another rule: ordinary Markdown
    if not isinstance(data, dict):
        warnings.append(
            f"{where(name, 2)}: front matter is a {type(data).__name__}, not 'key: value' "
            "lines; ignored"
        )
        data = {}
    meta = {str(k): v for k, v in data.items()}
    body = "\n" * end + "\n" + "\n".join(lines[end + 1 :])
    return meta, body, warnings


def title_block(text: str) -> tuple[dict[str, Any], str]:
    """pandoc's title block: up to three ``%`` lines at the very top — title, authors
    (separated by ``;``), date — a field continued on lines that start with a space (each
    continuation line of the authors another author). The lines are blanked, not removed,
    so line numbers stay those of the file. Fields left empty (``%`` alone) are not set."""
    if not (text.startswith("% ") or text.startswith("%\n") or text.rstrip() == "%"):
        return {}, text
    lines = text.split("\n")
    fields: list[list[str]] = []
    k = 0
    while k < len(lines) and len(fields) < 3 and _TITLE_LINE.match(lines[k]):
        fields.append([lines[k][1:].strip()])
        k += 1
        while k < len(lines) and lines[k][:1] in (" ", "\t") and lines[k].strip():
            fields[-1].append(lines[k].strip())
            k += 1
    meta: dict[str, Any] = {}
    title = " ".join(x for x in fields[0] if x)
    if title:
        meta["title"] = title
    if len(fields) > 1:
        authors = [a.strip() for x in fields[1] for a in x.split(";") if a.strip()]
        if authors:
            meta["author"] = authors if len(authors) > 1 else authors[0]
    if len(fields) > 2:
        date_ = " ".join(x for x in fields[2] if x)
        if date_:
            meta["date"] = date_
    return meta, "\n" * k + "\n".join(lines[k:])


_TITLE_LINE = re.compile(r"^%(?:[ \t]|$)")
_SIMPLE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def _simple_lines(block: list[str]) -> tuple[dict[str, Any], int]:
    """``key: value`` lines of a block YAML refused, values as plain text."""
    import yaml

    out: dict[str, Any] = {}
    for raw in block:
        m = _SIMPLE.match(raw)
        if not m or not m.group(2):
            continue
        value: Any = m.group(2)
        try:
            parsed = yaml.safe_load(value)
            if isinstance(parsed, (str, int, float, bool, list)) or parsed is None:
                value = parsed if parsed is not None else value
        except yaml.YAMLError:
            value = value.strip("\"'")
        out[m.group(1)] = value
    return out, len(out)


def meta_text(value: Any) -> str | None:
    """A metadata value as text: a list joined with commas; an entry that is a mapping (a
    pandoc author ``{name: …, affiliation: …}``) by its name."""
    if value is None:
        return None
    if isinstance(value, dict):
        name = value.get("name", value.get("text"))
        return meta_text(name) if name is not None else None
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (meta_text(v) for v in value) if t)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
