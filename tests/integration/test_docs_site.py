"""The generated docs site, opened in headless Chromium as a person would: marts listed, a mart's page complete."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.integration.dbt_project import DbtProject
from tests.integration.waiting import DEADLINE_S, wait_for_text, wait_until

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
# The README shows reports/docs_customer_lifetime_value.png; the test refreshes it only when asked
# (ECOMMERCE_DOCS_SCREENSHOT=reports/docs_customer_lifetime_value.png), so a test run leaves the clone clean.
SCREENSHOT_ENV = "ECOMMERCE_DOCS_SCREENSHOT"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARTS = [
    "fct_transactions",
    "dim_customers",
    "dim_products",
    "revenue_daily",
    "revenue_monthly",
    "revenue_category_quarterly",
    "customer_lifetime_value",
    "customer_segments",
    "customer_favorite_category",
    "customer_cohorts",
]


@pytest.fixture(scope="module")
def docs_site(duckdb_build: DbtProject) -> Path:
    duckdb_build.dbt("docs", "generate", "--static")
    site = duckdb_build.root / "target" / "static_index.html"
    assert site.stat().st_size > 100_000
    return site


@pytest.fixture(scope="module")
def page():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        # Clicks and lookups wait for their element up to the shared deadline, not Playwright's 30 s.
        tab.set_default_timeout(DEADLINE_S * 1000)
        yield tab
        browser.close()


def test_every_model_and_column_has_a_description(duckdb_build: DbtProject, docs_site: Path) -> None:
    manifest = json.loads((duckdb_build.root / "target" / "manifest.json").read_text(encoding="utf-8"))
    undocumented = [
        f"{node['name']}.{column}" if column else node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
        for column in [None, *node["columns"]]
        if not (node["columns"][column]["description"] if column else node["description"]).strip()
    ]
    assert undocumented == []
    for collection in ("sources", "exposures"):
        assert all(item["description"].strip() for item in manifest[collection].values())
    # Dispatched variants (duckdb__x, spark__x, ...) share the description of the macro they implement.
    project_macros = [
        m for m in manifest["macros"].values() if m["package_name"] == "ecommerce" and "__" not in m["name"]
    ]
    assert len(project_macros) > 20
    assert [m["name"] for m in project_macros if not m["description"].strip()] == []


def test_the_landing_page_is_the_project_overview(page, docs_site: Path) -> None:
    page.goto(docs_site.as_uri())
    wait_for_text(page, "text=How data flows", "the project overview")
    body = page.inner_text("body")
    assert "Welcome to the auto-generated documentation" not in body
    for text in ("docs/metrics.md", "quarantine", "as_of_date", *MARTS):
        assert text in body, f"the overview page does not mention {text}"


def test_the_project_tree_lists_every_mart(page, docs_site: Path) -> None:
    page.goto(docs_site.as_uri())
    wait_for_text(page, "text=How data flows", "the project overview")
    # The tree opens one folder per click, as a reader would. Metrics, semantic models and saved queries each
    # list an `ecommerce` folder too; the project's own tree (models) is the last section.
    for folder in ("ecommerce", "models", "marts"):
        label = page.locator(f"span.filename-normal:text-is('{folder}')")
        page.locator("a.menu-tree:visible", has=label).last.click()
    links = {mart: page.locator(f"a[data-nav-unique-id='model.ecommerce.{mart}']") for mart in MARTS}
    # The folder opens as one render; wait for every link of it rather than checking right after the first.
    missing = lambda: [mart for mart, link in links.items() if not link.first.is_visible()]  # noqa: E731
    wait_until(
        lambda: not missing(),
        "every mart in the opened marts folder of the project tree",
        last_seen=lambda: f"missing {missing()}",
    )


def test_a_mart_page_shows_its_description_and_columns(page, docs_site: Path, tmp_path: Path) -> None:
    page.goto(f"{docs_site.as_uri()}#!/model/model.ecommerce.customer_lifetime_value")
    wait_for_text(page, "text=One row per customer who bought at least once", "the mart's description")
    wait_for_text(page, "text=cumulative_revenue_share", "the mart's column list")
    body = page.inner_text("body")
    for column in ("customer_id", "total_revenue", "revenue_rank", "is_top_80pct", "avg_order_value"):
        assert column in body
    screenshot = Path(os.environ.get(SCREENSHOT_ENV, tmp_path / "docs_customer_lifetime_value.png"))
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    # A page with its text and tables drawn compresses to well over 20 kB; retake it until it shows them.
    wait_until(
        lambda: len(page.screenshot(path=str(screenshot), full_page=False)) > 20_000,
        "a screenshot of the mart page with its content drawn (over 20 kB)",
        every_s=1,
        last_seen=lambda: f"{screenshot.stat().st_size} bytes",
    )
