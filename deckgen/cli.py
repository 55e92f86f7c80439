"""The command line: a thin click layer over deckgen.api.

Heavy modules (python-pptx, markdown-it, Jinja2) are imported inside the commands, so
``deckgen --help`` answers at the speed of click alone.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from deckgen import __version__
from deckgen.errors import DeckgenError, OutputError, SourceError

if TYPE_CHECKING:
    from deckgen.model import BuildOptions

EPILOG = """\b
Examples:
  deckgen build                      content.md -> content.pptx
  deckgen build talk.md -o talk.pptx --template dark
  deckgen build - -o deck.pptx < summary.md
  deckgen build 'talks/*.md' -d out  many decks, in parallel
  deckgen build talk.md -o talk.pdf  a PDF (through LibreOffice)
  deckgen watch talk.md              rebuild on every save
  deckgen serve talk.md              a live page of the slides in your browser
  deckgen outline talk.md            what the parser understood
  deckgen templates                  the themes you can use
"""


class _Group(click.Group):
    """The one handler of deckgen's errors: a :class:`DeckgenError` becomes click's
    ``Error: …`` line and its exit code; an unexpected exception becomes one ``Error:``
    line too, unless --debug is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeckgenError as exc:
            if _debug(ctx):  # the traceback, then the one "Error: …" line as usual
                import traceback

                traceback.print_exc()
            raise _ClickError(exc.message, exc.exit_code) from exc
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            raise _ClickError(
                f"unexpected {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback, and please report it)",
                1,
            ) from None


class _ClickError(click.ClickException):
    """What click prints as ``Error: message`` before exiting with ``exit_code``."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or bool(os.environ.get("DECKGEN_DEBUG"))


DEFAULT_SOURCE = "content.md"

_ENDS_WITH_COMMAND = False
"""Set by :func:`main`: the process ends when its command does (unlike a caller's
``CliRunner``, or a program that calls :data:`cli` and goes on)."""


def _source_or_default(source: str | None, command: str) -> str:
    """SOURCE, else content.md; a missing content.md is reported as the default it is
    (a user who typed no file name should not have to guess where the name came from)."""
    if source is not None:
        return source
    if not os.path.lexists(DEFAULT_SOURCE):
        raise SourceError(
            f"{DEFAULT_SOURCE} (the default source) not found in this folder",
            hint=f"pass a summary: deckgen {command} talk.md",
        )
    return DEFAULT_SOURCE


def _warn(messages: tuple[str, ...] | list[str]) -> None:
    for m in messages:
        click.echo(f"Warning: {m}", err=True)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="deckgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn a Markdown summary into an editable PowerPoint deck.

    A summary is a title, numbered insights (each with points such as "Key Point:" and
    "Insight:"), and a conclusion. deckgen makes a title slide, one slide per insight and a
    conclusion slide, with speaker notes, in a designed theme.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


_template_option = click.option(
    "-t",
    "--template",
    metavar="NAME|PATH",
    help="Theme name (see 'deckgen templates'), theme folder, or a .pptx/.potx to fill. "
    "Default: the front matter's 'template:', else 'default'.",
)


def _layout_pins(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """``--layout insight="Two Content"`` (repeatable) as (kind, layout name) pairs."""
    from deckgen.model import LAYOUT_KINDS

    pins: dict[str, str] = {}
    for value in values:
        kind, eq, name = value.partition("=")
        kind = kind.strip().lower()
        if not eq or not name.strip():
            raise click.BadParameter(f'{value!r} is not KIND=LAYOUT (e.g. insight="Two Content")')
        if kind not in LAYOUT_KINDS:
            raise click.BadParameter(f"unknown kind {kind!r} (kinds: {', '.join(LAYOUT_KINDS)})")
        pins[kind] = name.strip()
    return tuple(pins.items())


_layout_option = click.option(
    "--layout",
    "layouts",
    metavar="KIND=LAYOUT",
    multiple=True,
    callback=_layout_pins,
    help="Use the corporate template's layout named LAYOUT for KIND slides (title, agenda, "
    "section, insight, bullets, conclusion); repeatable. Front matter: 'layouts:'.",
)


def _resource_folders(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--resource-path DIR`` (repeatable), each an existing folder: a typo is a usage
    error at once (exit 2), not pictures silently left out of the deck."""
    if not values:
        return ()  # (click calls this for every build: a summary without pictures
        # does not import deckgen.media)
    from deckgen.media import check_folders

    return check_folders(values)


