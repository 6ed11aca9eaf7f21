"""``heed train validate FILE...``: check training scenarios against the guidance pack before they are
published (no database needed: a trainer can check a file anywhere)."""

from __future__ import annotations

import argparse
from typing import Any

from heed.risk import default_pack
from heed.training.scenario import ScenarioError, scenario_from_file


def register(subparsers: Any) -> None:
    train = subparsers.add_parser("train", help="training scenarios")
    act = train.add_subparsers(dest="train_command", metavar="ACTION")
    act.required = True
    validate = act.add_parser(
        "validate",
        help="check scenario files (docs/training-scenarios.md); each mistake is named by its place",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    pack = default_pack()
    failed = 0
    for path in args.files:
        try:
            s = scenario_from_file(path, pack)
        except ScenarioError as exc:
            failed += 1
            print(f"{path}: REFUSED ({len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''})")
            for problem in exc.problems:
                print(f"  - {problem}")
            continue
        print(f"{path}: ok ({s.id} v{s.version}, {s.role}, {len(s.facts)} facts, pack {pack.version})")
    return 1 if failed else 0
