"""The pages in a real browser: Debian's Chromium, driven by Playwright, against `owabi
serve` over a store that holds a hostile incident. The list loads, a filter narrows it,
an incident page shows its evidence marked, nothing logs a console error, and the
scraped `<script>` and event-handler text never runs.

Skips, with the reason, where Playwright or Chromium is missing (`.ci/run` installs
Chromium). With SCREENSHOTS_DIR set, the screenshots also go there (`make screenshots`
refreshes the README's).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.collector.test_web import RULES, SOURCES, _store
from tests.support.proc import REPO

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; .ci/run does)"
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    _store(tmp_path / "owabi.db")[0].dispose()
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OWABI_DATABASE_URL": f"sqlite:///{tmp_path / 'owabi.db'}",
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_SECRETS_DIR": str(tmp_path / "none"),
    }
    argv = [sys.executable, "-m", "collector.cli", "serve", "--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.startswith("serving http://"), line
            yield line.split()[1]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        yield context.new_page()
        browser.close()


def _shoot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    wanted = os.environ.get("SCREENSHOTS_DIR")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(wanted) / name), full_page=True)


def test_an_analyst_finds_filters_and_reads_an_incident(
    served: str, page: Any, tmp_path: Path
) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

    page.goto(served)
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 3
    assert page.locator(".chart svg rect").count() >= 3
    _shoot(page, tmp_path, "incidents.png")

    page.check('input[name="category"][value="ransomware"]')
    page.click("button[type=submit]")
    page.wait_for_url("**/?category=ransomware*")
    assert rows.count() == 1 and "東海大学" in rows.first.inner_text()

    page.goto(served + "incidents/1")
    marked = page.locator(".notice .text mark.ev")
    assert marked.count() == 1 and marked.first.inner_text() == "対象件数は最大で1,938件"
    assert marked.first.get_attribute("title") == "カード件数"
    _shoot(page, tmp_path, "incident.png")

    # The hostile incident: its <script> and onmouseover text shown, never run.
    page.goto(served + "incidents/3")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    page.hover("h1")
    assert page.locator("a[href^='javascript:']").count() == 0
    page.goto(served + "sources")
    assert page.locator("table.sources tbody tr").count() == 2
    assert problems == []
