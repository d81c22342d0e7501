"""Apache Superset on the marts: `make bi`'s code path started for real, the dashboard opened in headless
Chromium as a logged-in user, and the numbers it shows compared with the independent pandas reference; then
`make bi-export`'s code path: the dashboard exported again equals the committed bundle, and an edit made in
Superset comes back into the bundle and loads again unchanged.

The first run installs Superset into its own venv (build/superset-venv, about 900 MB, a minute or two).
"""

from __future__ import annotations

import copy
import difflib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from bi.load_dashboard import SERVING_FILE, LoadError, duckdb_connection, load, load_manifest
from bi.superset_api import SupersetApi, SupersetApiError
from bi.superset_bundle import Bundle, normalise, read_bundle, read_zip
from bi.superset_cli import Running, bring_up, export
from bi.superset_env import Superset, SupersetError, choose_port
from scripts.load_predictions import TABLES
from scripts.project_copy import REPO_ROOT
from tests.integration.dbt_project import DbtProject
from tests.integration.waiting import DEADLINE_S, wait_for_text, wait_in_page, wait_until

CHROMIUM = Path("/usr/bin/chromium")
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
# The README shows reports/superset_dashboard.png; the test refreshes it only when asked
# (ECOMMERCE_SUPERSET_SCREENSHOT=reports/superset_dashboard.png), so a test run leaves the clone clean.
SCREENSHOT_ENV = "ECOMMERCE_SUPERSET_SCREENSHOT"
BUNDLE = read_bundle()
CHART_NAMES = {chart["slice_name"] for chart in BUNDLE.charts().values()}
DASHBOARD_POSITION = next(iter(BUNDLE.dashboards().values()))["position"]
# Share of clearly non-white pixels in a full-page screenshot of the drawn dashboard (about 0.25 when drawn).
PAINTED = 0.05


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Superset:
    """The test's Superset installation: the shared venv, its own state folder (config, metadata DB, log)."""
    return Superset(state=tmp_path_factory.mktemp("superset"))


def hand_made_predictions(buyers: pd.DataFrame) -> pd.DataFrame:
    """A fit's output for every buyer, with values chosen here (no fit needed): 10, 20, ... 70 cycling."""
    numbers = pd.Series(range(len(buyers)), index=buyers.index)
    return pd.DataFrame(
        {
            "customer_id": buyers.customer_id,
            "probability_alive": 0.5,
            "expected_purchases_90d": 0.25,
            "expected_purchases_365d": 1.0,
            "expected_occasion_value": 100.0,
            "predicted_clv_12m": (numbers % 7 + 1) * 10.0,
            "as_of_date": buyers.as_of_date.dt.date,
        }
    )


