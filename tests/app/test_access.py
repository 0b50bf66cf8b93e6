"""The app's doors: sign-in, hashed passwords only, roles enforced on pages and actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import APP_DIR, MAIN, TIMEOUT_S, open_page, sign_in
from streamlit.testing.v1 import AppTest

from app_streamlit import auth
from qa_pipeline.errors import ConfigError

SignIn = Callable[[str], AppTest]


def test_nothing_but_the_sign_in_form_before_signing_in(app_env: None) -> None:
    at = AppTest.from_file(str(MAIN), default_timeout=TIMEOUT_S).run()
    assert [t.value for t in at.title] == ["Collections QA"]
    assert not at.metric and not at.dataframe
    assert len(at.sidebar.multiselect) == 0


def test_a_wrong_password_is_refused(app_env: None) -> None:
    at = sign_in("qa", password="not-the-password")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert [t.value for t in at.title] == ["Collections QA"]


def test_an_unknown_user_is_refused_the_same_way(app_env: None) -> None:
    at = sign_in("mallory", password="whatever-it-is")
    assert any("Wrong user name or password" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("coach", "compliance_audit"),
        ("coach", "flagged_review"),
        ("qa", "nonpayment_reasons"),
        ("analyst", "coaching_queue"),
        ("compliance", "nonpayment_reasons"),
    ],
)
def test_a_page_refuses_a_role_even_when_opened_directly(
    app_env: None, role: str, page: str
) -> None:
    """The page script itself checks the role: run it without the menu, signed in as a
    role that may not open it, and it shows nothing but the refusal."""
    at = AppTest.from_file(str(APP_DIR / "app_pages" / f"{page}.py"), default_timeout=TIMEOUT_S)
    at.session_state["signed_in_user"] = auth.User(role, role, role)
    at.run()
    assert any("may not open" in e.value for e in at.error)
    assert not at.dataframe and not at.metric


def test_a_page_opened_directly_without_signing_in_shows_nothing(app_env: None) -> None:
    at = AppTest.from_file(str(APP_DIR / "app_pages" / "compliance_audit.py"))
    at.run(timeout=TIMEOUT_S)
    assert [e.value for e in at.error] == ["Sign in first."]
    assert not at.dataframe


def test_the_menu_holds_only_the_pages_of_the_role(signed_in: SignIn) -> None:
    at = signed_in("coach")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/compliance_audit.py")


def test_actions_are_withheld_from_roles_without_them(signed_in: SignIn) -> None:
    qa = open_page(signed_in("qa"), "coaching_queue")
    assert not [b for b in qa.button if b.key == "cq_submit"]
    assert "coaches mark moments coached" in "\n".join(t.value for t in qa.text)
    coach = open_page(signed_in("coach"), "agent_compliance")
    assert coach.title[0].value == "Agent compliance"
    compliance = open_page(signed_in("compliance"), "flagged_review")
    assert [b for b in compliance.button if (b.key or "").startswith("fr_submit_")]
    admin = open_page(signed_in("admin"), "nonpayment_reasons")
    assert [b for b in admin.button if b.key == "np_sql_run"]


def test_roles_and_actions_table() -> None:
    assert auth.can("compliance", "export_evidence")
    assert not auth.can("analyst", "export_evidence")
    assert not auth.can("coach", "review_finding")
    assert not auth.can("qa", "run_sql")
    assert auth.may_open("admin", "compliance_audit")
    assert not auth.may_open("nobody", "agent_compliance")


def test_a_plain_text_password_in_the_users_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "users.yaml"
    p.write_text("users:\n  eve:\n    role: admin\n    password_hash: hunter2hunter2\n")
    with pytest.raises(ConfigError, match="bcrypt hash"):
        auth.load_users(p)


def test_an_unknown_role_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "users.yaml"
    good = auth.hash_password("long-enough-pw", rounds=4)
    p.write_text(f"users:\n  eve:\n    role: root\n    password_hash: '{good}'\n")
    with pytest.raises(ConfigError, match=r"users\.eve\.role"):
        auth.load_users(p)


def test_users_add_writes_only_a_hash(tmp_path: Path) -> None:
    p = tmp_path / "users.yaml"
    auth.add_user(p, "Dana", "coach", "correct horse battery", "Dana R")
    auth.add_user(p, "lee", "qa", "another long pass", None)
    text = p.read_text()
    assert "correct horse" not in text and "$2b$" in text
    users = auth.load_users(p)
    assert set(users.users) == {"dana", "lee"}
    user = auth.authenticate(users, "Dana", "correct horse battery")
    assert user is not None and user.role == "coach" and user.display_name == "Dana R"
    assert auth.authenticate(users, "dana", "wrong") is None


def test_the_demo_users_file_is_valid_and_hashed() -> None:
    users = auth.load_users(APP_DIR / "demo_users.yaml")
    assert {u.role for u in users.users.values()} == set(auth.ROLES)
    assert "demo-pass" not in (APP_DIR / "demo_users.yaml").read_text().split("users:")[1]
