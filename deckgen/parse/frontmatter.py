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
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