_resource_option = click.option(
    "--resource-path",
    "resource_paths",
    metavar="DIR",
    multiple=True,
    callback=_resource_folders,
    help="Also read pictures from DIR (the summary's own folder and below always; nowhere "
    "else unless named here); repeatable. Relative pictures are looked up there too.",
)


_slide_level_option = click.option(
    "--slide-level",
    type=click.IntRange(0, 6),
    metavar="N",
    help="Read the summary as a pandoc slide show whose level-N headings are its slides "
    "(shallower ones: section dividers; 0: slides only at '---' rules). Front matter: "
    "'slide-level:'. Default: read from the document.",
)


def _deck_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-t, --layout, --agenda, --no-numbers, --no-footer, --resource-path and --slide-level,
    given to ``command`` as one ``options``."""

    @functools.wraps(command)
    def with_options(
        *args: Any,
        template: str | None,
        layouts: tuple[tuple[str, str], ...],
        agenda: bool,
        no_numbers: bool,
        no_footer: bool,
        resource_paths: tuple[str, ...],
        slide_level: int | None,
        **kw: Any,
    ) -> Any:
        from deckgen.model import BuildOptions

        options = BuildOptions(
            template=template,
            numbers=not no_numbers,
            footer=not no_footer,
            agenda=agenda,
            layouts=layouts,
            resource_paths=resource_paths,
            slide_level=slide_level,
        )
        return command(*args, options=options, **kw)

    for option in (
        _slide_level_option,
        _resource_option,
        _layout_option,
        click.option("--no-footer", is_flag=True, help="Leave the footer off."),
        click.option("--no-numbers", is_flag=True, help="Leave slide numbers off."),
        click.option("--agenda", is_flag=True, help="Add an agenda slide listing the insights."),
        _template_option,
    ):
        with_options = option(with_options)
    return with_options


@cli.command(short_help="Build a deck (or many) from Markdown summaries.")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write the deck (a .pdf: its PDF instead). Default: SOURCE with .pptx "
    "(for stdin: deck.pptx, if there is none yet).",
)
@click.option(
    "-d",
    "--outdir",
    type=click.Path(file_okay=False),
    help="With several sources: the folder for their decks (created if missing). "
    "Default: next to each source.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="With several sources: decks built at once. Default: the number of CPUs.",
)
@_deck_options
@click.option(
    "--pdf", "with_pdf", is_flag=True, help="Also write each deck's PDF next to it (LibreOffice)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only (no warnings, no progress).")
def build(
    sources: tuple[str, ...],
    output: str | None,
    outdir: str | None,
    jobs: int | None,
    options: BuildOptions,
    with_pdf: bool,
    quiet: bool,
) -> None:
    """Build a deck from SOURCE (a Markdown summary; '-' reads stdin; default content.md).

    Slide Markdown written for pandoc (a '% Title' block, '::: notes', '---' breaks,
    --slide-level) or Marp ('marp: true') keeps the slides its author cut; 'deckgen outline'
    shows how a document was read and why.

    Several SOURCEs (or a quoted glob such as 'talks/*.md') build in parallel, one deck
    each, into OUTDIR (-d) or next to each source; a failing source does not stop the
    others, and the exit code is 1 if any failed.

    The deck is written atomically: on any error an existing deck is left as it was. A PDF
    (-o talk.pdf, or --pdf for one next to each deck) is made by LibreOffice, also atomically.
    """
    if len(sources) > 1 or outdir is not None or any(_is_glob(s) for s in sources):
        if output is not None:
            raise click.UsageError(
                "-o/--output names one deck; with several sources use -d/--outdir"
            )
        if "-" in sources:
            raise click.UsageError("stdin ('-') can only be built alone")
        _build_many(sources, outdir, jobs, options, quiet, with_pdf)
        return

    from deckgen.api import build_with
    from deckgen.output import default_output

    pdf_only = output is not None and output.lower().endswith(".pdf")
    if with_pdf or pdf_only:
        from deckgen.office import require_soffice

        require_soffice()  # before anything is built or written

    source = _source_or_default(sources[0] if sources else None, "build")
    if source == "-" and output is None and os.path.lexists(default_output(source)):
        # stdin names no deck: its default name must not silently replace an earlier one
        raise OutputError(
            "already exists, and a summary read from stdin does not replace it",
            path=default_output(source),
            hint=f"pass -o {default_output(source)} to replace it, or -o another.pptx",
        )
    if _ENDS_WITH_COMMAND:
        # the build turns the cycle collector off; turned back on, it would walk every
        # object the build made (its imports' modules, classes and functions) at once, only
        # for the process to end: it stays off
        gc.disable()
    result = build_with(options, source, output, stdin=sys.stdin.buffer if source == "-" else None)
    if not quiet:
        _warn(result.warnings)
        click.echo(f"Wrote {result.output} ({result.slides} slides) in {result.seconds:.2f} s")
    if with_pdf and not pdf_only:
        import time

        from deckgen.pdf import default_pdf, export

        started = time.perf_counter()
        pdf = default_pdf(result.output)
        warnings = export(result.output, pdf)
        if not quiet:
            _warn(warnings)
            click.echo(f"Wrote {pdf} in {time.perf_counter() - started:.2f} s")


def _is_glob(arg: str) -> bool:
    return any(c in arg for c in "*?[") and not os.path.exists(arg)


def _about(source: str, warning: str) -> str:
    """A batch warning names its source once (most already start with it)."""
    if warning.startswith(source) and warning[len(source) : len(source) + 1] in (":", ","):
        return warning
    return f"{source}: {warning}"


def _build_many(
    sources: tuple[str, ...],
    outdir: str | None,
    jobs: int | None,
    options: BuildOptions,
    quiet: bool,
    with_pdf: bool = False,
) -> None:
    import time
    from pathlib import Path

    from deckgen import batch

    if with_pdf:
        from deckgen.office import require_soffice

        require_soffice()  # before anything is built or written

    started = time.perf_counter()
    found, failed = batch.expand(sources or (_source_or_default(None, "build"),))
    if outdir is not None:
        try:
            Path(outdir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeckgenError(
                f"cannot create the output folder: {exc.strerror or exc}", path=outdir
            ) from None
    todo, clashes = batch.plan_jobs(found, outdir, options)
    failed += clashes
    if quiet:
        outcomes = batch.run(todo, workers=jobs)
    else:
        with click.progressbar(
            length=len(todo),
            label=f"Building {len(todo)} deck{'' if len(todo) == 1 else 's'}",
            file=sys.stderr,
        ) as bar:
            outcomes = batch.run(todo, workers=jobs, progress=lambda _: bar.update(1))
    built = [o for o in outcomes if o.ok]
    failed += [o for o in outcomes if not o.ok]
    for o in built:
        if not quiet:
            _warn(tuple(_about(o.source, w) for w in o.warnings))
            click.echo(f"Wrote {o.output} ({o.slides} slides) in {o.seconds:.2f} s")
    if with_pdf and built:
        built, unconverted = _export_pdfs(built, quiet)
        failed += unconverted
    seconds = time.perf_counter() - started
    summary = f"{len(built)} built, {len(failed)} failed in {seconds:.2f} s"
    if failed:
        click.echo(summary + ":", err=True)
        for o in failed:
            click.echo(f"  Error: {o.error}", err=True)
        raise SystemExit(1)
    if not quiet:
        click.echo(summary)


def _export_pdfs(built: list[Any], quiet: bool) -> tuple[list[Any], list[Any]]:
    """The PDFs of a batch's decks, by one LibreOffice: (converted, failed) outcomes."""
    from dataclasses import replace
    from pathlib import Path

    from deckgen.pdf import default_pdf, export_many

    by_deck = {Path(o.output): o for o in built}
    if quiet:
        results = export_many(list(by_deck))
    else:
        label = f"Converting {len(by_deck)} deck{'' if len(by_deck) == 1 else 's'} to PDF"
        with click.progressbar(length=len(by_deck), label=label, file=sys.stderr) as bar:
            results = export_many(list(by_deck), progress=lambda *_: bar.update(1))
    done: list[Any] = []
    failed: list[Any] = []
    for deck, error, warnings in results:
        o = by_deck[deck]
        if error is not None:
            failed.append(replace(o, ok=False, error=f"{o.source}: its PDF: {error}"))
            continue
        done.append(o)
        if not quiet:
            _warn(warnings)
            click.echo(f"Wrote {default_pdf(deck)}")
    return done, failed


