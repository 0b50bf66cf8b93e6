"""Fixtures of the app's tests: one sample warehouse per session (read-only for the tests),
a fresh review side store per test, and test users with cheap bcrypt hashes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from app_sample_warehouse import build_sample_warehouse, load_sample_payments
from streamlit.testing.v1 import AppTest

from app_streamlit.auth import ROLES
from qa_pipeline.review_store import ReviewStore

APP_DIR = Path(__file__).resolve().parents[2] / "app_streamlit"
MAIN = APP_DIR / "main.py"
#: AppTest's per-run timeout: the first run of a page imports altair and pandas
TIMEOUT_S = 60


def password_of(role: str) -> str:
    return f"{role}-test-pass"


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_warehouse(tmp_path_factory.mktemp("app_warehouse"))


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import bcrypt

    # 4 rounds: the cheapest bcrypt allows, so signing in costs the tests nothing
    users = {
        role: {
            "role": role,
            "display_name": f"Test {role}",
            "password_hash": bcrypt.hashpw(
                password_of(role).encode(), bcrypt.gensalt(rounds=4)
            ).decode(),
        }
        for role in ROLES
    }
    path = tmp_path_factory.mktemp("app_users") / "users.yaml"
    path.write_text(yaml.safe_dump({"users": users}), encoding="utf-8")
    return path


@pytest.fixture
def review_store(tmp_path: Path) -> ReviewStore:
    store = ReviewStore(tmp_path / "reviews.sqlite")
    load_sample_payments(store)
    return store


@pytest.fixture
def app_env(
    monkeypatch: pytest.MonkeyPatch,
    sample_warehouse: Path,
    users_file: Path,
    review_store: ReviewStore,
) -> Iterator[None]:
    monkeypatch.setenv("QA_APP_WAREHOUSE", str(sample_warehouse))
    monkeypatch.setenv("QA_APP_USERS", str(users_file))
    monkeypatch.setenv("QA_APP_REVIEWS", str(review_store.path))
    yield


def sign_in(role: str, password: str | None = None) -> AppTest:
    """The app after signing in through its own form."""
    at = AppTest.from_file(str(MAIN), default_timeout=TIMEOUT_S)
    at.run()
    at.text_input(key="sign_in_name").input(role)
    at.text_input(key="sign_in_password").input(password or password_of(role))
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def signed_in(app_env: None) -> Callable[[str], AppTest]:
    return sign_in


def open_page(at: AppTest, key: str) -> AppTest:
    at.switch_page(f"app_pages/{key}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
