"""``heed records import CSV [--index DIR]``: load nominal records into the person index."""

from __future__ import annotations

import argparse

from heed.commands import CommandError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``records`` command group."""
    records = subparsers.add_parser("records", help="manage the nominal records the person check searches")
    actions = records.add_subparsers(dest="records_command", metavar="ACTION")
    actions.required = True
    load = actions.add_parser(
        "import",
        help="import a nominal-record CSV (re-importing replaces records with the same record_id)",
        description="Import a nominal-record CSV into the person index. Bad rows are listed with their line "
        "number and reason; the rest load. Exit status 1 when any row was refused.",
    )
    load.add_argument("csv", help="UTF-8 CSV with a header row (record_id, given_name, family_name, ...)")
    load.add_argument(
        "--index",
        default=None,
        help="index directory or postgresql:// URL "
        "(default: $HEED_INDEX_DIR, else $HEED_VAR_DIR/index, else ./var/index)",
    )
    load.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    from heed.checks import CsvLayoutError, IndexUnavailable, import_csv, index_location

    try:
        location = index_location(args.index)
        report = import_csv(args.csv, location)
    except (CsvLayoutError, IndexUnavailable) as exc:
        raise CommandError(str(exc)) from None
    except FileNotFoundError:
        raise CommandError(f"{args.csv}: no such file") from None
    except OSError as exc:
        raise CommandError(f"{args.csv}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    for line, reason in report.errors:
        print(f"{args.csv}:{line}: refused: {reason}")
    print(f"loaded {report.loaded} record(s), refused {report.refused} row(s) into {location}")
    return 1 if report.refused else 0
