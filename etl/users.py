"""The users file: bcrypt hashes only, never passwords. Roles: leader (view), office, department (own returns)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import bcrypt
import yaml

ROLES = ("leader", "office", "department")
ROLE_WORDS = {"leader": "领导", "office": "办公室", "department": "部门填报员"}
DEFAULT_FILE = Path("data") / "users.yaml"


def users_file() -> Path:
    """$KEXUE_USERS, else data/users.yaml."""
    return Path(os.environ.get("KEXUE_USERS") or DEFAULT_FILE)


def is_bcrypt_hash(text: str) -> bool:
    """True for a bcrypt hash ($2a$, $2b$ or $2y$ with cost and 53 characters of salt+hash)."""
    return isinstance(text, str) and len(text) == 60 and text[:4] in ("$2a$", "$2b$", "$2y$")


def read_users(path: Path | None = None) -> dict | None:
    """The users file as a dict, or None when there is none; refuses a file holding a plain password."""
    path = path or users_file()
    if not path.exists():
        return None
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    users = (config.get("credentials") or {}).get("usernames") or {}
    for name, entry in users.items():
        if not is_bcrypt_hash(str(entry.get("password", ""))):
            raise ValueError(f"用户文件中“{name}”的密码不是bcrypt哈希。用户文件只能保存哈希：请用 "
                             f"python -m etl user add 重新设置该用户。")
        role = (entry.get("roles") or [None])[0]
        if role not in ROLES:
            raise ValueError(f"用户“{name}”的角色应为 leader / office / department 之一")
        if role == "department" and not entry.get("department"):
            raise ValueError(f"部门填报员“{name}”须写明所属部门（department）")
    if len(str((config.get("cookie") or {}).get("key") or "")) < 32:
        raise ValueError("用户文件缺少足够长的cookie密钥（cookie.key，至少32个随机字符）。"
                         "请用 python -m etl user add 添加用户，它会生成密钥。")
    return config


def add_user(username: str, password: str, name: str, role: str, department: str | None = None,
             path: Path | None = None) -> Path:
    """Add or replace a user in the users file, storing only the bcrypt hash of the password."""
    if role not in ROLES:
        raise ValueError("角色应为 leader / office / department 之一")
    if len(password) < 8:
        raise ValueError("密码至少8位")
    path = path or users_file()
    config = read_users(path) or {"cookie": {"name": "kexue_auth", "key": secrets.token_hex(32), "expiry_days": 1},
                                   "credentials": {"usernames": {}}}
    entry = {"name": name, "email": f"{username}@localhost", "roles": [role],
             "password": bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")}
    if department:
        entry["department"] = department
    config["credentials"]["usernames"][username] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)
    return path
