"""Signed guidance pack files (issue 12, its first part): built from a pack directory, signed with Ed25519,
and refused when tampered with, unsigned, signed by a key not trusted, out of date, or older than the version
installed; ``heed guidance diff`` says what changed in readable lines."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from heed.cli import main
from heed.guidance import packfile as pf
from heed.risk import load_pack
from heed.risk.pack import NATIONAL_DIR

TODAY = date(2026, 12, 7)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Ed25519PrivateKey, dict[str, object]]:
    pf.keygen(tmp_path / "owner")
    private = pf.load_private_key(tmp_path / "owner" / "private.pem")
    return private, dict(pf.load_trusted_keys(tmp_path / "owner" / "public.pem"))


def built(directory: Path = NATIONAL_DIR, **kwargs: object) -> bytes:
    return pf.build(directory, today=TODAY, **kwargs)  # type: ignore[arg-type]


def next_version(tmp_path: Path, version: str) -> Path:
    copy = tmp_path / f"pack-{version}"
    shutil.copytree(NATIONAL_DIR, copy)
    meta = copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    current = load_pack().version.split("@")[1]
    meta.write_text(text.replace(f'version: "{current}"', f'version: "{version}"'), encoding="utf-8")
    return copy


def test_a_signed_pack_verifies_and_a_build_is_repeatable(keys: tuple) -> None:
    private, trusted = keys
    assert built() == built()  # the same directory builds the same bytes
    pack = pf.verify(pf.sign(built(), private), trusted, today=TODAY)  # type: ignore[arg-type]
    assert pack.name == "national" and pack.files["pack.yaml"] == (NATIONAL_DIR / "pack.yaml").read_bytes()
    assert pack.manifest["not_before"] == "2026-12-07" and pack.manifest["expires"] == "2027-12-07"


def rewrite(data: bytes, path: str, content: bytes | None) -> bytes:
    """The pack file with one member changed (``content``), or removed (None), keeping the rest as it is."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            if info.filename == path:
                if content is not None:
                    z.writestr(info, content)
            else:
                z.writestr(info, src.read(info.filename))
    return out.getvalue()


def later_expiry(data: bytes) -> bytes:
    manifest = {**pf.read(data).manifest, "expires": "2099-01-01"}
    return rewrite(data, "manifest.json", json.dumps(manifest).encode("utf-8"))


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda d: rewrite(d, "pack/rules.yaml", b"risk_rules: {}\n"),
            "tampered: rules.yaml is not the file",
        ),
        (lambda d: rewrite(d, "pack/agencies.yaml", None), "tampered: files removed agencies.yaml"),
        (
            lambda d: rewrite(
                d,
                "manifest.json",
                d
                and pf.read(d).manifest.__class__  # type: ignore[arg-type]
                and __import__("json").dumps({**pf.read(d).manifest, "expires": "2099-01-01"}).encode(),
            ),
            "tampered: the signature by key",
        ),
    ],
)
def test_a_tampered_pack_is_refused(keys: tuple, tamper: object, reason: str) -> None:
    private, trusted = keys
    signed = pf.sign(built(), private)
    with pytest.raises(pf.PackFileRefused, match=reason):
        pf.verify(tamper(signed), trusted, today=TODAY)  # type: ignore[operator]


def test_an_unsigned_pack_and_one_signed_by_an_untrusted_key_are_refused(keys: tuple) -> None:
    _, trusted = keys
    with pytest.raises(pf.PackFileRefused, match="unsigned: no signature"):
        pf.verify(built(), trusted, today=TODAY)
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(pf.PackFileRefused, match="signed by a key that is not trusted here"):
        pf.verify(pf.sign(built(), stranger), trusted, today=TODAY)


def test_out_of_date_packs_are_refused(keys: tuple) -> None:
    private, trusted = keys
    signed = pf.sign(built(expires=date(2027, 1, 1)), private)
    with pytest.raises(pf.PackFileRefused, match="expired on 2027-01-01"):
        pf.verify(signed, trusted, today=date(2027, 1, 1))
    later = pf.sign(built(not_before=date(2027, 2, 1)), private)
    with pytest.raises(pf.PackFileRefused, match="not yet valid: it may be used from 2027-02-01"):
        pf.verify(later, trusted, today=TODAY)


