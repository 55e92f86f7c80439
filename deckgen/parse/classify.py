from __future__ import annotations

import re
import unicodedata

from deckgen.model import Span
from deckgen.parse.blocks import Line
from deckgen.parse.spans import cut, plain, split_bold_lead, strip_spans

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
        "まとめ", "結び", "결론", "요약", "Final summary", "Final note", "Final notes",
        "Closing remarks", "Closing words", "Concluding remarks", "Concluding thoughts",
        "In a nutshell", "To sum up", "Summing up", "Lessons learned", "Pour conclure",
        "Conclusões finais", "Considerações finais", "Para concluir", "En conclusión",
        "Conclusiones finales", "Abschließend", "Schlussgedanken", "Fazit und Ausblick",
        "Na koniec", "Wnioski końcowe", "Итог", "结语", "總結", "结论与展望", "おわりに",
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

# Words that may stand before an insight's number: "Insight 1: Title", "Lektion 2 – …",
# "Mistake 1:", "Metoda 5:", "Part II".
_NUMBER_WORDS = (
    "insight|key insight|takeaway|lesson|point|idea|step|chapter|part|section|tip|topic|"
    "theme|finding|principle|rule|mistake|myth|habit|law|question|week|day|lecture|session|"
    "module|unit|round|method|strategy|reason|trend|pillar|"
    "erkenntnis|punkt|kapitel|teil|lektion|schritt|fehler|regel|woche|methode|"
    "lección|leccion|punto|paso|capítulo|capitulo|parte|tema|método|metodo|regla|error|"
    "leçon|lecon|étape|etape|chapitre|idée|idee|méthode|erreur|règle|partie|"
    "metoda|krok|rozdział|rozdzial|część|czesc|lekcja|wykład|wyklad|zasada|błąd|blad|punkt"
)
_ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_CJK_DIGITS = "一二三四五六七八九十百零〇"
_NUM_TEXT = re.compile(r"(\d{1,4})[.)](?:\s+|$)")
_NUM_HEADING = re.compile(r"(\d{1,4})\s*(?:[.):：]|\s[-–—])(?:\s+|$)")
# "## 3 Title": a bare number and a space, in headings only, before a capital or a non-Latin
# letter ("## 3 ways to …" keeps its number in the title)
_NUM_BARE = re.compile(r"(\d{1,3})\s+(?=[^\W\da-z])")
_NUM_MULTI = re.compile(r"(\d{1,3}(?:\.\d{1,3})+)\.?(?:\s+|$)")
_NUM_ROMAN = re.compile(rf"({_ROMAN})[.)](?:\s+|$)")
_NUM_CJK = re.compile(
    rf"(?:([{_CJK_DIGITS}]{{1,4}})\s*[、.．]|第\s*([{_CJK_DIGITS}\d]{{1,4}})\s*[章节節部课課讲講回篇])"
    r"\s*[:：]?\s*"
)
_NUM_WORD = re.compile(
    rf"(?i)(?:{_NUMBER_WORDS})\s+#?(\d{{1,4}}|(?-i:{_ROMAN}))\s*(?:[.):：\-–—]\s*|$)"
)
_NUM_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3\s*|\U0001f51f\s*")
# "00:00 Intro", "[12:34] Pages", "1:02:33 – Q&A": a video's or a recording's chapter time
_NUM_TIME = re.compile(r"[\[(]?(\d{1,2}:\d{2}(?::\d{2})?)[\])]?\s*(?:[-–—:|·]\s*)?(?=\S)")
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


_NAME_JOIN = re.compile(r"\s(?:and|&|und|y|et|e|i)\s")  # "Summary and next steps"
_NAME_LEAD = re.compile(r"\s[-–—|/]\s|\s*[:：(,，]|\s(?:of|do|de|des|der)\s")


