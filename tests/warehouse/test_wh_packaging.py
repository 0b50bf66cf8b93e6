"""The warehouse SQL is found when the package is installed non-editable (a real wheel).

Slow: it builds the project's wheel with pip (build isolation needs setuptools and wheel from
the package index or ``PIP_FIND_LINKS``) and installs it into a folder of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_an_installed_wheel_migrates_a_warehouse_outside_the_checkout(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        REPO,
        src,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "tests",
            "samples",
            "*.egg-info",
            "build",
            "dist",
            "__pycache__",
            ".*cache",
            ".hypothesis",
            "*.duckdb*",
        ),
        symlinks=True,
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("qa_pipeline-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "qa_pipeline/warehouse/sql_files/migrations/001_core.sql" in names
    assert "qa_pipeline/warehouse/sql_files/queries/store.sql" in names
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), wheel],
        check=True,
        timeout=600,
    )
    env = {k: v for k, v in os.environ.items() if k != "QA_PIPELINE_WAREHOUSE_SQL"}
    env["PYTHONPATH"] = str(site)  # ahead of the editable checkout's finder
    script = (
        "import qa_pipeline.warehouse.sql as s\n"
        "from qa_pipeline.warehouse import Warehouse\n"
        "wh = Warehouse.open('w.duckdb')\n"
        "print(s.sql_dir())\n"
        "print(sorted(r[0] for r in wh.query('SELECT name FROM schema_migrations')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.splitlines()
    assert Path(out[0]).is_relative_to(site)
    assert out[1] == "['core', 'redaction']"
