from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from deckgen.model import RichText, Span

_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?'\"”’)]}*_"


def plain(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Join neighbours with the same formatting and drop empty spans (texts joined once
    per group: adding them up one by one is quadratic on a paragraph of many lines)."""
    out: list[Span] = []
    group: list[Span] = []

    def flush() -> None:
        if group:
            p = group[0]
            text = p.text if len(group) == 1 else "".join(g.text for g in group)
            out.append(p if len(group) == 1 else Span(text, p.bold, p.italic, p.code, p.link))
            group.clear()

    for s in spans:
        if not s.text:
            continue
        if group:
            p = group[0]
            if (p.bold, p.italic, p.code, p.link) != (s.bold, s.italic, s.code, s.link):
                flush()
        group.append(s)
    flush()
    return out


def cut(spans: Sequence[Span], n: int) -> tuple[list[Span], list[Span]]:
    """Split spans after ``n`` characters of their joined text."""
    left: list[Span] = []
    right: list[Span] = []
    for s in spans:
        if n <= 0:
            right.append(s)
        elif len(s.text) <= n:
            left.append(s)
            n -= len(s.text)
        else:
            left.append(Span(s.text[:n], s.bold, s.italic, s.code, s.link))
            right.append(Span(s.text[n:], s.bold, s.italic, s.code, s.link))
            n = 0
    return left, right


def strip_spans(spans: Sequence[Span], chars: str | None = None) -> list[Span]:
    """``str.strip`` across spans (only the outermost text changes)."""
    out = [s for s in spans if s.text]
    a, b = 0, len(out)
    while a < b and not out[a].text.strip(chars):
        a += 1
    while b > a and not out[b - 1].text.strip(chars):
        b -= 1
    out = out[a:b]
    if not out:
        return out
    s = out[0]
    text = s.text.lstrip(chars)
    if len(text) != len(s.text):
        out[0] = Span(text, s.bold, s.italic, s.code, s.link)
    s = out[-1]
    text = s.text.rstrip(chars)
    if len(text) != len(s.text):
        out[-1] = Span(text, s.bold, s.italic, s.code, s.link)
    return out


def linkify(span: Span) -> list[Span]:
    """Bare URLs in plain text become link spans (markdown-it's linkify needs an extra
    package; this rule covers the http(s)/www addresses summaries contain)."""
    if span.code or span.link or ("://" not in span.text and "www." not in span.text.lower()):
        return [span]
    out: list[Span] = []
    pos = 0
    for m in _BARE_URL.finditer(span.text):
        url = m.group(0)
        while url and url[-1] in _URL_TRAIL:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) < 8:
            continue
        start, end = m.start(), m.start() + len(url)
        out.append(Span(span.text[pos:start], span.bold, span.italic))
        target = url if "://" in url else "https://" + url
        out.append(Span(url, span.bold, span.italic, link=target))
        pos = end
    out.append(Span(span.text[pos:], span.bold, span.italic))
    return out


def rich(spans: Sequence[Span], line: int | None) -> RichText:
    return RichText(tuple(merge(spans)), line)