def test_a_rollback_is_refused_at_build_and_at_verify(keys: tuple, tmp_path: Path) -> None:
    private, trusted = keys
    newer = pf.read(built(next_version(tmp_path, "2099.1.0")))
    with pytest.raises(pf.PackFileRefused, match="not higher than the previous version 2099.1.0"):
        built(previous=newer)
    with pytest.raises(pf.PackFileRefused, match="not newer than the one installed .2099.1.0.: a rollback"):
        pf.verify(pf.sign(built(), private), trusted, today=TODAY, installed_version="2099.1.0")


def test_keys_rotate_the_trusted_file_holds_old_and_new(keys: tuple, tmp_path: Path) -> None:
    private, _ = keys
    pf.keygen(tmp_path / "next")
    both = tmp_path / "trusted.pem"
    both.write_bytes(
        (tmp_path / "owner" / "public.pem").read_bytes() + (tmp_path / "next" / "public.pem").read_bytes()
    )
    trusted = pf.load_trusted_keys(both)
    assert len(trusted) == 2
    new_key = pf.load_private_key(tmp_path / "next" / "private.pem")
    assert pf.verify(pf.sign(built(), private), trusted, today=TODAY).name == "national"
    assert pf.verify(pf.sign(built(), new_key), trusted, today=TODAY).name == "national"
    with pytest.raises(pf.PackFileRefused, match="exists already: keys are never overwritten"):
        pf.keygen(tmp_path / "next")
    assert oct((tmp_path / "next" / "private.pem").stat().st_mode & 0o777) == "0o600"
    assert serialization.load_pem_public_key((tmp_path / "next" / "public.pem").read_bytes())


def test_the_diff_names_what_changed_in_readable_lines(tmp_path: Path) -> None:
    copy = next_version(tmp_path, "2099.1.0")
    agencies = copy / "agencies.yaml"
    agencies.write_text(
        agencies.read_text(encoding="utf-8").replace(
            "name: NSPCC Helpline", "name: NSPCC Helpline (24 hours)"
        ),
        encoding="utf-8",
    )
    lines = pf.diff(load_pack(), load_pack(national_dir=copy))
    assert lines == ['agency nspcc: name changed: "NSPCC Helpline" -> "NSPCC Helpline (24 hours)"']


def test_the_diff_names_what_joined_or_left_the_national_floor(tmp_path: Path) -> None:
    copy = next_version(tmp_path, "2099.1.0")
    floor = copy / "floor.yaml"
    text = floor.read_text(encoding="utf-8")
    for line in ("    - ADV-GENERAL ", "    - immediate_danger\n"):
        assert line in text
        text = text.replace(line, "    # (left the floor) ")
    floor.write_text(text, encoding="utf-8")
    current, nxt = load_pack(), load_pack(national_dir=copy)
    assert pf.diff(current, nxt) == [
        "indicator immediate_danger: removed from the national floor (forces may now lower or remove it)",
        "rule ADV-GENERAL: removed from the national floor (forces may now lower or remove it)",
    ]
    assert pf.diff(nxt, current) == [
        "indicator immediate_danger: added to the national floor (forces may no longer lower or remove it)",
        "rule ADV-GENERAL: added to the national floor (forces may no longer lower or remove it)",
    ]


def test_the_commands_exit_non_zero_with_one_line_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.zip"
    assert main(["guidance", "keygen", "--out", str(tmp_path / "k")]) == 0
    assert main(["guidance", "build", str(NATIONAL_DIR), "-o", str(out)]) == 0
    keys = str(tmp_path / "k" / "public.pem")
    capsys.readouterr()
    assert main(["guidance", "verify", str(out), "--keys", keys]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("refused: unsigned: no signature on it") and "\n" not in err
    assert main(["guidance", "sign", str(out), "--key", str(tmp_path / "k" / "private.pem")]) == 0
    assert main(["guidance", "verify", str(out), "--keys", keys]) == 0
    assert "trusted: national" in capsys.readouterr().out
    assert main(["guidance", "build", str(tmp_path), "-o", str(tmp_path / "x.zip")]) == 2
    assert "no pack.yaml" in capsys.readouterr().err


def test_a_damaged_or_foreign_file_is_refused_in_words() -> None:
    data = bytearray(built())
    data[len(data) // 3 : len(data) // 3 + 64] = b"\x00" * 64  # damage inside a compressed member
    with pytest.raises(pf.PackFileRefused, match="damaged|tampered|not a pack file|not JSON"):
        pf.read(bytes(data))
    with pytest.raises(pf.PackFileRefused, match="not a pack file"):
        pf.read(b"PK\x03\x04 not really a zip")
    with pytest.raises(pf.PackFileRefused, match="no manifest.json"):
        pf.read(rewrite(built(), "manifest.json", None))
