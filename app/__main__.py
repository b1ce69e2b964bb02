"""`python -m app` — SwitchRoom's command line.

Each subcommand lives in its own module under `app.commands` and offers `add_arguments(parser)`
and `run(args) -> int`; this file only wires them up, so a new command is one new module.
With no subcommand, `console` runs: the operator console on the demo site.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app.logs import setup_logging
from app.process import limit_malloc_arenas, tune_collector

#: (name, module, one-line help).  Order is the order `--help` lists them in.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("console", "app.commands.console", "run the console on a site (default: the demo site, simulated)"),
    ("serve", "app.commands.serve", "run a site headless: listener, acquisition, historian"),
    ("points", "app.commands.points", "print the latest recorded values of points"),
    ("simulate", "app.commands.simulate", "run the plant simulator: DTUs that dial a listener"),
    ("probe", "app.commands.probe", "commissioning: wait for a DTU and read one device's values"),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (exposed for tests and --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="SwitchRoom — operator console for power-distribution rooms (配电房).",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in COMMANDS:
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=module.__doc__.split("\n\n")[0])
        p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m app` and of the `switchroom` script."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    names = {name for name, _, _ in COMMANDS}
    if not names.intersection(words) and not {"-h", "--help"}.intersection(words):
        words.insert(0, "console")  # `python -m app --site X` means the console
    args = parser.parse_args(words)
    setup_logging(args.verbose)
    tune_collector()
    limit_malloc_arenas()  # before any decoder, poller or server thread starts
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
