from __future__ import annotations

from datetime import date, datetime
from typing import Any

from deckgen.errors import SourceError, where


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
    import yaml  # only documents with front matter pay for PyYAML's import

    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SourceError(
            f"front matter is not valid YAML: {problem}",
            where=where(name, line),
            hint="fix the block between the --- lines or remove it",
        ) from None
    if isinstance(data, str) or data is None:
        return {}, text, []  # a horizontal rule, prose, another rule: ordinary Markdown
    if not isinstance(data, dict):
        raise SourceError(
            f"front matter must be 'key: value' lines, not a {type(data).__name__}",
            where=where(name, 2),
            hint="write e.g. 'title: My talk' between the --- lines",
        )
    meta = {str(k): v for k, v in data.items()}
    body = "\n" * end + "\n" + "\n".join(lines[end + 1 :])
    return meta, body, []


def meta_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
