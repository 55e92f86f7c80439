from __future__ import annotations

import re
import unicodedata

from deckgen.model import Span
from deckgen.parse.blocks import Line
from deckgen.parse.spans import cut, plain, strip_spans

CONCLUSION_NAMES = frozenset(
    s.casefold()
    for s in (
        "Conclusion", "Conclusions", "In conclusion", "Summary", "In summary", "Final thoughts",
        "Final words", "Closing thoughts", "Closing", "Wrap-up", "Wrap up", "Wrapping up",
        "Key takeaway", "Key takeaways", "Takeaways", "Bottom line", "The bottom line",
        "TL;DR", "TLDR", "Fazit", "Zusammenfassung", "Schlussfolgerung", "Schlussfolgerungen",
        "Schlusswort", "Ergebnis", "Conclusión", "Conclusiones", "Resumen", "En resumen",
        "Résumé", "En résumé", "Synthèse", "Conclusão", "Conclusões", "Resumo", "Conclusione",
        "Conclusioni", "Riassunto", "Conclusie", "Samenvatting", "Заключение", "Выводы",
        "Итоги", "Podsumowanie", "Wnioski", "Sonuç", "总结", "結論", "结论", "小结", "總結",
        "まとめ", "結び", "결론", "요약",
    )
)  # fmt: skip

NOTES_LABELS = frozenset(
    s.casefold()
    for s in (
        "Notes", "Speaker notes", "Speaker note", "Presenter notes", "Notizen",
        "Sprechernotizen", "Notas", "Notas del orador", "Notes du présentateur", "备注",
        "演讲者备注", "メモ", "ノート",
    )
)  # fmt: skip

# Words that may stand before an insight's number: "Insight 1: Title", "Lektion 2 – …".
_NUMBER_WORDS = (
    "insight|key insight|takeaway|lesson|point|idea|step|chapter|part|section|tip|topic|"
    "theme|finding|principle|rule|erkenntnis|punkt|kapitel|teil|lektion|lección|leccion|"
    "punto|paso|capítulo|capitulo|parte|tema|leçon|lecon|étape|etape|chapitre|idée|idee"
)
_NUM_TEXT = re.compile(r"(\d{1,4})[.)](?:\s+|$)")
_NUM_HEADING = re.compile(r"(\d{1,4})\s*(?:[.):：]|\s[-–—])(?:\s+|$)")
_NUM_WORD = re.compile(rf"(?i)(?:{_NUMBER_WORDS})\s+#?(\d{{1,4}})\s*(?:[.):：\-–—]\s*|$)")
_NUM_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3\s*|\U0001f51f\s*")
_COLON = re.compile("[:：]")
_TERMINAL = frozenset(".!?:;。！？：；…")
_CLOSERS = "\"'”’»)]*_ "


def name_key(text: str) -> str:
    """Text stripped of emoji, symbols and punctuation at both ends, casefolded."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] not in "LN":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] not in "LN":
        end -= 1
    return " ".join(text[start:end].split()).casefold()


def is_conclusion_name(text: str) -> bool:
    key = name_key(text)
    if key in CONCLUSION_NAMES:
        return True
    for joiner in (" and ", " & ", " und ", " y ", " et ", " e "):
        head, sep, _ = key.partition(joiner)
        if sep and head in CONCLUSION_NAMES:
            return True
    return False


def split_label(text: str) -> tuple[str, int] | None:
    """``Label: text`` → (label, length of the prefix up to the text); None if no label.

    A label is a short prefix (≤ 6 words, ≤ 50 characters) ending in ``:`` or ``：`` that
    is followed by a space or the end of the line, in any language.
    """
    m = _COLON.search(text, 0, 52)
    if m is None:
        return None
    i = m.start()
    if text[i] == ":" and i + 1 < len(text) and not text[i + 1].isspace():
        return None  # "https://", "10:30", "a:b"
    label = text[:i].strip(" *_")
    if not label or len(label) > 50 or len(label.split()) > 6:
        return None
    if not any(c.isalpha() for c in label) or ", " in label or ". " in label:
        return None
    if label[0] in "([\"'“‘" or label.endswith(("?", "!")):
        return None
    n = i + 1
    while n < len(text) and text[n].isspace():
        n += 1
    return label, n


def number_prefix(text: str, heading: bool) -> tuple[int, int] | None:
    """(number, prefix length) of ``1. ``/``1) ``/``Insight 1:``/keycap, else None."""
    m = _NUM_KEYCAP.match(text)
    if m:
        return (int(m.group(1)) if m.group(1) else 10), m.end()
    m = (_NUM_HEADING if heading else _NUM_TEXT).match(text) or _NUM_WORD.match(text)
    if m:
        return int(m.group(1)), m.end()
    return None


def title_and_rest(spans: list[Span], split: bool) -> tuple[list[Span], list[Span]]:
    """``**Title**: text`` / ``Title: text`` → title and the text after it."""
    spans = strip_spans(spans)
    if split and spans and spans[0].bold:
        k = 0
        n = 0
        while k < len(spans) and spans[k].bold:
            n += len(spans[k].text)
            k += 1
        head, tail = cut(spans, n)
        tail_text = plain(tail).lstrip()
        head_text = plain(head).rstrip()
        if not tail_text:
            return strip_spans(head, " :："), []
        if head_text.endswith((":", "：")) or tail_text[0] in ":：-–—":
            return strip_spans(head, " :："), strip_spans(tail, " :：-–—")
    if split:
        lab = split_label(plain(spans))
        if lab and len(plain(spans)) > lab[1]:
            head, tail = cut(spans, lab[1])
            return strip_spans(head, " :：*_"), strip_spans(tail)
    return strip_spans(spans, " :："), []


def ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    return bool(t) and t[-1] in _TERMINAL


def classify(ln: Line) -> None:
    """Rule 2: what a single line could be, on its own."""
    num: tuple[int, int] | None
    if ln.kind == "heading":
        spans = strip_spans(ln.spans)
        text = plain(spans)
        num = number_prefix(text, heading=True)
        if num:
            ln.start_number = num[0]
            spans = cut(spans, num[1])[1]
        ln.title, ln.rest = title_and_rest(spans, split=False)
        ln.role = "conclusion" if is_conclusion_name(plain(ln.title)) else "heading"
        return
    if ln.kind != "text" or not ln.spans:
        return
    text = ln.text
    num = None
    if ln.number is not None:
        num = (ln.number, 0)
    elif not ln.bullet:
        num = number_prefix(text, heading=False)
    if num:
        spans = cut(ln.spans, num[1])[1]
        if plain(spans).strip():
            ln.role = "start"
            ln.start_number = num[0]
            ln.title, ln.rest = title_and_rest(spans, split=True)
            if is_conclusion_name(plain(ln.title)):
                ln.role = "conclusion"
            return
    if not ln.bullet and is_conclusion_name(text):
        ln.role = "conclusion"
        ln.title = strip_spans(ln.spans, " :：")
        return
    lab = split_label(text)
    if lab:
        ln.label = lab[0]
        ln.rest = strip_spans(cut(ln.spans, lab[1])[1])
        if not ln.bullet and is_conclusion_name(ln.label) and ln.rest:
            ln.role = "conclusion"
            ln.title = strip_spans(cut(ln.spans, lab[1])[0], " :：*_")
        elif ln.label.casefold() in NOTES_LABELS:
            ln.role = "notes"
        elif ln.rest:
            ln.role = "label"
        return
    if all(s.bold for s in ln.spans) and len(text.split()) <= 15:
        ln.role = "bold"
        ln.title = strip_spans(ln.spans, " :：")
