"""Finding themes: bundled ones, the user's folder, or any .pptx/.potx path.

A theme is a folder holding ``template.pptx`` (plus optional ``notes.j2`` and
``theme.yaml``); a bare ``.pptx``/``.potx`` is a corporate template whose layouts are
filled. Loaded themes are cached by path and modification time, so rebuilding (watch mode,
the Python API in a loop) does not re-read an unchanged template.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen import cache as disk_cache
from deckgen.errors import TemplateError
from deckgen.model import Theme

if TYPE_CHECKING:
    from deckgen.render.recipe import Template

DEFAULT_THEME = "default"
TEMPLATE_FILE = "template.pptx"

# Speaker notes for templates that bring none (corporate templates): every word of the
# summary that is not on the slide ends up here, labels included.
DEFAULT_NOTES = """\
{%- if slide.kind == 'title' -%}
{{ deck.title }}
{% if deck.subtitle %}{{ deck.subtitle }}
{% endif %}{% if deck.author %}{{ deck.author }}
{% endif %}{% if deck.date %}{{ deck.date }}
{% endif %}{% if deck.meta.get('footer') %}{{ deck.meta.footer }}
{% endif %}{% for p in deck.intro %}{{ p }}
{% endfor %}
{%- elif slide.kind in ('insight', 'bullets') -%}
{% if insight.number %}{{ insight.number }}. {% endif %}{{ insight.title }}.
{% for f in insight.fields %}{{ f.label }}: {{ f.text }}
{% endfor %}{% for p in insight.points %}{{ p }}
{% endfor %}{% for n in insight.notes %}{{ n }}
{% endfor %}
{%- elif slide.kind in ('picture', 'text_picture', 'table', 'code', 'quote', 'columns',
                    'comparison') -%}
{% if insight.number %}{{ insight.number }}. {% endif %}{{ insight.title }}.
{% if slide.part == 0 %}{% for f in insight.fields %}{{ f.label }}: {{ f.text }}
{% endfor %}{% for p in insight.points %}{{ p }}
{% endfor %}{% for n in insight.notes %}{{ n }}
{% endfor %}{% endif %}
{%- for i in slide.images %}{% if i.alt %}Picture: {{ i.alt }}
{% endif %}{% endfor %}
{%- for c in slide.columns|default([]) %}{% for i in c.images %}{% if i.alt %}Picture: {{ i.alt }}
{% endif %}{% endfor %}{% endfor %}
{%- elif slide.kind == 'section' -%}
{% if section.number %}{{ section.number }}. {% endif %}{{ section.title }}.
{% for p in section.paragraphs %}{{ p }}
{% endfor %}{% if section.subsections %}{{ section.subsections|join('; ') }}.
{% endif %}{% for n in section.notes %}{{ n }}
{% endfor %}
{%- elif slide.kind in ('conclusion', 'closing') and conclusion -%}
{{ conclusion.heading }}.
{% for p in conclusion.body %}{{ p }}
{% endfor %}{% for c in conclusion.closing %}{{ c }}
{% endfor %}{% for n in conclusion.notes %}{{ n }}
{% endfor %}
{%- elif slide.kind == 'agenda' -%}
Agenda: {% for i in deck.insights %}{{ i.number }}. {{ i.title }}
{%- if not loop.last %}; {% endif %}{% endfor %}.
{%- endif %}
"""


@dataclass(frozen=True)
class ThemeInfo:
    """A theme found by name or path, before its template is read."""

    name: str
    path: Path
    """The theme folder, or the .pptx/.potx file itself."""
    origin: str
    """``bundled``, ``user`` or ``path``."""

    @property
    def template_file(self) -> Path:
        return self.path / TEMPLATE_FILE if self.path.is_dir() else self.path

    @property
    def description(self) -> str:
        """The one line from theme.yaml; read on demand, so a build from a cached theme
        never parses YAML (PyYAML's import alone is a tenth of a cold build)."""
        if not self.path.is_dir():
            return ""
        try:
            return str(_read_yaml(self.path / "theme.yaml").get("description", "")).strip()
        except TemplateError:
            return "(theme.yaml unreadable)"


def bundled_dir() -> Path:
    installed = Path(__file__).parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"  # a source checkout


def user_dir() -> Path:
    env = os.environ.get("DECKGEN_TEMPLATES")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "deckgen" / "templates"


_yaml_cache: dict[str, tuple[tuple[int, int, int, int], dict]] = {}


def _read_yaml(path: Path) -> dict:
    """A theme's settings, re-read only when the file changed (rebuilds resolve themes often)."""
    stamp = disk_cache.file_stamp(path)
    if stamp is None:
        return {}
    hit = _yaml_cache.get(str(path))
    if hit is not None and hit[0] == stamp:
        return dict(hit[1])
    data = _parse_yaml(path)
    if len(_yaml_cache) > 32:
        _yaml_cache.clear()
    _yaml_cache[str(path)] = (stamp, data)
    return dict(data)


def _parse_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read theme settings: {exc}", path=path) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError("theme settings must be a mapping of names to values", path=path)
    return data


def _info(folder: Path, origin: str) -> ThemeInfo:
    return ThemeInfo(folder.name, folder, origin)


def available() -> list[ThemeInfo]:
    """Bundled themes, then the user's (a user theme of the same name wins on lookup)."""
    found: list[ThemeInfo] = []
    for origin, base in (("bundled", bundled_dir()), ("user", user_dir())):
        if base.is_dir():
            for folder in sorted(base.iterdir()):
                if (folder / TEMPLATE_FILE).is_file():
                    found.append(_info(folder, origin))
    return found


def resolve(name_or_path: str | os.PathLike[str] | None) -> ThemeInfo:
    """A theme from a path or a name.

    What exists at ``name_or_path`` (a theme folder, a .pptx/.potx, relative to the current
    folder) wins over a theme of that name: ``templates export default mytheme`` then
    ``--template mytheme`` uses the folder just made. Names are matched ignoring case
    (``-t Dark``), the user's themes before the bundled ones.
    """
    spec = str(name_or_path) if name_or_path else DEFAULT_THEME
    path = Path(spec).expanduser()
    looks_like_path = path.suffix.lower() in (".pptx", ".potx") or os.sep in spec or "/" in spec
    if path.is_dir() and (path / TEMPLATE_FILE).is_file():
        return _info(path, "path")
    if path.is_file():
        return ThemeInfo(path.stem, path, "path")
    if looks_like_path:
        raise TemplateError(
            "template not found"
            + (f": the folder has no {TEMPLATE_FILE}" if path.is_dir() else ""),
            path=spec,
            hint="give a theme folder, a .pptx/.potx file, or a name from 'deckgen templates'",
        )
    found = _named(spec)
    if found is not None:
        return found
    themes = {t.name: t for t in available()}
    names = ", ".join(sorted(themes)) or "none"
    if path.is_dir():
        raise TemplateError(
            f"the folder {spec!r} has no {TEMPLATE_FILE}, and there is no theme of that name",
            hint=f"themes: {names}; or a folder made by 'deckgen templates export'",
        )
    raise TemplateError(
        f"no theme named {spec!r}, and no folder or file of that name here",
        hint=f"themes: {names}; or give a theme folder or a .pptx/.potx file",
    )


def _named(spec: str) -> ThemeInfo | None:
    """The theme called ``spec`` (any case), looking in the user's folder, then the bundled
    one, without reading every theme's settings (a rebuild resolves its theme each time)."""
    if spec in (".", "..") or spec.startswith("~"):
        return None
    bases = (("user", user_dir()), ("bundled", bundled_dir()))
    for origin, base in bases:
        folder = base / spec
        if (folder / TEMPLATE_FILE).is_file():
            return _info(folder, origin)
    wanted = spec.casefold()
    for origin, base in bases:
        try:
            folders = sorted(base.iterdir())
        except OSError:
            continue
        for folder in folders:
            if folder.name.casefold() == wanted and (folder / TEMPLATE_FILE).is_file():
                return _info(folder, origin)
    return None


_cache: dict[tuple[Any, ...], Template] = {}


def load(
    name_or_path: str | os.PathLike[str] | None,
    layouts: Mapping[str, str] | None = None,
) -> Theme:
    """The theme ``name_or_path`` names (:func:`resolve`), for plan and fit.

    Its template is read once, into the theme and what the writer writes decks from
    (``render.read_template``); that is handed to the writer here, so writing a deck does
    not read the template again. Both are kept in memory and in deckgen's on-disk cache
    (:mod:`deckgen.cache`), keyed by the theme's files (and ``layouts``: a corporate
    template's slide kinds pinned to layouts by name, ``{"insight": "Two Content"}``).
    """
    info = resolve(name_or_path)
    tfile = info.template_file
    folder = info.path if info.path.is_dir() else None
    parts = [tfile] + ([folder / "notes.j2", folder / "theme.yaml"] if folder else [])
    pins = tuple(sorted((layouts or {}).items()))
    key = (str(tfile.resolve()), tuple(disk_cache.file_stamp(p) for p in parts), pins)
    template = _cache.get(key)
    if template is None:
        template = _read(info, folder, parts, key[0], pins)
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = template
    if template.base is not None:
        from deckgen.render.writer import keep

        keep(template.theme, template.base)
    return template.theme


def _read(
    info: ThemeInfo,
    folder: Path | None,
    parts: list[Path],
    resolved: str,
    pins: tuple[tuple[str, str], ...] = (),
) -> Template:
    """The theme's template as an earlier process read it (deckgen.cache: no python-pptx),
    else read now."""
    from deckgen.render.recipe import Base, Template

    tfile = info.template_file
    disk_key: tuple[Any, ...] = (
        str(tfile),
        resolved,
        info.name,
        tuple(disk_cache.file_stamp(p) for p in parts),
    )
    if pins:  # (a key without pins stays as it was: caches of unpinned builds stay valid)
        disk_key += (pins,)
    stored = disk_cache.load("template", disk_key) if disk_key[3][0] is not None else None
    if (
        isinstance(stored, Template)
        and isinstance(stored.theme, Theme)
        and stored.theme.path == str(tfile)
        and (stored.base is None or isinstance(stored.base, Base))
    ):
        return stored
    settings = _read_yaml(folder / "theme.yaml") if folder else {}
    notes, notes_path = DEFAULT_NOTES, None
    if folder and (folder / "notes.j2").is_file():
        notes_path = folder / "notes.j2"
        try:
            notes = notes_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"cannot read notes template: {exc}", path=notes_path) from None

    from deckgen.render import read_template  # python-pptx only when a deck is really built

    template = read_template(
        tfile,
        name=info.name,
        description=info.description,
        notes_template=notes,
        min_body_size=float(settings.get("min_body_size", 14)),
        min_title_size=float(settings.get("min_title_size", 24)),
        layouts=dict(pins) or None,
    )
    if notes_path is not None:  # its errors name notes.j2, not template.pptx
        from dataclasses import replace

        theme = replace(template.theme, notes_path=str(notes_path))
        template = template._replace(theme=theme)
    if disk_key[3][0] is not None:
        disk_cache.store("template", disk_key, template)
    return template


def export(name: str, dest: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Copy a theme folder to ``dest`` to start a new one from; returns ``dest``.

    ``dest`` must not exist or be an empty folder: exporting twice must not put the second
    copy inside the first. With ``force`` an existing folder's theme files are replaced and
    its other files kept.
    """
    info = resolve(name)
    target = Path(dest).expanduser()
    if target.exists() and not target.is_dir():
        raise TemplateError(
            "destination is a file", path=target, hint="give a folder for the theme"
        )
    if not force and target.is_dir() and any(target.iterdir()):
        raise TemplateError(
            "destination folder exists and is not empty",
            path=target,
            hint="choose a new folder, or pass --force to replace the theme files in it",
        )
    try:
        if info.path.is_dir():
            shutil.copytree(info.path, target, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(info.path, target / TEMPLATE_FILE)
    except OSError as exc:
        msg = f"cannot copy theme: {exc.strerror or exc}"
        raise TemplateError(msg, path=target) from None
    return target
