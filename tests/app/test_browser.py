"""End to end in a real headless Chromium: ``qa-pipeline app`` on the sample warehouse, sign in
with the documented demo user, open every page, check real numbers and names on screen, and
save screenshots to tests/artifacts/ (git-ignored).

Chromium renders Streamlit only after its scripts run, so this waits for the page's elements
and for Streamlit's "running" status widget to go away before reading or capturing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_sample_warehouse import load_sample_payments

from qa_pipeline.review_store import ReviewStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

#: page title -> what must be on screen (numbers and names from the sample warehouse)
EXPECTED = {
    "Agent compliance": ["Judged calls", "17", "82.4%", "A-101"],
    "Coaching queue": ["skipped identity verification", "open moments"],
    "Flagged call review": ["12 flagged calls", "threat_arrest_or_jail", "If you don't pay today"],
    "Compliance audit": ["Calls received", "18", "94.4%", "1 call(s) failed before their date"],
    "Non-payment reasons": ["23.5%", "$720.00", "$180.00"],
    "Operations KPIs": ["47.1%", "82.4%", "11.8%", "5.9%", "25.0%"],
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="needs Debian chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def app_url(sample_warehouse: Path, tmp_path: Path) -> Iterator[str]:
    warehouse = tmp_path / "sample.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    for wav in sample_warehouse.parent.glob("*.wav"):
        shutil.copy(wav, tmp_path / wav.name)
    load_sample_payments(ReviewStore.beside(warehouse))
    with _running_app(warehouse, tmp_path) as url:
        yield url


@contextlib.contextmanager
def _running_app(warehouse: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    cli = Path(sys.executable).with_name("qa-pipeline")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "qa_pipeline.cli"]
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen(
        [*cmd, "app", "--warehouse", str(warehouse), "--port", str(port), "--address", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not come up in 90 s"
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_every_page_in_a_real_browser(app_url: str) -> None:
    _visit_every_page(app_url, EXPECTED, prefix="app")


@pytest.mark.slow
def test_every_page_on_the_readme_sample_warehouse(tmp_path: Path) -> None:
    """Issue 6's done-when: the README's main job, then every page of the app in Chromium.

    Builds the warehouse with ``qa-pipeline run samples/`` (minutes: it transcribes the sample
    recordings), or takes an existing one from ``QA_SAMPLE_WAREHOUSE``.
    """
    import duckdb

    given = os.environ.get("QA_SAMPLE_WAREHOUSE")
    if given:
        warehouse = Path(given)
    else:
        warehouse = tmp_path / "sample.duckdb"
        cli = Path(sys.executable).with_name("qa-pipeline")
        root = Path(__file__).resolve().parents[2]
        done = subprocess.run(
            [
                str(cli),
                "run",
                str(root / "samples"),
                "--warehouse",
                str(warehouse),
                "--no-progress",
            ],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        agents = [r[0] for r in con.execute("SELECT DISTINCT agent_id FROM calls").fetchall()]
        n_calls = con.execute("SELECT count(*) FROM v_current_calls").fetchone()
    finally:
        con.close()
    assert agents and n_calls and n_calls[0] > 0
    # real figures from this warehouse: every page shows its title's data, the compliance page
    # the number of calls received, and some agent id of the sample appears where agents are
    expected = {
        "Agent compliance": ["Judged calls", str(n_calls[0])],
        "Coaching queue": ["open moments"],
        "Flagged call review": ["flagged calls"],
        "Compliance audit": ["Calls received", str(n_calls[0])],
        "Non-payment reasons": ["%"],
        "Operations KPIs": ["%"],
    }
    texts = _visit_every_page_in(warehouse, tmp_path, expected)
    assert any(a in texts["Agent compliance"] for a in agents), agents


def _visit_every_page_in(
    warehouse: Path, tmp_path: Path, expected: dict[str, list[str]]
) -> dict[str, str]:
    with _running_app(warehouse, tmp_path) as url:
        return _visit_every_page(url, expected, prefix="sample")


def _visit_every_page(
    app_url: str, expected: dict[str, list[str]], *, prefix: str
) -> dict[str, str]:
    """Sign in as the demo admin, open each page, check what must show, screenshot each page."""
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1600,1400",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    wait = WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def settled() -> None:
        time.sleep(0.5)  # let a rerun start before waiting for it to end
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))

    def body() -> str:
        return str(driver.find_element(By.TAG_NAME, "body").text)

    try:
        driver.get(app_url)
        name = wait.until(
            lambda d: d.find_element(By.CSS_SELECTOR, 'input[aria-label="User name"]')
        )
        name.send_keys("admin")
        password = driver.find_element(By.CSS_SELECTOR, 'input[aria-label="Password"]')
        password.send_keys("admin-demo-pass", Keys.ENTER)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]'))
        settled()
        links = {
            link.text.strip().splitlines()[-1]: link.get_attribute("href")
            for link in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]')
        }
        assert set(expected) <= set(links), links
        texts: dict[str, str] = {}
        for title, must_show in expected.items():
            driver.find_element(
                By.CSS_SELECTOR, f'[data-testid="stSidebarNavLink"][href="{links[title]}"]'
            ).click()
            wait.until(
                lambda d, t=title: any(
                    h.text.strip() == t for h in d.find_elements(By.TAG_NAME, "h1")
                )
            )
            settled()
            shot = ARTIFACTS / f"{prefix}_{title.lower().replace(' ', '_')}.png"
            try:
                wait.until(lambda d, m=must_show: all(s in body() for s in m))
            except TimeoutException:
                driver.save_screenshot(str(shot))
                missing = [s for s in must_show if s not in body()]
                raise AssertionError(f"{title}: {missing} not on screen:\n{body()}") from None
            text = body()
            assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]'), text
            assert "Traceback" not in text
            driver.save_screenshot(str(shot))
            texts[title] = text
        return texts
    finally:
        driver.quit()