@pytest.fixture(scope="module")
def marts(duckdb_build: DbtProject, tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, pd.DataFrame]:
    """A copy of the session's build with predictions loaded as `make predict` loads them, and published.

    Yields the copy and the predictions loaded.
    """
    root = tmp_path_factory.mktemp("superset_marts") / "project"
    shutil.copytree(duckdb_build.root, root)
    project = DbtProject(root=root, env={"ECOMMERCE_DUCKDB_PATH": str(root / "ecommerce.duckdb")})
    predictions = hand_made_predictions(
        project.query("select customer_id, as_of_date from marts.customer_rfm_summary order by customer_id")
    )
    fit = root / "build" / "clv"
    fit.mkdir(parents=True)
    predictions.to_csv(fit / "clv_predictions.csv", index=False)
    for table, columns in TABLES.items():
        if table != "clv_predictions":
            pd.DataFrame(columns=list(columns)).to_csv(fit / f"{table}.csv", index=False)
    loaded = subprocess.run(
        [sys.executable, "-m", "scripts.load_predictions", str(fit), "--duckdb-path", str(project.duckdb_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 0, loaded.stderr
    # The staging views over raw.clv_* were built before the fit's tables existed (as empty typed views):
    # rebuild everything the predictions feed, as the build at the end of `make predict` does.
    project.dbt("build", "--select", "source:predictions+")
    project.dbt("run-operation", "publish")
    return project, predictions


@pytest.fixture(scope="module")
def superset(server: Superset, marts: tuple[DbtProject, pd.DataFrame]):
    """Superset started on a free port with the dashboard loaded on the dirty data set's marts; stopped after.

    The marts are read from the serving file that the build published in the copy.
    """
    project, _ = marts
    serving = project.root / SERVING_FILE
    began = time.monotonic()
    installed = server.ensure_venv()
    venv_s = time.monotonic() - began
    running = bring_up(
        server, None, manifest=project.root / "target" / "manifest.json", connection=duckdb_connection(serving)
    )
    print(
        f"\nsuperset: venv {'installed' if installed else 'reused'} in {venv_s:.0f} s; metadata DB + admin "
        f"{running.setup_s:.0f} s, start {running.start_s:.0f} s, load {running.load_s:.0f} s"
    )
    try:
        yield running
    finally:
        server.stop()
    assert server.running_pid() is None


@pytest.fixture(scope="module")
def api(superset: Running) -> SupersetApi:
    return SupersetApi(superset.url, superset.username, superset.password)


@pytest.fixture(scope="module")
def dashboard(superset: Running, api: SupersetApi):
    """The dashboard opened in Chromium after logging in through the login form, every chart rendered.

    Yields (page, {chart name: chart-data JSON the browser received}, load seconds).
    """
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    names = {chart["id"]: chart["slice_name"] for chart in api.list("chart")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # Tall enough to hold the whole dashboard (a row of height 50 is about 420 px): every chart is drawn in
        # view, none waits for a scroll.
        rows = sum(1 for node in DASHBOARD_POSITION.values() if isinstance(node, dict) and node.get("type") == "ROW")
        context = browser.new_context(viewport={"width": 1400, "height": 400 + 480 * rows})
        # Tests touch 127.0.0.1 only; Superset's pages would fetch a usage pixel from outside.
        context.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith(superset.url) else route.abort()
        )
        page = context.new_page()
        # Superset's login page posts a usage log as it unloads; on a threaded dev server that anonymous
        # request can answer after the login and reset the session cookie. A person logs in again; so do we.
        for _ in range(3):
            page.goto(f"{superset.url}/login/", timeout=DEADLINE_S * 1000)
            wait_for_text(page, "[data-test=username-input]:visible", "the login form")
            page.locator("[data-test=username-input]").fill(superset.username)
            page.locator("[data-test=password-input]").fill(superset.password)
            page.get_by_role("button", name="Sign in").click()
            wait_in_page(
                page,
                """() => location.pathname.includes('/superset/welcome/')
                                  || location.search.includes('next=')""",
                "the page after signing in",
            )
            if "/login/" not in page.url:
                break
        else:
            pytest.fail(f"logging in through the form failed: {page.url} {page.inner_text('body')[:300]!r}")

        received: dict[str, dict] = {}
        statuses: dict[str, int] = {}

        def keep(response) -> None:
            if "/api/v1/chart/data" in response.url and response.request.method == "POST":
                name = names[response.request.post_data_json["form_data"]["slice_id"]]
                statuses[name] = response.status
                received[name] = response.json()

        page.on("response", keep)
        began = time.monotonic()
        page.goto(superset.dashboard_url, timeout=DEADLINE_S * 1000)
        wait_in_page(
            page,
            """count => {
                const holders = document.querySelectorAll('.dashboard-component-chart-holder');
                return holders.length === count && [...holders].every(
                    h => h.querySelector('canvas, .header-line') || h.innerText.includes('error'));
            }""",
            f"all {len(CHART_NAMES)} charts to be drawn",
            arg=len(CHART_NAMES),
            last_seen_script="""() => [...document.querySelectorAll('.dashboard-component-chart-holder')].map(
                h => (h.querySelector('.header-title, .chart-header')?.innerText || '?').slice(0, 40) + ': '
                     + (h.querySelector('canvas') ? 'canvas' : h.innerText.replace(/\\s+/g, ' ').slice(0, 120))
            ).join(' | ')""",
        )
        load_s = time.monotonic() - began
        print(f"\nsuperset: dashboard rendered {len(CHART_NAMES)} charts in the browser in {load_s:.1f} s")
        # Each chart's data answer is handed to `keep` as Playwright dispatches events; pump them until all came.
        wait_until(
            lambda: set(received) == CHART_NAMES or page.wait_for_timeout(200),
            "the chart data answer of every chart",
            last_seen=lambda: f"answers for {sorted(received)}",
        )
        assert statuses == {name: 200 for name in CHART_NAMES}
        assert "error" not in page.inner_text(".dashboard").lower()
        yield page, received, load_s
        browser.close()


def share_of_painted_pixels(png: bytes) -> float:
    """Share of the image's pixels that are clearly not white (the page background)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        gray = image.convert("L")
        histogram = gray.histogram()
    return sum(histogram[:200]) / (gray.width * gray.height)


def drawn_screenshot(page, path: Path) -> float:
    """A full-page screenshot once the charts show on it and have settled; the share of painted pixels.

    ECharts draws after the data has come, with an entry animation that a loaded machine stretches to
    seconds: the screenshot is retaken until it shows the charts and equals the one before, rather than
    trusting the first paint.
    """
    shots: list[bytes] = []
    shares: list[float] = []

    def drawn_and_settled() -> bool:
        shots.append(page.screenshot(full_page=True))
        shares.append(share_of_painted_pixels(shots[-1]))
        return shares[-1] > PAINTED and len(shots) > 1 and shots[-1] == shots[-2]

    wait_until(
        drawn_and_settled,
        f"a screenshot with the charts drawn (over {PAINTED:.0%} painted pixels) and unchanged since the one before",
        every_s=1,
        last_seen=lambda: f"{shares[-1]:.1%} painted pixels, {len(shots)} screenshots",
    )
    path.write_bytes(shots[-1])
    return shares[-1]


def month_of(epoch_ms: int) -> date:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).date()


def chart_holder(page, api_names: dict[str, int], name: str):
    return page.locator(f".dashboard-chart-id-{api_names[name]}")


@pytest.mark.superset
@pytest.mark.browser
def test_the_dashboard_shows_the_marts_numbers(
    dashboard, api: SupersetApi, reference_marts: dict, marts: tuple[DbtProject, pd.DataFrame], tmp_path: Path
) -> None:
    page, received, _ = dashboard
    ids = {chart["slice_name"]: chart["id"] for chart in api.list("chart")}

    total = sum(reference_marts["revenue_daily"].revenue, Decimal("0.00"))
    shown_total = chart_holder(page, ids, "Total revenue").locator(".header-line").inner_text()
    assert shown_total.strip() == f"{total:,.2f}"

    clv = reference_marts["customer_lifetime_value"]
    share = Decimal(int(clv.is_top_80pct.sum())) / len(clv)
    shown_share = chart_holder(page, ids, "Pareto share").locator(".header-line").inner_text()
    assert shown_share.replace(" ", "").replace("\u202f", "") == f"{share * 100:.1f}%"

    # The pie, line and bar charts draw on a canvas: compare the data the browser received and drew.
    segments = reference_marts["customer_segments"].segment.value_counts().to_dict()
    rows = received["Customers per segment"]["result"][0]["data"]
    assert {row["segment"]: row["customers"] for row in rows} == segments

    rfm = reference_marts["customer_rfm"].rfm_segment.value_counts().to_dict()
    rows = received["RFM segments"]["result"][0]["data"]
    assert {row["rfm_segment"]: row["customers"] for row in rows} == rfm

    monthly = reference_marts["revenue_monthly"]
    revenue_rows, growth_rows = (query["data"] for query in received["Monthly revenue and MoM growth"]["result"])
    assert [round(Decimal(str(row["revenue"])), 2) for row in revenue_rows] == list(monthly.revenue)
    growth = {
        month_of(row["revenue_month"]): round(Decimal(str(row["mom_growth_pct"])), 2)
        for row in growth_rows
        if row["mom_growth_pct"] is not None
    }
    assert growth == {
        month: value
        for month, value in zip(monthly.revenue_month, monthly.mom_growth_pct)
        if value is not None and value == value
    }

    quarterly = reference_marts["revenue_category_quarterly"]
    rows = received["Revenue by category per quarter"]["result"][0]["data"]
    shown = {
        category: round(sum(Decimal(str(row.get(category) or 0)) for row in rows), 2)
        for category in quarterly.category.unique()
    }
    assert shown == {category: sum(group.revenue, Decimal("0.00")) for category, group in quarterly.groupby("category")}

    daily = reference_marts["revenue_daily"]
    rows = received["Daily revenue and 7-day average"]["result"][0]["data"]
    assert len(rows) == len(daily)
    assert [round(Decimal(str(row["revenue_7d_avg"])), 2) for row in rows] == list(daily.revenue_7d_avg)

    anomalies = reference_marts["revenue_anomalies"]
    (days_rows, flagged_rows) = (query["data"] for query in received["Revenue anomalies"]["result"])
    assert [round(Decimal(str(row["revenue"])), 2) for row in days_rows] == list(anomalies.revenue)
    cents = [None if value is None or value != value else round(value, 2) for value in anomalies.typical_revenue]
    assert [None if row["typical_revenue"] is None else round(row["typical_revenue"], 2) for row in days_rows] == cents
    flagged = {
        month_of(row["revenue_date"]): row["flagged_revenue"]
        for row in flagged_rows
        if row["flagged_revenue"] is not None
    }
    expected_flagged = anomalies[anomalies.is_anomaly]
    assert flagged == {day: float(value) for day, value in zip(expected_flagged.revenue_date, expected_flagged.revenue)}

    _, predictions = marts
    segments_of = reference_marts["customer_rfm"].set_index("customer_id").rfm_segment
    expected_value = predictions.groupby(predictions.customer_id.map(segments_of)).predicted_clv_12m.sum()
    rows = received["Predicted value by RFM segment"]["result"][0]["data"]
    assert {row["rfm_segment"]: row["predicted_clv_12m"] for row in rows} == expected_value.to_dict()

    screenshot = Path(os.environ.get(SCREENSHOT_ENV, tmp_path / "superset_dashboard.png"))
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert drawn_screenshot(page, screenshot) > PAINTED


@pytest.mark.superset
def test_datasets_carry_the_dbt_descriptions(api: SupersetApi, duckdb_build: DbtProject) -> None:
    models = load_manifest(duckdb_build.root / "target" / "manifest.json")
    datasets = {dataset["table_name"]: dataset["id"] for dataset in api.list("dataset")}
    assert sorted(datasets) == sorted(d["table_name"] for d in BUNDLE.datasets().values())
    for table, dataset_id in datasets.items():
        dataset = api.call("GET", f"/api/v1/dataset/{dataset_id}")["result"]
        assert dataset["description"] == models[table]["description"].strip()
        columns = {column["column_name"]: column["description"] for column in dataset["columns"]}
        assert columns == {name: column["description"] for name, column in models[table]["columns"].items()}


@pytest.mark.superset
def test_a_wrong_password_gives_one_readable_line(superset: Running) -> None:
    with pytest.raises(
        SupersetApiError,
        match=r"^Superset login failed for user 'admin' at http://127\.0\.0\.1:\d+ "
        r"\(HTTP 401\): wrong user or password$",
    ):
        SupersetApi(superset.url, superset.username, superset.password + "x")


def test_a_missing_serving_file_gives_one_readable_line(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"^serving file .*nowhere\.duckdb not found: build the marts first"):
        duckdb_connection(tmp_path / "nowhere.duckdb")


def test_a_port_in_use_gives_one_readable_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SupersetError, match=rf"^port {port} on 127\.0\.0\.1 is in use: pick another"):
            choose_port(port)


# ---- the round trip: Superset -> bi/superset/dashboard/ -> Superset (these run last: they reload the dashboard) ----


def exported(api: SupersetApi) -> Bundle:
    """The dashboard as Superset holds it now, exported through the REST API and normalised."""
    ids = [dashboard["id"] for dashboard in api.list("dashboard")]
    return normalise(read_zip(api.export_dashboards(ids)))


def bundle_differences(actual: Bundle, committed: Bundle) -> str:
    """What an exported bundle changes in the committed one, as a diff per file ("" when nothing)."""
    differences = []
    for path in sorted(set(actual.files) | set(committed.files)):
        before, after = (yaml.safe_dump(bundle.files.get(path), sort_keys=True) for bundle in (committed, actual))
        if before != after:
            lines = difflib.unified_diff(
                before.splitlines(), after.splitlines(), path, f"{path} (exported)", lineterm=""
            )
            differences.append("\n".join(lines))
    return "\n".join(differences)


@pytest.mark.superset
def test_make_bi_export_gives_back_the_committed_bundle(superset: Running, server: Superset, tmp_path: Path) -> None:
    bundle = tmp_path / "dashboard"
    assert export(server, bundle) == []  # `make bi-export`: superset export-dashboards, normalised, rules checked
    differences = bundle_differences(read_bundle(bundle), BUNDLE)
    if differences:
        pytest.fail(f"the exported bundle differs from bi/superset/dashboard/:\n{differences}", pytrace=False)
    assert sorted(p.relative_to(bundle) for p in bundle.rglob("*.yaml")) == sorted(Path(p) for p in BUNDLE.files)


@pytest.mark.superset
def test_an_edit_made_in_superset_round_trips(
    superset: Running, api: SupersetApi, server: Superset, duckdb_build: DbtProject, tmp_path: Path
) -> None:
    """Edit a chart and the layout through the API (as the UI does), export, load the export, export again."""
    charts = {chart["slice_name"]: chart["id"] for chart in api.list("chart")}
    chart = api.call("GET", f"/api/v1/chart/{charts['RFM segments']}")["result"]
    params = {**json.loads(chart["params"]), "show_value": False, "row_limit": 50}
    api.call(
        "PUT",
        f"/api/v1/chart/{charts['RFM segments']}",
        {"slice_name": "Customers per RFM segment", "params": json.dumps(params)},
    )
    dashboard_id = api.list("dashboard")[0]["id"]
    position = json.loads(api.call("GET", f"/api/v1/dashboard/{dashboard_id}")["result"]["position_json"])
    rfm = next(
        node
        for node in position.values()
        if isinstance(node, dict) and node.get("meta", {}).get("chartId") == charts["RFM segments"]
    )
    rfm["meta"]["height"] = 70
    api.call("PUT", f"/api/v1/dashboard/{dashboard_id}", {"position_json": json.dumps(position)})

    bundle = tmp_path / "dashboard"
    try:
        assert export(server, bundle) == []
        edited = read_bundle(bundle)
        expected = copy.deepcopy(BUNDLE.files)
        old_path = next(p for p, c in expected.items() if c.get("slice_name") == "RFM segments")
        changed = expected.pop(old_path)
        changed["slice_name"] = "Customers per RFM segment"
        changed["params"].update(show_value=False, row_limit=50)
        expected["charts/Customers_per_RFM_segment.yaml"] = changed
        layout = next(c for p, c in expected.items() if p.startswith("dashboards/"))["position"]
        node = next(
            n for n in layout.values() if isinstance(n, dict) and n.get("meta", {}).get("uuid") == changed["uuid"]
        )
        node["meta"]["height"] = 70  # the layout keeps the name it was saved with (sliceName)
        assert edited.files == expected

        # The exported folder is what a developer commits; `make bi` loads it, and it comes back unchanged.
        load(
            api,
            duckdb_connection(duckdb_build.root / SERVING_FILE),
            manifest_path=duckdb_build.root / "target" / "manifest.json",
            bundle_path=bundle,
        )
        assert exported(api).files == edited.files
    finally:  # the committed dashboard again, for any test after this one
        load(
            api,
            duckdb_connection(duckdb_build.root / SERVING_FILE),
            manifest_path=duckdb_build.root / "target" / "manifest.json",
        )
    assert exported(api).files == BUNDLE.files
