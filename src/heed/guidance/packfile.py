"""Guidance pack files: a pack directory (laid out like ``heed/risk/packs/national/``) built into one file
with a manifest, signed with Ed25519 keys, and verified before a force trusts it. Pure Python (no Django):
the CLI, the web app and batch jobs use the same code.

A pack file is a ZIP archive holding ``manifest.json`` and the pack's files under ``pack/``. The manifest says
the pack's name and version, the digest of the version before it, when it may be used (``not_before``) and
until when (``expires``), a SHA-256 for every file, and the signatures. What is signed is the manifest without
its signatures, in canonical JSON: so a signature covers every file through its digest, and a file changed,
added or removed after signing no longer matches.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "heed-guidance-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "pack/"
MAX_FILE_BYTES = 20_000_000
MAX_MEMBERS = 200
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every member stamped alike, so a build is byte-for-byte repeatable


class PackFileRefused(ValueError):
    """A pack file that must not be trusted (or cannot be read); the message is one line saying why."""


@dataclass(frozen=True)
class PackFile:
    """A pack file's manifest and files, as read (not yet verified unless it came from ``verify``)."""

    manifest: Mapping[str, Any]
    files: Mapping[str, bytes]  # path inside the pack (no ``pack/``) -> contents

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def digest(self) -> str:
        return manifest_digest(self.manifest)


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """What is signed: the manifest without its signatures, as canonical JSON."""
    body = {k: v for k, v in manifest.items() if k != "signatures"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(manifest)).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers to compare ("2026.12.1" -> (2026, 12, 1)); refused if it is not dotted numbers."""
    if not re.fullmatch(r"\d+(?:\.\d+)*", version):
        raise PackFileRefused(f"version {version!r} is not dotted whole numbers (e.g. 2026.12.1)")
    return tuple(int(p) for p in version.split("."))


# ------------------------------------------------------------------------------------------------------ keys


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def keygen(out: Path) -> str:
    """Write a new Ed25519 key pair as ``out/private.pem`` (readable by its owner only) and
    ``out/public.pem``; return the key's id. Refuses to overwrite a key."""
    private_path, public_path = out / "private.pem", out / "public.pem"
    for p in (private_path, public_path):
        if p.exists():
            raise PackFileRefused(f"{p} exists already: keys are never overwritten")
    out.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    private_path.touch(mode=0o600)
    private_path.write_bytes(pem)
    public = private.public_key()
    public_path.write_bytes(
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return key_id(public)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise PackFileRefused(f"{path}: not a readable private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PackFileRefused(f"{path}: not an Ed25519 private key")
    return key


_PEM_BLOCK = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


def load_trusted_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """The trusted public keys in ``path`` (one or more PEM blocks: several let a key be rotated), by id."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackFileRefused(f"{path}: trusted keys cannot be read ({exc.strerror})") from None
    keys: dict[str, Ed25519PublicKey] = {}
    for block in _PEM_BLOCK.findall(raw):
        try:
            key = serialization.load_pem_public_key(block)
        except ValueError as exc:
            raise PackFileRefused(f"{path}: a key that cannot be read ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise PackFileRefused(f"{path}: a key that is not Ed25519")
        keys[key_id(key)] = key
    if not keys:
        raise PackFileRefused(f"{path}: no public key in it")
    return keys


# ---------------------------------------------------------------------------------------------- build, sign


def _pack_files(directory: Path) -> dict[str, bytes]:
    if not (directory / "pack.yaml").is_file():
        raise PackFileRefused(f"{directory}: no pack.yaml (lay it out like heed/risk/packs/national/)")
    files: dict[str, bytes] = {}
    for p in sorted(directory.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            files[p.relative_to(directory).as_posix()] = p.read_bytes()
    return files


def build(
    directory: Path,
    *,
    previous: PackFile | None = None,
    not_before: date | None = None,
    expires: date | None = None,
    today: date | None = None,
) -> bytes:
    """The pack file for ``directory``: its version from ``pack.yaml``, unsigned. ``previous``: the version it
    follows (its digest is recorded, and the new version must be higher)."""
    files = _pack_files(directory)
    meta = yaml.safe_load(files["pack.yaml"]) or {}
    if not isinstance(meta, dict):
        raise PackFileRefused(f"{directory}/pack.yaml: not a mapping of fields")
    name, version = str(meta.get("name", "")), str(meta.get("version", ""))
    if not name:
        raise PackFileRefused(f"{directory}/pack.yaml: no name")
    version_key(version)
    if previous is not None and version_key(version) <= version_key(previous.version):
        raise PackFileRefused(f"version {version} is not higher than the previous version {previous.version}")
    today = today or datetime.now(UTC).date()
    start = not_before or today
    end = expires or date(start.year + 1, start.month, min(start.day, 28))
    if end <= start:
        raise PackFileRefused(f"it would expire ({end}) before it may be used ({start})")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "version": version,
        "previous_digest": previous.digest if previous is not None else None,
        "previous_version": previous.version if previous is not None else None,
        "not_before": start.isoformat(),
        "expires": end.isoformat(),
        "files": {path: hashlib.sha256(data).hexdigest() for path, data in files.items()},
        "signatures": [],
    }
    return _write(manifest, files)


def _write(manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))] + [
            (PREFIX + path, files[path]) for path in sorted(files)
        ]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def sign_document(document: Mapping[str, Any], private: Ed25519PrivateKey) -> dict[str, Any]:
    """``document`` (a JSON object with a ``signatures`` list, or none yet) with a signature by ``private``
    over its canonical JSON added (a key signs once). Shared by pack manifests and statistics files."""
    kid = key_id(private.public_key())
    signatures = [s for s in document.get("signatures", []) if s.get("key_id") != kid]
    signature = base64.b64encode(private.sign(canonical(document))).decode("ascii")
    return {**document, "signatures": [*signatures, {"key_id": kid, "signature": signature}]}


def verified_signers(document: Mapping[str, Any], trusted: Mapping[str, Ed25519PublicKey]) -> list[str]:
    """The trusted keys whose signatures on ``document`` verify; PackFileRefused (one line) when it is
    unsigned, when a trusted key's signature does not match (tampered), or when no trusted key signed it."""
    signatures = document.get("signatures") or []
    if not isinstance(signatures, list) or not signatures:
        raise PackFileRefused("unsigned: no signature on it")
    payload = canonical(document)
    valid_by: list[str] = []
    for s in signatures:
        if not isinstance(s, dict):
            raise PackFileRefused("its signatures cannot be read")
        key = trusted.get(str(s.get("key_id")))
        if key is None:
            continue
        try:
            key.verify(base64.b64decode(str(s.get("signature", ""))), payload)
        except (InvalidSignature, ValueError):
            raise PackFileRefused(
                f"tampered: the signature by key {s.get('key_id')} does not match"
            ) from None
        valid_by.append(str(s["key_id"]))
    if not valid_by:
        ids = ", ".join(str(s.get("key_id")) for s in signatures)
        raise PackFileRefused(f"signed by a key that is not trusted here ({ids})")
    return valid_by


def sign(data: bytes, private: Ed25519PrivateKey) -> bytes:
    """``data`` (a pack file) with a signature by ``private`` added (a key signs once)."""
    pack = read(data)
    return _write(sign_document(pack.manifest, private), pack.files)


# ------------------------------------------------------------------------------------------ read and verify


def read(data: bytes) -> PackFile:
    """The manifest and files of a pack file, without trusting either (``verify`` decides that)."""
    try:
        return _read(data)
    # What zipfile raises for a damaged archive: a bad CRC or header (BadZipFile), a corrupt deflate stream
    # (zlib.error), a member cut short (EOFError), a bad seek (OSError) and a compression method it does not
    # implement (NotImplementedError). Each is a damaged file to refuse in words, never a traceback.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise PackFileRefused(f"a damaged pack file ({exc.__class__.__name__}: {exc})") from None


def _read(data: bytes) -> PackFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackFileRefused("not a pack file (not a ZIP archive)") from None
    with z:
        members = z.infolist()
        if len(members) > MAX_MEMBERS:
            raise PackFileRefused(f"more than {MAX_MEMBERS} files in it")
        if any(m.file_size > MAX_FILE_BYTES for m in members):
            raise PackFileRefused(f"a file in it is larger than {MAX_FILE_BYTES // 1_000_000} MB")
        names = {m.filename for m in members}
        if MANIFEST not in names:
            raise PackFileRefused("no manifest.json in it")
        try:
            manifest = json.loads(z.read(MANIFEST))
        except (ValueError, UnicodeDecodeError):
            raise PackFileRefused("its manifest.json is not JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise PackFileRefused(f"its manifest is not a {FORMAT} manifest")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise PackFileRefused(f"format version {manifest.get('format_version')!r} (this Heed reads 1)")
        files = {}
        for name in sorted(names - {MANIFEST}):
            if not name.startswith(PREFIX) or ".." in name.split("/") or name.endswith("/"):
                raise PackFileRefused(f"an unexpected entry in it: {name!r}")
            files[name[len(PREFIX) :]] = z.read(name)
    for field in ("name", "version", "not_before", "expires", "files", "signatures"):
        if field not in manifest:
            raise PackFileRefused(f"its manifest has no {field}")
    return PackFile(manifest=manifest, files=files)


def verify(
    data: bytes,
    trusted: Mapping[str, Ed25519PublicKey],
    *,
    today: date | None = None,
    installed_version: str | None = None,
) -> PackFile:
    """The pack file, if it can be trusted: every file as the manifest lists it, a valid signature by a
    trusted key, in date, and newer than ``installed_version``; otherwise PackFileRefused saying why, in one
    line."""
    pack = read(data)
    m = pack.manifest
    listed = m["files"]
    if not isinstance(listed, dict):
        raise PackFileRefused("its manifest's file list cannot be read")
    added, missing = sorted(set(pack.files) - set(listed)), sorted(set(listed) - set(pack.files))
    if added or missing:
        what = "; ".join(
            part
            for part in (
                f"added {', '.join(added)}" if added else "",
                f"removed {', '.join(missing)}" if missing else "",
            )
            if part
        )
        raise PackFileRefused(f"tampered: files {what} since it was signed")
    for path, data_ in pack.files.items():
        if hashlib.sha256(data_).hexdigest() != listed[path]:
            raise PackFileRefused(f"tampered: {path} is not the file that was signed")
    verified_signers(m, trusted)
    today = today or datetime.now(UTC).date()
    try:
        start, end = date.fromisoformat(str(m["not_before"])), date.fromisoformat(str(m["expires"]))
    except ValueError:
        raise PackFileRefused("its dates cannot be read") from None
    if today < start:
        raise PackFileRefused(f"not yet valid: it may be used from {start}")
    if today >= end:
        raise PackFileRefused(f"expired on {end}")
    if installed_version is not None and version_key(pack.version) <= version_key(installed_version):
        raise PackFileRefused(
            f"version {pack.version} is not newer than the one installed ({installed_version}): a rollback"
        )
    return pack


def unpack(pack: PackFile, directory: Path) -> Path:
    """Write a (verified) pack's files into ``directory``; return it."""
    for path, data in pack.files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return directory


# ------------------------------------------------------------------------------------------------------ diff


def _entries(pack: Any) -> dict[str, dict[str, Any]]:
    """The parts of a loaded GuidancePack the people who approve a change read, by kind and code."""
    rules: dict[str, Any] = {}
    for group in (
        pack.response_rules,
        pack.action_rules,
        pack.raise_rules,
        pack.advice_rules,
        [pack.risk_default],
    ):
        for r in group:
            rules[r.id] = {"when": r.when, "value": r.value, "text": r.text}
    for level, group in pack.risk_rules.items():
        for r in group:
            rules[r.id] = {"level": level, "when": r.when, "text": r.text}
    return {
        "indicator": {
            c: {"label": i.label, "definition": i.definition, "examples": list(i.examples)}
            for c, i in pack.indicators.items()
        },
        "question": {
            q.id: {"text": q.text, "answers": sorted(q.answers), "decisive": q.decisive}
            for q in pack.questions.values()
        },
        "rule": rules,
        "agency": {
            c: {"name": a.name, "contact": dict(a.contact), "purpose": a.purpose}
            for c, a in pack.agencies.items()
        },
        "action": {
            c: {"label": a.label, "may_be_not_applicable": a.may_be_not_applicable}
            for c, a in pack.actions.items()
        },
        "example": {
            c: {"positive": list(e.positive), "negative": list(e.negative)} for c, e in pack.examples.items()
        },
    }


def diff(old: Any, new: Any) -> list[str]:
    """The changes from one loaded pack to another, in readable lines: added, removed, changed (with the
    fields that changed), by kind (indicators, questions, rules, agencies and contacts, actions, examples),
    then what joined or left the national floor (what forces may not lower; floor.yaml)."""
    a, b = _entries(old), _entries(new)
    lines: list[str] = []
    for kind in a:
        before, after = a[kind], b[kind]
        for code in sorted(set(after) - set(before)):
            lines.append(f"{kind} {code}: added")
        for code in sorted(set(before) - set(after)):
            lines.append(f"{kind} {code}: removed")
        for code in sorted(set(before) & set(after)):
            for field, value in after[code].items():
                was = before[code].get(field)
                if was != value:
                    lines.append(f"{kind} {code}: {field} changed: {_short(was)} -> {_short(value)}")
    floor_before, floor_after = old.floor.items(), new.floor.items()
    for kind, code in sorted(floor_after - floor_before):
        lines.append(f"{kind} {code}: added to the national floor (forces may no longer lower or remove it)")
    for kind, code in sorted(floor_before - floor_after):
        lines.append(f"{kind} {code}: removed from the national floor (forces may now lower or remove it)")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 200 else text[:197] + "..."


def describe(pack: Any) -> list[str]:
    """A loaded pack in readable lines, for ``heed guidance show``: every indicator, question, rule, agency
    and action with what it says (the diff's reading, of one pack)."""
    lines: list[str] = []
    for kind, entries in _entries(pack).items():
        if kind == "example":
            continue
        for code, fields in entries.items():
            said = "; ".join(f"{k}: {_short(v)}" for k, v in fields.items() if k != "examples")
            lines.append(f"{kind} {code}: {said}")
    return lines
