"""`qa-pipeline users add NAME --role ROLE`: add an app user to a users file (bcrypt hash).

The password is read without echo (or from stdin with --password-stdin, for scripts); only
its bcrypt hash is written. Roles: qa, coach, compliance, analyst, admin.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from qa_pipeline.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "users",
        help="manage the app's users file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    users_sub = p.add_subparsers(dest="users_command", metavar="ACTION")
    users_sub.required = True
    add = users_sub.add_parser("add", help="add or replace a user")
    add.add_argument("name", help="user name: lower case letters, digits, '.', '_', '-'")
    add.add_argument(
        "--role", required=True, choices=("qa", "coach", "compliance", "analyst", "admin")
    )
    add.add_argument(
        "--users", default="app-users.yaml", help="users file (default app-users.yaml)"
    )
    add.add_argument("--display-name", help="name shown in the app")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=_add)


def _add(args: argparse.Namespace) -> int:
    from app_streamlit.auth import add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise ConfigError("the two passwords differ")
    add_user(args.users, args.name, args.role, password, args.display_name)
    print(f"user {args.name} ({args.role}) written to {args.users}")
    return 0
