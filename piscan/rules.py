"""Locate, read and validate the data files in ``rules/``; errors name the file and the key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from piscan.errors import ConfigError


@cache
def rules_dir() -> Path:
    """The rules folder: inside the installed package, else beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "entities.yaml").is_file():
            return candidate
    raise ConfigError(str(here / "rules"), "", "piscan's rules folder is missing from the install")


# Users' rules folders (``--rules DIR``): entities.yaml, recognizers/*.yaml and policies/*.yaml
# added to the bundled ones without editing the installed package. Process-wide, like the
# bundled rules' caches; worker processes set it again from their ScanConfig.
_USER_DIRS: list[Path] = []


def use_user_rules(folders: Iterable[Path | str]) -> None:
    """Add users' rules folders to the bundled rules (replacing any set before)."""
    resolved = []
    for folder in folders:
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise ConfigError(str(folder), "", "rules folder not found")
        resolved.append(path)
    _USER_DIRS[:] = resolved


def user_rules_dirs() -> tuple[Path, ...]:
    """The users' rules folders in use, in the order given."""
    return tuple(_USER_DIRS)


def user_files(sub: str) -> tuple[Path, ...]:
    """``recognizers`` or ``policies`` YAML files of the users' rules folders."""
    return tuple(p for d in _USER_DIRS for p in sorted((d / sub).glob("*.yaml")))


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning I/O and syntax errors into one-line ConfigErrors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(str(path), where, f"invalid YAML: {problem}") from None


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((rules_dir() / "schemas" / f"{name}.schema.json").read_text("utf-8"))


def schema_keys(name: str) -> list[str]:
    """The top-level keys a schema allows, for "did you mean" hints."""
    return list(_schema(name).get("properties", {}))


def validate(data: Any, schema: str, file: Path | str) -> None:
    """Check ``data`` against ``rules/schemas/<schema>.schema.json``; raise on the first error."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        key = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise ConfigError(str(file), key, _short(err.message))


def load(path: Path, schema: str) -> Any:
    """Read and validate one rules file."""
    data = read_yaml(path)
    validate(data, schema, path)
    return data


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def file_sha256(path: Path) -> str:
    """Digest of one file, recorded in reports so a result names the exact policy it used."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rules_digest() -> str:
    """One digest over every rules file (bundled, then the users'): the same digest, the same rules."""
    return _digest((rules_dir(), *_USER_DIRS))


@cache
def _digest(roots: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
