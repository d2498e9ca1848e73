"""Console scripts of a pip-installed spikeae (pyproject.toml's [project.scripts]).

``spikeae-paper`` and ``spikeae-search`` run ``python3 -m spikeae.paper`` and
``python3 -m spikeae.search`` unchanged; ``spikeae`` runs the command-line tool
that the wheel carries in spikeae/bin/.
"""

import os
import runpy
import sys
from pathlib import Path
from typing import Optional

# The console script running now (None under python3 -m), for the modules' --help.
_program: Optional[str] = None


def program_name(module_spelling: str) -> str:
    """How the running command was spelled: the console script's name, else
    ``module_spelling`` (e.g. "python3 -m spikeae.paper")."""
    return _program or module_spelling


def cli_path() -> Path:
    """The `spikeae` program installed with this package."""
    return Path(__file__).resolve().parent / "bin" / "spikeae"


def _run_module(name: str, program: str) -> None:
    # As `python3 -m NAME`: the module's own `if __name__ == "__main__"` block
    # handles errors and exit codes.
    global _program
    _program = program
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def paper() -> None:
    _run_module("spikeae.paper", "spikeae-paper")


def search() -> None:
    _run_module("spikeae.search", "spikeae-search")


def cli() -> None:
    program = cli_path()
    if not os.access(program, os.X_OK):
        sys.exit(f"spikeae: the command-line tool is missing at {program}; this package was "
                 "not installed with pip (the build tree has it as build/apps/spikeae/spikeae)")
    os.execv(program, [str(program), *sys.argv[1:]])
