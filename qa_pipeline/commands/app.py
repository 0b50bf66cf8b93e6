"""`qa-pipeline app`: open the Streamlit app over a warehouse.

Starts ``streamlit run app_streamlit/main.py`` headless; the app reads the warehouse through
short read-only connections, so it can stay open while ``qa-pipeline run`` loads new calls.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from qa_pipeline.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "app",
        help="open the Streamlit app over a warehouse",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--warehouse",
        help="DuckDB warehouse file (default: settings' warehouse.path, warehouse.duckdb)",
    )
    p.add_argument(
        "--users",
        help="users YAML with bcrypt hashes (default: the demo users, app_streamlit/demo_users.yaml)",
    )
    p.add_argument(
        "--reviews",
        help="review side store (default: <warehouse>.reviews.sqlite beside the warehouse)",
    )
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument(
        "--address", default="localhost", help="address to listen on (default localhost)"
    )
    p.set_defaults(func=_run)


def streamlit_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment for these arguments."""
    import app_streamlit
    from qa_pipeline.config import load_settings

    settings = load_settings(args.config)
    warehouse = Path(args.warehouse or settings.warehouse.path).expanduser().resolve()
    if not warehouse.is_file():
        raise ConfigError(
            f"there is no warehouse at {warehouse}; fill one first with "
            f"'qa-pipeline run INPUT --warehouse {warehouse}'"
        )
    env = dict(os.environ)
    env["QA_APP_WAREHOUSE"] = str(warehouse)
    if args.users:
        users = Path(args.users).expanduser().resolve()
        if not users.is_file():
            raise ConfigError(f"there is no users file at {users}")
        from app_streamlit.auth import load_users

        load_users(users)  # a bad file fails here, with its one clear message
        env["QA_APP_USERS"] = str(users)
    if args.reviews:
        env["QA_APP_REVIEWS"] = str(Path(args.reviews).expanduser().resolve())
    # a package directory, also when installed editable before it had an __init__.py
    main = Path(next(iter(app_streamlit.__path__))).resolve() / "main.py"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(main),
        "--server.headless=true",
        f"--server.port={args.port}",
        f"--server.address={args.address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--client.toolbarMode=viewer",
    ]
    return cmd, env


def _run(args: argparse.Namespace) -> int:
    cmd, env = streamlit_command(args)
    print(
        f"qa-pipeline app: serving {env['QA_APP_WAREHOUSE']} on http://{args.address}:{args.port}"
    )
    sys.stdout.flush()
    # become the Streamlit server rather than its parent: a supervisor's SIGTERM (systemd, a
    # test fixture, Ctrl-C) then reaches the server itself instead of orphaning it
    os.execve(cmd[0], cmd, env)
    return 0  # pragma: no cover - execve does not return