def is_conclusion_name(text: str, lead: bool = True) -> bool:
    """Named like a conclusion: "Conclusion", "Final summary" — and, with ``lead``, on its
    lead: "Podsumowanie - co wdrażam od jutra", "总结：…", "Summary of the talk"."""
    key = name_key(text)
    if key in CONCLUSION_NAMES:
        return True
    m = _NAME_JOIN.search(key)
    if m is not None and name_key(key[: m.start()]) in CONCLUSION_NAMES:
        return True
    m = _NAME_LEAD.search(key) if lead else None
    return m is not None and name_key(key[: m.start()]) in CONCLUSION_NAMES


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


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_CJK_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def roman_value(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if _ROMAN_VALUES.get(b, 0) > v else v
    return total


def cjk_value(text: str) -> int | None:
    """一 … 九十九 (or digits) as a number; None for what it cannot read."""
    if text.isdigit():
        return int(text)
    tens, sep, ones = text.partition("十")
    if not sep:
        return _CJK_VALUES.get(text) if len(text) == 1 else None
    t = 1 if not tens else _CJK_VALUES.get(tens)
    o = 0 if not ones else _CJK_VALUES.get(ones)
    return None if t is None or o is None else t * 10 + o


def number_prefix(text: str, heading: bool) -> tuple[int | None, str, int] | None:
    """(number, badge, prefix length) of a numbered title, else None.

    The badge is the number as the author wrote it (``3``, ``3.2``, ``IV``, ``三``): it goes
    into the slide's number badge, not doubled in the title. ``number`` is its value where
    it has one (``3.2`` has none: it is a position in a tree, not in the deck).
    """
    m = _NUM_KEYCAP.match(text)
    if m:
        n = int(m.group(1)) if m.group(1) else 10
        return n, str(n), m.end()
    m = _NUM_TIME.match(text)
    if m:
        return None, m.group(1), m.end()
    m = _NUM_MULTI.match(text)
    if m:
        return None, m.group(1), m.end()
    m = (_NUM_HEADING if heading else _NUM_TEXT).match(text)
    if m:
        return int(m.group(1)), m.group(1), m.end()
    m = _NUM_WORD.match(text)
    if m:
        badge = m.group(1)
        return (int(badge) if badge.isdigit() else roman_value(badge)), badge, m.end()
    m = _NUM_ROMAN.match(text)
    if m and m.group(1):
        return roman_value(m.group(1)), m.group(1), m.end()
    m = _NUM_CJK.match(text)
    if m:
        badge = m.group(1) or m.group(2)
        return cjk_value(badge), badge, m.end()
    if heading:
        m = _NUM_BARE.match(text)
        if m:
            return int(m.group(1)), m.group(1), m.end()
    return None


def title_and_rest(spans: list[Span], split: bool) -> tuple[list[Span], list[Span]]:
    """``**Title**: text`` / ``Title: text`` → title and the text after it."""
    spans = strip_spans(spans)
    if split and spans and spans[0].bold:
        head, tail = split_bold_lead(spans)
        tail_text = plain(tail).lstrip()
        head_text = plain(head).rstrip()
        if not tail_text:
            return strip_spans(head, " :："), []
        if head_text.endswith((":", "：")) or tail_text[0] in ":：-–—":
            return strip_spans(head, " :："), strip_spans(tail, " :：-–—")
        if head_text.endswith((".", "?", "!", "。", "？", "！")):
            # "**Charge from day one.** Even the first clinics paid …": the bold sentence
            # is the title, the rest its first point
            return strip_spans(head), strip_spans(tail)
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
    num: tuple[int | None, str, int] | None
    if ln.kind == "heading":
        spans = strip_spans(ln.spans)
        text = plain(spans)
        num = number_prefix(text, heading=True)
        if num and plain(cut(spans, num[2])[1]).strip():
            ln.start_number, ln.badge = num[0], num[1]
            spans = cut(spans, num[2])[1]
        ln.title, ln.rest = title_and_rest(spans, split=False)
        ln.role = "conclusion" if is_conclusion_name(plain(ln.title)) else "heading"
        return
    if ln.kind != "text" or not ln.spans:
        return
    text = ln.text
    num = None
    if ln.number is not None:
        num = (ln.number, str(ln.number), 0)
    elif not ln.bullet:
        num = number_prefix(text, heading=False)
    if num:
        spans = cut(ln.spans, num[2])[1]
        if plain(spans).strip():
            ln.role = "start"
            ln.start_number, ln.badge = num[0], num[1]
            ln.title, ln.rest = title_and_rest(spans, split=True)
            if is_conclusion_name(plain(ln.title)):
                ln.role = "conclusion"
            return
    if not ln.bullet and is_conclusion_name(text, lead=False):
        ln.role = "conclusion"
        ln.title = strip_spans(ln.spans, " :：")
        return
    lab = split_label(text)
    if lab and len(text) <= lab[1] + 1 and all(s.bold for s in ln.spans if s.text.strip()):
        lab = None  # "**Background:**" alone on its line: a pseudo-heading, not a label
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
