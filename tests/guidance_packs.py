"""SYNTHETIC national guidance versions for the tests: the shipped pack copied, given a new version and
(optionally) a stricter rule, built and signed with a key made for the test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from heed.guidance import packfile as pf
from heed.packstore.selectors import shipped_version
from heed.risk.pack import NATIONAL_DIR

# A rule the shipped pack does not have: keeping a contact secret from parents grades medium on its own.
SECRECY_RULE = {
    "id": "RISK-MED-SECRECY-SYN",
    "when": {"has": "secrecy"},
    "text": "SYNTHETIC stricter rule: the contact asks the child to keep the contact secret.",
}
# A call the shipped pack grades standard (one sign, secrecy, from a same-age contact); SECRECY_RULE raises.
SECRECY_NARRATIVE = (
    "SYNTHETIC. A boy in her class keeps messaging her on Snapchat and told her to keep their chats a secret "
    "from us. He is 13, same as her."
)


def today_utc() -> date:
    return datetime.now(UTC).date()


def bump(version: str, step: int = 1) -> str:
    parts = [int(p) for p in version.split(".")]
    parts[-1] += step
    return ".".join(str(p) for p in parts)


class Keys:
    def __init__(self, root: Path) -> None:
        self.kid = pf.keygen(root)
        self.private = pf.load_private_key(root / "private.pem")
        self.public_file = root / "public.pem"
        self.trusted = dict(pf.load_trusted_keys(self.public_file))


def pack_dir(tmp: Path, version: str, edit: Callable[[Path], Any] | None = None) -> Path:
    """The shipped pack as a new ``version`` (``edit(dir)`` may change its files)."""
    copy = Path(tempfile.mkdtemp(dir=tmp, prefix=f"pack-{version}-")) / "pack"
    shutil.copytree(NATIONAL_DIR, copy)
    meta = copy / "pack.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(f'version: "{shipped_version()}"', f'version: "{version}"'),
        encoding="utf-8",
    )
    if edit is not None:
        edit(copy)
    return copy


def add_secrecy_rule(directory: Path) -> None:
    path = directory / "rules.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["risk_rules"]["medium"].append(SECRECY_RULE)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def signed(
    tmp: Path,
    keys: Keys,
    version: str,
    *,
    edit: Callable[[Path], Any] | None = None,
    expires: date | None = None,
    not_before: date | None = None,
) -> bytes:
    today = today_utc()
    data = pf.build(
        pack_dir(tmp, version, edit),
        not_before=not_before or today - timedelta(days=1),
        expires=expires or today + timedelta(days=365),
        today=today,
    )
    return pf.sign(data, keys.private)
