"""The HTML report in a real headless Chromium: what a person sees, and that nothing leaves the page.

Needs Debian's ``chromium`` and the PyPI package ``playwright`` (never ``playwright install``:
the system browser is used). Skips on a laptop without them; fails under CI (CI=true).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from piscan.model import ScanResult
from piscan.reporters import html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def unavailable(message: str) -> None:
    """Skip on a developer's laptop, fail in CI, where a missing browser is a broken set-up."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_browser(executable: Path = CHROMIUM) -> None:
    """Chromium and playwright must both be installed."""
    if not executable.exists():
        unavailable(f"{executable} is missing: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is missing: pip install playwright")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module's tests."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def opened(browser, staging_result: ScanResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """The staging report opened from a file, with every request and page error recorded."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html.render(staging_result), encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    yield page, path, requests, errors
    page.close()


def test_first_row_is_an_undeclared_finding(opened) -> None:
    """The first thing below the filters is a problem, shown as NO."""
    page = opened[0]
    first = page.locator("#findings-table tbody tr").first
    assert first.is_visible()
    assert "undeclared" in first.get_attribute("class")
    assert first.locator("td").first.inner_text() == "NO"


def test_heatmap_shows_the_location_count(opened, staging_result: ScanResult) -> None:
    """xwms/E (biometric, not declared) was found in two columns of the example database."""
    page = opened[0]
    source = staging_result.targets[0]
    locations = {
        v.finding.location for v in staging_result.verdicts if (v.policy, v.category) == ("xwms", "E")
    }
    cell = page.locator(f'#heatmap-table tr[data-category="xwms/E"] td[data-col="{source}"]')
    assert cell.is_visible()
    assert cell.inner_text() == str(len(locations)) == "2"


def test_policy_filter_hides_the_other_policy(opened, staging_result: ScanResult) -> None:
    """Choosing xwms hides every westmonth row and keeps every xwms row visible."""
    page = opened[0]
    page.select_option("#filter-policy", "xwms")
    xwms = page.locator('#findings-table tr[data-policy="xwms"]')
    westmonth = page.locator('#findings-table tr[data-policy="westmonth"]')
    assert westmonth.count() > 0 and xwms.count() > 0
    assert all(not row.is_visible() for row in westmonth.all())
    assert all(row.is_visible() for row in xwms.all())
    assert page.locator("#shown-count").inner_text() == str(xwms.count())
    assert not page.locator('#heatmap-table tr[data-policy="westmonth"]').first.is_visible()
    page.select_option("#filter-category", "xwms/E")
    assert page.locator("#findings-table tbody tr:visible").count() == 2
    page.select_option("#filter-policy", "")
    page.select_option("#filter-category", "")
    assert page.locator("#findings-table tbody tr:visible").count() == len(staging_result.verdicts)


def test_no_request_leaves_the_page(opened) -> None:
    """The only request is the file itself, and the script ran without errors."""
    page, path, requests, errors = opened
    page.wait_for_timeout(200)  # give a stray late fetch the chance to show up
    assert requests == [path.as_uri()]
    assert errors == []


def test_missing_browser_skips_on_a_laptop_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI machine without Chromium must go red, not quietly skip the browser tests."""
    missing = Path("/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_browser(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_browser(missing)
