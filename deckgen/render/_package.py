"""The package level: opening untrusted templates safely, naming parts, saving reproducibly.

python-pptx is used to read templates, but three of its package operations do not fit a
generator of large decks, so this module replaces them *at our level* (no patched copy):

- opening: python-pptx inflates every zip member before anyone can look at sizes; we check
  the zip directory (sizes, ratios, DOCTYPE/ENTITY declarations, main content type) first and
  hand python-pptx an in-memory copy (with a .potx/.ppsx main content type patched);
- naming: ``OpcPackage.next_partname`` walks every part for each new part (quadratic);
  :class:`PartNamer` scans once and counts;
- saving: the writer assembles parts, relationships and content types as bytes (helpers
  here) and :func:`save_package` writes them with fixed timestamps in the order given
  (:mod:`._zip`), so identical input gives identical bytes.

The only private python-pptx members used are ``_Relationships._add_relationship`` (an O(1)
relationship add; the public ``relate_to`` rescans all relationships of the part) and
``OpcPackage._rels`` (the package-level relationships, which have no public accessor).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from deckgen.errors import OutputError, TemplateError
from deckgen.output import writable_folder
from deckgen.render._markup import declares_dtd, escape_attr
from deckgen.render._zip import Entry, write_zip

if TYPE_CHECKING:
    from pptx.opc.package import OpcPackage, Part
    from pptx.presentation import Presentation

# --------------------------------------------------------------------------- limits

MAX_FILE = 200 * 2**20
MAX_PART = 50 * 2**20
MAX_TOTAL = 200 * 2**20
MAX_ENTRIES = 20_000
MAX_RATIO = 200  # inflated / compressed, checked for members over RATIO_FLOOR
RATIO_FLOOR = 2**20

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PRES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
OTHER_MAINS = {
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "template",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "slideshow",
}
MACRO_MAINS = {
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
}
RT_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def read_checked(path: str | Path) -> bytes:
    """The bytes of a template package that is safe to hand to python-pptx.

    Raises TemplateError for anything that is not a presentation, too big, a zip bomb or
    XML with a DTD (entity expansion / external entities).
    """
    p = Path(path)
    where = str(path)
    try:
        if p.is_dir():
            raise TemplateError("is a folder, not a .pptx/.potx file", path=where)
        size = p.stat().st_size
        if size > MAX_FILE:
            raise TemplateError(f"file is larger than {_mb(MAX_FILE)}", path=where)
        data = p.read_bytes()
    except FileNotFoundError:
        raise TemplateError("template file not found", path=where) from None
    except OSError as e:
        raise TemplateError(f"cannot read template: {e.strerror or e}", path=where) from None

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TemplateError(
            "not a PowerPoint file (not a zip package)",
            path=where,
            hint="give a .pptx or .potx saved by PowerPoint, LibreOffice or Keynote",
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise TemplateError(f"zip has {len(infos)} entries, refusing", path=where)
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART:
                raise TemplateError(
                    f"part {info.filename} inflates to {_mb(info.file_size)} "
                    f"(limit {_mb(MAX_PART)}); refusing a possible zip bomb",
                    path=where,
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise TemplateError(
                    f"part {info.filename} compresses {ratio}:1; refusing a possible zip bomb",
                    path=where,
                )
        if total > MAX_TOTAL:
            raise TemplateError(
                f"package inflates to {_mb(total)} (limit {_mb(MAX_TOTAL)}); refusing a "
                "possible zip bomb",
                path=where,
            )
        names = {i.filename for i in infos}
        try:
            members = {i.filename: zf.read(i) for i in infos if not i.is_dir()}
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as e:
            raise TemplateError(f"damaged zip package: {e}", path=where) from None

    ct_blob = members.get("[Content_Types].xml")
    if ct_blob is None or "_rels/.rels" not in names:
        raise TemplateError(
            "zip file is not a presentation (no [Content_Types].xml or _rels/.rels)",
            path=where,
        )
    overrides, defaults = _content_types(ct_blob, where)

    # every part python-pptx will parse as XML: refuse DTDs outright
    for name, blob in members.items():
        xml = name.endswith((".rels", ".xml")) or _is_xml_ct(name, overrides, defaults)
        if xml and declares_dtd(blob):
            raise TemplateError(
                f"part {name} declares a DOCTYPE/ENTITY; refusing XML with entity declarations",
                path=where,
            )

    main = _main_part(members["_rels/.rels"], where)
    main_ct = overrides.get(main.lower()) or defaults.get(main.rsplit(".", 1)[-1].lower())
    if main_ct in MACRO_MAINS:
        raise TemplateError(
            "macro-enabled presentations are not accepted as templates",
            path=where,
            hint="save it as .pptx or .potx",
        )
    if main_ct != PRES_MAIN and main_ct not in OTHER_MAINS:
        raise TemplateError(
            f"zip file is not a presentation (main part type {main_ct or 'missing'})",
            path=where,
        )
    if main_ct in OTHER_MAINS:
        # python-pptx only opens presentation.main; a template/slideshow differs only in
        # this content type, so patch it in memory and re-pack (stored, cheap).
        patched = ct_blob.replace(main_ct.encode(), PRES_MAIN.encode())
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
            for info in infos:
                if info.is_dir():
                    continue
                blob = patched if info.filename == "[Content_Types].xml" else members[info.filename]
                out.writestr(info.filename, blob)
        data = buf.getvalue()
    return data


def _content_types(blob: bytes, where: str) -> tuple[dict[str, str], dict[str, str]]:
    from lxml import etree

    from deckgen.render._xml import SAFE_PARSER

    try:
        root = etree.fromstring(blob, SAFE_PARSER)
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"[Content_Types].xml is not valid XML: {e}", path=where) from None
    overrides = {
        el.get("PartName", "").lower(): el.get("ContentType", "")
        for el in root.iter(f"{{{CT_NS}}}Override")
    }
    defaults = {
        el.get("Extension", "").lower(): el.get("ContentType", "")
        for el in root.iter(f"{{{CT_NS}}}Default")
    }
    return overrides, defaults


def _is_xml_ct(name: str, overrides: dict[str, str], defaults: dict[str, str]) -> bool:
    ct = overrides.get("/" + name.lower()) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
    return (ct.endswith("+xml") or ct in ("application/xml", "text/xml")) and ct != "image/svg+xml"


def _main_part(rels_blob: bytes, where: str) -> str:
    if declares_dtd(rels_blob):
        raise TemplateError("_rels/.rels declares a DOCTYPE/ENTITY; refusing", path=where)
    from lxml import etree

    from deckgen.render._xml import SAFE_PARSER

    try:
        root = etree.fromstring(rels_blob, SAFE_PARSER)
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"_rels/.rels is not valid XML: {e}", path=where) from None
    for rel in root.iter(f"{{{RELS_NS}}}Relationship"):
        if rel.get("Type") == RT_OFFICE_DOC:
            target = rel.get("Target", "")
            return target if target.startswith("/") else "/" + target
    raise TemplateError("zip file is not a presentation (no main document)", path=where)


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def open_presentation(path: str | Path) -> Presentation:
    """A python-pptx Presentation of a checked template (TemplateError on any failure)."""
    from pptx import Presentation as open_pptx

    data = read_checked(path)
    try:
        return open_pptx(io.BytesIO(data))
    except TemplateError:
        raise
    except Exception as e:  # python-pptx raises many kinds on malformed packages
        raise TemplateError(f"cannot read presentation: {first_line(e)}", path=path) from None


# --------------------------------------------------------------------------- part names

_NUMBERED = re.compile(r"^(.*?)(\d*)(\.[^./]+)$")


class PartNamer:
    """Hands out unused part names (``/ppt/slides/slide%d.xml`` …) in O(1) each."""

    def __init__(self, names: Iterable[str] = ()):
        self._next: dict[tuple[str, str], int] = {}
        self._taken: set[str] = set()
        for name in names:
            self._see(name)
            self._taken.add(name.lower())

    def copy(self) -> PartNamer:
        new = PartNamer()
        new._next, new._taken = dict(self._next), set(self._taken)
        return new

    def fixed(self, name: str) -> str:
        """``name`` itself if no part has it, else a numbered name like it."""
        if name.lower() in self._taken:
            return self.like(name)
        self._taken.add(name.lower())
        self._see(name)
        return name

    def _see(self, name: str) -> None:
        m = _NUMBERED.match(name)
        if m:
            key = (m.group(1), m.group(3))
            n = int(m.group(2) or 0)
            if self._next.get(key, 1) <= n:
                self._next[key] = n + 1

    def like(self, name: str) -> str:
        """A new name shaped like ``name`` (same folder, stem and extension)."""
        m = _NUMBERED.match(name)
        if not m:
            return self.like(name + ".bin")
        return self.new(m.group(1) + "%d" + m.group(3))

    def new(self, tmpl: str) -> str:
        stem, ext = tmpl.split("%d")
        n = self._next.get((stem, ext), 1)
        while (tmpl % n).lower() in self._taken:
            n += 1
        self._next[(stem, ext)] = n + 1
        self._taken.add((tmpl % n).lower())
        return tmpl % n


def add_rel(part: Part, reltype: str, target: Part | str, external: bool = False) -> str:
    """Relate ``part`` → ``target`` without python-pptx's linear duplicate scan.

    Only for relationships known to be new (e.g. to a freshly created part).
    """
    fast: Callable[..., str] | None = getattr(part.rels, "_add_relationship", None)
    if fast is None:  # pragma: no cover - python-pptx changed; stay correct, if slower
        return part.relate_to(target, reltype, is_external=external)
    return fast(reltype, target, external)


def package_rels(package: OpcPackage) -> Any:
    return package._rels  # noqa: SLF001 - no public accessor for package-level rels


# --------------------------------------------------------------------------- saving


def content_types_xml(
    parts: Iterable[tuple[str, str]], known: frozenset[tuple[str, str]] | None = None
) -> bytes:
    """``[Content_Types].xml`` for (part name, content type) pairs: a Default per extension
    python-pptx knows the type of (``known``: its ``default_content_types``, looked up when
    not given), an Override for every other part."""
    if known is None:
        from pptx.opc.spec import default_content_types

        known = frozenset(default_content_types)
    defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
    }
    overrides: dict[str, str] = {}
    for name, ct in parts:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        if ext and (ext, ct) in known and defaults.get(ext, ct) == ct:
            defaults[ext] = ct
        else:
            overrides[name] = ct
    out = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
        f'<Types xmlns="{CT_NS}">',
    ]
    for ext, ct in sorted(defaults.items()):
        out.append(f'<Default Extension="{escape_attr(ext)}" ContentType="{escape_attr(ct)}"/>')
    for name, ct in sorted(overrides.items()):
        out.append(f'<Override PartName="{escape_attr(name)}" ContentType="{escape_attr(ct)}"/>')
    out.append("</Types>")
    return "".join(out).encode()


RELS_HEAD = (
    f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Relationships xmlns=\"{RELS_NS}\">"
)
RELS_TAIL = "</Relationships>"


def _rel_order(rid: str) -> tuple[int, str]:
    return (int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid)


def rel_xml(rid: str, reltype: str, target: str, external: bool = False) -> str:
    """One ``<Relationship>`` element (``target`` relative to the source's folder)."""
    mode = ' TargetMode="External"' if external else ""
    return (
        f'<Relationship Id="{escape_attr(rid)}" Type="{escape_attr(reltype)}" '
        f'Target="{escape_attr(target)}"{mode}/>'
    )


def rel_lines(rels: Any) -> list[str]:
    """A python-pptx part's relationships as ``<Relationship>`` elements, numerically ordered
    (as python-pptx writes them), built as text."""
    return [
        rel_xml(rid, rels[rid].reltype, rels[rid].target_ref, rels[rid].is_external)
        for rid in sorted(rels.keys(), key=_rel_order)
    ]


def rels_xml(lines: Iterable[str]) -> bytes:
    """A .rels item holding ``lines``."""
    return (RELS_HEAD + "".join(lines) + RELS_TAIL).encode()


def relative_ref(target: str, base: str) -> str:
    """The reference to part ``target`` from a part in folder ``base`` (``../x/y.xml``)."""
    if base == "/":
        return target[1:]
    folder, _, name = target.rpartition("/")
    return f"{_relative_folder(folder or '/', base)}{name}"


@functools.lru_cache(maxsize=256)
def _relative_folder(folder: str, base: str) -> str:
    rel = posixpath.relpath(folder, base)
    return "" if rel == "." else rel + "/"


def rels_name(partname: str) -> str:
    """The zip member name of a part's .rels item (``ppt/slides/_rels/slide1.xml.rels``)."""
    folder, _, name = partname.rpartition("/")
    return f"{folder[1:]}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def save_package(entries: Iterable[Entry], stream: IO[bytes]) -> None:
    """Write the package's members (in the order given, fixed timestamps) to ``stream``."""
    write_zip(stream, entries)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _named(folder: Path, prefix: str, suffix: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if n.startswith(prefix) and n.endswith(suffix)]


def atomic_write(out: str | Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write via a temporary file in the target's folder, fsync, then rename into place.

    On any exception (KeyboardInterrupt too) the temporary file is removed and an existing
    file at ``out`` is left untouched. The temporary file's name starts with a prefix drawn
    here, before it exists, so that it can be found and removed even when the interrupt
    arrives while ``mkstemp`` returns, before its name reaches us.
    """
    target = Path(out)
    where = str(out)
    folder = writable_folder(out)
    prefix = f".{target.name}.{os.urandom(4).hex()}."
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as e:
        for path in [tmp] if tmp is not None else _named(folder, prefix, ".tmp"):
            with contextlib.suppress(OSError):
                os.unlink(path)
        if isinstance(e, OSError):
            if tmp is None:
                msg = f"cannot write in folder {folder}: {e.strerror or e}"
            else:
                msg = f"cannot write output: {e.strerror or e}"
            raise OutputError(msg, path=where) from None
        raise
    with contextlib.suppress(OSError):  # make the rename durable; not all systems allow it
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
