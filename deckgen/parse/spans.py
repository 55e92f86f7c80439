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


def split_bold_lead(spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """The leading bold spans and the rest: ``**Title**: text`` → ``Title``, ``: text``."""
    n = 0
    for s in spans:
        if not s.bold:
            break
        n += len(s.text)
    return cut(spans, n)


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


# --------------------------------------------------------------------------- text as written
# Syntax from note apps and chat answers that Markdown shows as written but a reader reads
# differently: TeX math (``$\rightarrow$``), Obsidian wikilinks (``[[note|alias]]``) and
# task-list boxes (``- [ ]``). The inline rules in ``blocks`` find them in the source (so
# code spans, escapes and links keep their meaning); these functions say what they show.

_TEX_SYMBOLS = {
    "rightarrow": "→", "to": "→", "longrightarrow": "⟶", "leftarrow": "←", "gets": "←",
    "longleftarrow": "⟵", "Rightarrow": "⇒", "implies": "⇒", "Longrightarrow": "⟹",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔", "iff": "⇔",
    "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "nearrow": "↗", "searrow": "↘",
    "times": "×", "cdot": "·", "div": "÷", "ast": "∗", "star": "⋆", "circ": "∘",
    "bullet": "•", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡",
    "propto": "∝", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
    "ll": "≪", "gg": "≫", "pm": "±", "mp": "∓", "infty": "∞", "partial": "∂", "nabla": "∇",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι",
    "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "sqrt": "√",
    "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "emptyset": "∅",
    "varnothing": "∅", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧",
    "wedge": "∧", "lor": "∨", "vee": "∨", "oplus": "⊕", "otimes": "⊗", "perp": "⊥",
    "parallel": "∥", "angle": "∠", "degree": "°", "prime": "′", "ldots": "…", "dots": "…",
    "cdots": "⋯", "vdots": "⋮", "langle": "⟨", "rangle": "⟩", "lceil": "⌈", "rceil": "⌉",
    "lfloor": "⌊", "rfloor": "⌋", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|",
    "Vert": "‖", "|": "‖", "therefore": "∴", "because": "∵", "hbar": "ℏ", "ell": "ℓ",
    "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "checkmark": "✓", "quad": " ", "qquad": " ",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "bigl": "",
    "bigr": "", "Bigl": "", "Bigr": "", "displaystyle": "", "limits": "", "nolimits": "",
    "log": "log", "ln": "ln", "lg": "lg", "exp": "exp", "sin": "sin", "cos": "cos",
    "tan": "tan", "max": "max", "min": "min", "arg": "arg", "argmax": "argmax",
    "argmin": "argmin", "lim": "lim", "sup": "sup", "inf": "inf", "det": "det", "Pr": "Pr",
    "gcd": "gcd", "mod": "mod", "bmod": "mod", "dim": "dim", "deg": "deg",
}  # fmt: skip
# commands whose argument is shown as it is: \text{per token}, \mathbb{R}
_TEX_WRAPPERS = frozenset({
    "text", "textrm", "textit", "textbf", "texttt", "textsf", "mathrm", "mathit", "mathbf",
    "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "mathscr", "boldsymbol", "bm",
    "operatorname", "mbox", "hat", "bar", "tilde", "vec", "dot", "ddot", "overline",
    "underline", "widehat", "widetilde", "overrightarrow",
})  # fmt: skip
_TEX_SPACES = {",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "!": "", "\\": " "}
_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_MATH_HINT = re.compile(r"\\[A-Za-z]|[\^_]")
_SHORT_MATH = re.compile(r"[\w\s=+\-*/<>()\[\].,|!'′]{1,30}")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_IDENTIFIER = re.compile(r"[^\W\d_]{1,3}\d*'?")


def is_math(content: str) -> bool:
    """Is the text between two ``$`` TeX math (and not two prices)? It is when it holds a
    command, ``^`` or ``_``, or is short math: a variable (``$k$``) or a formula of
    variables, numbers and operators with no word of four letters (``$k = 256$``)."""
    if _MATH_HINT.search(content):
        return True
    if not _SHORT_MATH.fullmatch(content) or _LONG_WORD.search(content):
        return False
    if _IDENTIFIER.fullmatch(content):
        return True
    return bool(re.search(r"[=<>+\-*/()|]", content) and re.search(r"[^\W\d_]", content))


def _tex_group(src: str, i: int) -> tuple[str, int]:
    """The argument at ``src[i]``: a ``{…}`` group (without its braces) or one character
    (a command with its name); returns it and the index after it."""
    while i < len(src) and src[i] == " ":
        i += 1
    if i >= len(src):
        return "", i
    if src[i] == "{":
        depth, j = 0, i
        while j < len(src):
            ch = src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return src[i + 1 : j], j + 1
            j += 1
        return src[i + 1 :], len(src)
    if src[i] == "\\":
        m = re.match(r"\\(?:[A-Za-z]+|.)", src[i:])
        n = len(m.group(0)) if m else 1
        return src[i : i + n], i + n
    return src[i], i + 1


def _simple(text: str) -> bool:
    return len(text) <= 1 or text.isalnum()


def tex_text(src: str) -> str:
    """TeX math as plain text a slide can show: ``\\rightarrow`` → ``→``, ``n^2`` → ``n²``,
    ``\\frac{a}{b}`` → ``a/b``, ``\\text{x}`` → ``x``; ``x_i`` stays as written, and a
    command without a symbol is kept as written (nothing the author wrote is lost)."""
    out: list[str] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            m = re.match(r"[A-Za-z]+", src[i + 1 :])
            if not m:
                nxt = src[i + 1 : i + 2]
                out.append(_TEX_SPACES.get(nxt, _TEX_SYMBOLS.get(nxt, nxt)))
                i += 2
                continue
            name = m.group(0)
            i += 1 + len(name)
            if name in _TEX_WRAPPERS:
                arg, i = _tex_group(src, i)
                out.append(tex_text(arg))
            elif name in ("frac", "dfrac", "tfrac"):
                a, i = _tex_group(src, i)
                b, i = _tex_group(src, i)
                a, b = tex_text(a), tex_text(b)
                a = a if _simple(a) else f"({a})"
                b = b if _simple(b) else f"({b})"
                out.append(f"{a}/{b}")
            elif name == "sqrt":
                if src[i : i + 1] == "[":
                    end = src.find("]", i)
                    i = end + 1 if end > 0 else i
                arg, i = _tex_group(src, i)
                arg = tex_text(arg)
                out.append("√" + (arg if _simple(arg) else f"({arg})"))
            elif name in _TEX_SYMBOLS:
                out.append(_TEX_SYMBOLS[name])
            else:  # kept as written, its argument too: "\\foo{x}"
                out.append("\\" + name)
                if src[i : i + 1] == "{":
                    arg, i = _tex_group(src, i)
                    out.append("{" + tex_text(arg) + "}")
        elif ch in "^_":
            arg, i = _tex_group(src, i + 1)
            arg = tex_text(arg)
            if ch == "^" and arg and all(c in "0123456789+-=()" for c in arg):
                out.append(arg.translate(_SUPERSCRIPT))
            else:
                out.append(ch + (arg if _simple(arg) else f"({arg})"))
        elif ch == "{":
            arg, i = _tex_group(src, i)
            out.append(tex_text(arg))
        elif ch == "}":
            i += 1
        elif ch == "~":
            out.append(" ")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def wikilink_text(inner: str) -> tuple[str, str, str]:
    """``target|alias`` of an Obsidian ``[[…]]`` → (text shown, target, alias).

    The alias is shown when there is one; else the target, its heading after ``›``
    (``[[note#Heading]]`` → ``note › Heading``, ``[[#Heading]]`` → ``Heading``)."""
    target, bar, alias = inner.partition("|")
    target = target.rstrip("\\").strip()  # "[[a\|b]]": the bar escaped inside a table
    alias = alias.strip()
    if bar and alias:
        return alias, target, alias
    parts = [p.strip() for p in target.split("#")]
    shown = " › ".join(p for p in parts if p) or target
    return shown, target, ""


_TASK_BOX = re.compile(r"\[([ xX])\](?:[ \t]+|$)")


def task_box(spans: list[Span]) -> list[Span]:
    """``[ ] item`` / ``[x] item`` at the start of a list item → ``☐ item`` / ``☑ item``."""
    if not spans or spans[0].code or spans[0].link:
        return spans
    s = spans[0]
    m = _TASK_BOX.match(s.text)
    if not m:
        return spans
    box = "☐" if m.group(1) == " " else "☑"
    rest = s.text[m.end() :]
    head = Span(f"{box} {rest}" if rest or len(spans) > 1 else box, s.bold, s.italic)
    return [head, *spans[1:]]
