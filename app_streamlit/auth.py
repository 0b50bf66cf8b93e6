"""Users, roles and what each role may see and do.

Users live in a YAML file with bcrypt hashes (``qa-pipeline users add`` writes one); a plain
text password in the file is refused at load. Every page calls `require_page` and every action
calls `can` before it acts, so hiding a page from the menu is never the only protection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import bcrypt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qa_pipeline.errors import ConfigError

Role = Literal["qa", "coach", "compliance", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("qa", "coach", "compliance", "analyst", "admin")

#: page key -> roles that may open it
PAGE_ROLES: dict[str, frozenset[str]] = {
    "agent_compliance": frozenset({"qa", "coach", "compliance", "analyst", "admin"}),
    "coaching_queue": frozenset({"qa", "coach", "admin"}),
    "flagged_review": frozenset({"qa", "compliance", "admin"}),
    "compliance_audit": frozenset({"compliance", "admin"}),
    "nonpayment_reasons": frozenset({"analyst", "admin"}),
    "operations_kpis": frozenset({"qa", "coach", "compliance", "analyst", "admin"}),
}

#: action -> roles that may perform it
ACTION_ROLES: dict[str, frozenset[str]] = {
    "review_finding": frozenset({"qa", "compliance", "admin"}),
    "mark_coached": frozenset({"coach", "admin"}),
    "export_evidence": frozenset({"compliance", "admin"}),
    "run_sql": frozenset({"analyst", "admin"}),
}

_BCRYPT_HASH = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
#: checked against when the user name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = bcrypt.hashpw(b"not-a-user", bcrypt.gensalt(rounds=12))


class UserEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    password_hash: str
    display_name: str | None = None

    @field_validator("password_hash")
    @classmethod
    def _hashed(cls, value: str) -> str:
        if not _BCRYPT_HASH.match(value):
            raise ValueError(
                "must be a bcrypt hash ($2b$12$...), never a plain password; "
                "create it with 'qa-pipeline users add NAME --role ROLE'"
            )
        return value


class UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: dict[str, UserEntry] = Field(default_factory=dict)

    @field_validator("users")
    @classmethod
    def _names(cls, value: dict[str, UserEntry]) -> dict[str, UserEntry]:
        for name in value:
            if not _USERNAME.match(name):
                raise ValueError(
                    f"user name {name!r} must be lower case letters, digits, '.', '_' or '-'"
                )
        return value


@dataclass(frozen=True, slots=True)
class User:
    """The signed-in person."""

    name: str
    role: str
    display_name: str

    @property
    def label(self) -> str:
        return f"{self.display_name} ({self.role})"


def load_users(path: str | Path) -> UsersFile:
    """Read and validate a users file.

    Raises:
        ConfigError: unreadable, not YAML, an unknown role, or a password that is not hashed.
    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the users file ({exc.strerror})", path=p) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"the users file is not valid YAML ({exc})", path=p) from None
    try:
        return UsersFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"users file, '{where}': {first['msg']}", path=p) from None


def hash_password(password: str, rounds: int = 12) -> str:
    """A bcrypt hash for the users file."""
    if len(password) < 8:
        raise ConfigError("a password needs at least 8 characters")
    if len(password.encode()) > 72:
        raise ConfigError("bcrypt reads at most 72 bytes of a password; choose a shorter one")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def authenticate(users: UsersFile, name: str, password: str) -> User | None:
    """The user when name and password match, else None (same work either way)."""
    entry = users.users.get(name.strip().lower())
    stored = entry.password_hash.encode() if entry else _DUMMY_HASH
    ok = bcrypt.checkpw(password.encode()[:72], stored)
    if entry is None or not ok:
        return None
    key = name.strip().lower()
    return User(name=key, role=entry.role, display_name=entry.display_name or key)


def may_open(role: str, page: str) -> bool:
    return role in PAGE_ROLES.get(page, frozenset())


def can(role: str, action: str) -> bool:
    return role in ACTION_ROLES.get(action, frozenset())


def add_user(
    path: str | Path, name: str, role: str, password: str, display_name: str | None
) -> None:
    """Add or replace one user in a users file (created when missing), keeping the others."""
    p = Path(path)
    if role not in ROLES:
        raise ConfigError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    key = name.strip().lower()
    if not _USERNAME.match(key):
        raise ConfigError(f"user name {name!r} must be lower case letters, digits, '.', '_' or '-'")
    current = load_users(p) if p.exists() else UsersFile()
    raw = {k: v.model_dump(exclude_none=True) for k, v in current.users.items()}
    raw[key] = {"role": role, "password_hash": hash_password(password)}
    if display_name:
        raw[key]["display_name"] = display_name
    p.write_text(
        "# App users: bcrypt hashes only (qa-pipeline users add NAME --role ROLE).\n"
        + yaml.safe_dump({"users": raw}, sort_keys=True),
        encoding="utf-8",
    )