@cli.command(short_help="Rebuild a deck whenever its summary, template or pictures change.")
@click.argument("source", required=False, metavar="[SOURCE]")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write the deck. Default: SOURCE with .pptx.",
)
@_deck_options
@click.option(
    "--pdf",
    "with_pdf",
    is_flag=True,
    help="Also write the deck's PDF next to it on every rebuild (one LibreOffice kept warm).",
)
@click.pass_context
def watch(
    ctx: click.Context,
    source: str | None,
    output: str | None,
    options: BuildOptions,
    with_pdf: bool,
) -> None:
    """Build SOURCE (default content.md), then rebuild it each time it, its template or one
    of its pictures is saved. Ctrl-C stops.

    A source with an error leaves the last good deck in place: the error is printed and
    the next save is built. Needs the watchfiles package (pip install 'deckgen[watch]').
    """
    source = _source_or_default(source, "watch")
    from deckgen.watch import Watcher, file_changes

    watcher = Watcher(
        source,
        output,
        options,
        echo=click.echo,
        err=lambda line: click.echo(line, err=True),
        debug=_debug(ctx),
    )
    with _stopped_by_sigterm():
        try:
            changes = file_changes(watcher)
            if with_pdf:
                from deckgen.office import open_office

                watcher.office = open_office()
                if watcher.office.reason:
                    click.echo(f"Note: {watcher.office.reason}", err=True)
            watcher.build()
            click.echo(f"Watching {source} and its template for changes (Ctrl-C to stop)")
            watcher.run(changes, first=False)
        except KeyboardInterrupt:
            click.echo("Stopped watching.")
        finally:
            if watcher.office is not None:
                watcher.office.close()


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the loop stops and LibreOffice is closed."""


def _stopped_by_sigterm() -> Any:
    """While the block runs, SIGTERM stops it as Ctrl-C would (so ``finally`` runs)."""
    import contextlib
    import signal
    import threading

    @contextlib.contextmanager
    def handler() -> Any:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(_signum: int, _frame: Any) -> None:
            raise _Terminated

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    return handler()


@cli.command(short_help="A live page of the deck in your browser, following every save.")
@click.argument("source", required=False, metavar="[SOURCE]")
@_deck_options
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@click.option(
    "--dpi",
    default=96,
    show_default=True,
    type=click.IntRange(min=30, max=300),
    help="Resolution of the slide pictures (96: 1280 pixels wide).",
)
def serve(source: str | None, options: BuildOptions, port: int, dpi: int) -> None:
    """Serve SOURCE (default content.md) on http://127.0.0.1:PORT/: every slide as a
    picture, its speaker notes, the warnings and the outline, updated within a second of
    each save of the summary or its template. Ctrl-C stops.

    \b
    Keys on the page: left/right arrows between slides, N shows or hides the notes.
    The page has links to download the deck and its PDF. An error in the summary shows on
    the page with its line, above the last good slides. Only this computer can open the
    page. Needs LibreOffice and pip install 'deckgen[serve]'.
    """
    source = _source_or_default(source, "serve")
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise DeckgenError(
            "serve needs the starlette and uvicorn packages",
            hint="install them with: pip install 'deckgen[serve]'",
        ) from None
    from deckgen.serve import serve as do_serve

    with _stopped_by_sigterm():
        try:
            do_serve(
                source,
                options,
                port=port,
                dpi=dpi,
                echo=click.echo,
                err=lambda line: click.echo(line, err=True),
            )
        except KeyboardInterrupt:
            click.echo("Stopped serving.")


@cli.command(short_help="Show the slides deckgen would make, with their text.")
@click.argument("source", required=False, metavar="[SOURCE]")
@_template_option
@click.option("--agenda", is_flag=True, help="Include the agenda slide.")
@_resource_option
@_slide_level_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (schema in README).")
def outline(
    source: str | None,
    template: str | None,
    agenda: bool,
    resource_paths: tuple[str, ...],
    slide_level: int | None,
    as_json: bool,
) -> None:
    """Show what deckgen understood of SOURCE (default content.md): the slides the deck will
    have, with their text."""
    source = _source_or_default(source, "outline")
    from deckgen.api import prepare, read
    from deckgen.model import BuildOptions
    from deckgen.outline import as_dict, as_text

    doc = read(source, stdin=sys.stdin.buffer if source == "-" else None, slide_level=slide_level)
    options = BuildOptions(
        template=template, agenda=agenda, resource_paths=resource_paths, slide_level=slide_level
    )
    deck = prepare(doc, options)
    if as_json:
        import json

        click.echo(json.dumps(as_dict(doc, deck), ensure_ascii=False, indent=2, default=str))
    else:
        _warn(deck.warnings)
        click.echo(as_text(doc, deck))


@cli.group(cls=_Group, invoke_without_command=True, short_help="List, export and check themes.")
@click.pass_context
def templates(ctx: click.Context) -> None:
    """List the themes; 'export' one to start your own; 'check' a template."""
    if ctx.invoked_subcommand is None:
        from deckgen.themes import available, user_dir

        found = available()
        width = max((len(t.name) for t in found), default=8)
        for t in found:
            origin = "" if t.origin == "bundled" else f"  [{t.origin}: {t.path}]"
            click.echo(f"{t.name:<{width}}  {t.description}{origin}")
        click.echo(f"\nYour own themes go in {user_dir()} (or set DECKGEN_TEMPLATES).")


@templates.command("list")
@click.pass_context
def templates_list(ctx: click.Context) -> None:
    """List the themes (bundled and your own)."""
    ctx.invoke(templates)


@templates.command("export")
@click.argument("name")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Replace the theme files in an existing folder.")
def templates_export(name: str, directory: str, force: bool) -> None:
    """Copy theme NAME into the new folder DIRECTORY to start your own.

    \b
    Then open DIRECTORY/template.pptx in PowerPoint or LibreOffice, restyle it, and
    build with: deckgen build talk.md --template DIRECTORY
    """
    from shlex import quote

    from deckgen.themes import TEMPLATE_FILE, export

    target = export(name, directory, force=force)
    click.echo(f"Copied theme {name!r} to {target.resolve()}")
    command = f"deckgen build talk.md --template {quote(str(target))}"
    click.echo(f"Edit {target / TEMPLATE_FILE}, then: {command}")


@templates.command("check")
@click.argument("path")
@_layout_option
def templates_check(path: str, layouts: tuple[tuple[str, str], ...]) -> None:
    """Report which slide kinds template PATH supplies and which names it uses; for a
    corporate template, the layout each kind uses and why."""
    from deckgen.templatecheck import check

    report, ok = check(path, dict(layouts)) if layouts else check(path)
    click.echo(report)
    if not ok:
        raise SystemExit(1)


@cli.command(short_help="Render a deck onto one PNG to look at it.")
@click.argument("source", metavar="SOURCE|DECK")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="PNG to write.")
@_deck_options
@click.option("--cols", default=4, show_default=True, help="Slides per row.")
@click.option(
    "--dpi",
    default=96,
    show_default=True,
    type=click.IntRange(min=10, max=600),
    help="Resolution of each slide image (96: a slide 1280 pixels wide).",
)
def preview(source: str, output: str | None, options: BuildOptions, cols: int, dpi: int) -> None:
    """Render a deck (or build one from Markdown) onto one contact-sheet PNG via LibreOffice.

    Warns when the render lacks a font the deck names (and its metric twin) or a glyph its
    text needs (such as emoji without an emoji font)."""
    from deckgen.preview import preview as do_preview

    out, warnings = do_preview(source, output, options=options, cols=cols, dpi=dpi)
    _warn(warnings)
    click.echo(f"Wrote {out}")


def main() -> None:
    """The ``deckgen`` command."""
    global _ENDS_WITH_COMMAND
    _ENDS_WITH_COMMAND = True
    try:
        cli(prog_name="deckgen")
    finally:
        # the process ends now: Python's last cycle collection, as it exits, would walk
        # every object left (every module's functions and classes) to free what the
        # process's end frees anyway; frozen, they are not walked
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
