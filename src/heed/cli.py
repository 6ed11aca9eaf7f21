"""The `heed` console command: a thin dispatcher over the sub-command modules in ``heed.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each module registers its own sub-commands; the list is the only place that knows them all.
COMMAND_MODULES: tuple[str, ...] = (
    "heed.commands.assess",
    "heed.commands.records",
    "heed.commands.check",
    "heed.commands.web",
)


class CommandError(Exception):
    """A problem the user can fix (bad input, missing file). Printed as one clear line, never a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heed", description="Heed: safeguarding support for calls about the online grooming of children."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except CommandError as exc:
        print(f"heed: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("heed: interrupted", file=sys.stderr)
        return 130
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
