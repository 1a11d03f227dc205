"""config.toml: the configuration a corpus was built with, written at its first ingest.

Every command that opens the corpus compares and judges with these settings, so that two runs
of one corpus always agree: an option that would change them is refused (``SettingsRefused``),
and ``policy-dedup rekey`` changes them on purpose. A corpus made before this file existed reads
as the defaults. The decoding of each file given with ``--encoding`` is not here: it is recorded
in that file's manifest row (``given_encoding``), since it belongs to the file, not the corpus.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe.config import DedupeConfig
from dedupe.errors import CorpusError, InputError
from normalize import NormalizeConfig

FILE = "config.toml"
VERSION = 1
NORMALIZE_FIELDS = tuple(f for f in NormalizeConfig._fields if f != "encoding")  # encoding: per file
OPTIONS = {"near_threshold": "--threshold"}  # settings a command-line option sets


class SettingsRefused(InputError):
    """An option asks for settings other than those the corpus was built with."""


@dataclass(frozen=True)
class Settings:
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)

    def recorded(self) -> dict[str, dict[str, Any]]:
        """What the file holds: every setting that can change a result."""
        norm = {f: getattr(self.normalize, f) for f in NORMALIZE_FIELDS}
        return {"normalize": norm, "dedupe": self.dedupe.results()}

    def key(self) -> str:
        """Names everything a cache derives from these settings (records, signatures, bands, passages)."""
        text = json.dumps(self.recorded(), sort_keys=True)
        return f"{self.dedupe.signature_fingerprint()}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"

    def differences(self, other: Settings) -> list[tuple[str, Any, Any]]:
        """(name, this value, the other's) of every recorded setting that differs."""
        mine, theirs = self.recorded(), other.recorded()
        return [(name, value, theirs[part][name]) for part in mine for name, value in mine[part].items()
                if theirs[part][name] != value]  # fmt: skip


def dump(settings: Settings) -> str:
    """The TOML text of ``settings`` (flat tables of booleans, numbers and ``"detect"``)."""
    lines = [
        "# How this corpus compares and judges notices, recorded at its first ingest: every command uses it.",
        "# Change it on purpose with: policy-dedup rekey --corpus DIR --threshold T (the cache is rebuilt).",
        f"version = {VERSION}",
    ]
    for part, values in settings.recorded().items():
        lines += ["", f"[{part}]"]
        lines += [f"{name} = {_toml(value)}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if value is None:
        return '"detect"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def parse(text: str, where: str) -> Settings:
    """Settings from the TOML text; a key the file lacks takes its default (a newer setting)."""
    fix = f"restore it from version control (git checkout -- {FILE}) or delete it to use the defaults"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{where} is not valid TOML ({exc}): {fix}") from None
    if data.get("version", VERSION) != VERSION:
        raise CorpusError(f"{where} is of version {data.get('version')!r}, not {VERSION}: use the policy-dedup "
                          "that made the corpus")  # fmt: skip
    unknown = sorted(set(data) - {"version", "normalize", "dedupe"})
    norm, dedupe = dict(data.get("normalize", {})), dict(data.get("dedupe", {}))
    unknown += [f"normalize.{k}" for k in norm if k not in NORMALIZE_FIELDS]
    unknown += [f"dedupe.{k}" for k in dedupe if k not in DedupeConfig().results()]
    if unknown:
        raise CorpusError(f"{where} has unknown setting(s) {', '.join(unknown)}: {fix}")
    if norm.get("html") == "detect":
        norm["html"] = None
    defaults = Settings().recorded()
    wrong = _mistyped("normalize", norm, defaults["normalize"]) + _mistyped("dedupe", dedupe, defaults["dedupe"])
    if wrong:
        raise CorpusError(f"{where}: {'; '.join(wrong)}: {fix}")
    try:
        return Settings(DedupeConfig(**dedupe), NormalizeConfig(**norm))
    except (TypeError, ValueError) as exc:
        raise CorpusError(f"{where}: {exc}: {fix}") from None


def _kind(default: Any) -> str:
    """What a setting must hold, told by its default's type."""
    if default is None:
        return 'true, false or "detect"'
    if isinstance(default, bool):
        return "true or false"
    return "a whole number" if isinstance(default, int) else "a number"


def _mistyped(part: str, values: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    """``dedupe.near_threshold is 'high', not a number`` for each setting whose value is not of its
    kind (a whole number is a number; true and false are not numbers)."""
    out = []
    for name, value in values.items():
        default = defaults[name]
        if default is None:
            fits = value is None or isinstance(value, bool)
        elif isinstance(default, bool) or isinstance(value, bool):
            fits = isinstance(value, bool) and isinstance(default, bool)
        else:
            fits = isinstance(value, int) if isinstance(default, int) else isinstance(value, (int, float))
        if not fits:
            out.append(f"{part}.{name} is {_toml(value)}, not {_kind(default)}")
    return out


def load(root: Path) -> Settings | None:
    """The corpus's recorded settings, or None when it has no config.toml (made before it existed)."""
    path = root / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from None
    return parse(text, str(path))


def write(root: Path, settings: Settings) -> None:
    """Write config.toml whole (through a temporary file renamed over it)."""
    path = root / FILE
    tmp = path.with_name(f".{FILE}.tmp")
    tmp.write_text(dump(settings), encoding="utf-8")
    os.replace(tmp, path)


def resolve(root: Path, recorded: Settings, dedupe: DedupeConfig | None, normalize: NormalizeConfig | None) -> Settings:
    """The settings a command uses on a corpus: the recorded ones, or refused when the options
    given (``dedupe``/``normalize``, None when none) ask for others. A normalize configuration
    asks for nothing but its encoding (recorded per file) unless it differs from the defaults."""
    if normalize is not None and normalize._replace(encoding=None) == NormalizeConfig():
        normalize = None
    given = Settings(dedupe or recorded.dedupe, normalize or recorded.normalize)
    changed = given.differences(recorded)
    if changed:
        wanted = ", ".join(f"{name} {value} (recorded: {was})" for name, value, was in changed)
        options = " ".join(f"{OPTIONS[name]} {value}" for name, value, _ in changed if name in OPTIONS)
        raise SettingsRefused(
            f"the corpus {root} was built with other settings than asked for: {wanted}; every command on it uses "
            f"its {FILE}: leave the option out, or change the corpus on purpose with: policy-dedup rekey "
            f"--corpus {root} {options}"
        )
    vectorized = dedupe.vectorized if dedupe else recorded.dedupe.vectorized
    return Settings(dataclasses.replace(recorded.dedupe, vectorized=vectorized), recorded.normalize)
