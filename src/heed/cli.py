"""The `heed` console command: a thin dispatcher over the sub-command modules in ``heed.commands``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from heed.commands import CommandError, assess, audit, check, forces, guidance, records, stats, train, web

# Each module registers its own sub-commands; the list is the only place that knows them all. (The modules
# import only the standard library and heed's pure packages at load time, so ``heed assess`` starts fast.)
COMMAND_MODULES = (assess, records, check, web, audit, forces, train, guidance, stats)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heed", description="Heed: safeguarding support for calls about the online grooming of children."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.register(subparsers)
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
