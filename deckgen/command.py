"""The ``deckgen`` command (``deckgen …``, ``python -m deckgen …``).

Before anything else it has this process take the code Python compiles from text in every
process (dataclasses' methods, regular expressions) from deckgen's cache
(:mod:`deckgen.codecache`): the command's process is deckgen's alone and ends with the
command. A program that imports deckgen (``deckgen.build``, ``deckgen.cli``) is left as it
is: its ``re`` and ``dataclasses`` are its own.
"""

from __future__ import annotations


def main() -> None:
    from deckgen import codecache

    codecache.install()  # before the first dataclass or pattern deckgen's modules make
    from deckgen.cli import main as run

    run()
