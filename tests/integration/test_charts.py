"""Chart takeaways are computed from the data: checked on tiny frames whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from notebooks import charts


def test_pareto_takeaway_counts_the_flagged_customers() -> None:
    clv = pd.DataFrame(
        {
            "revenue_rank": [1, 2, 3, 4],
            "cumulative_revenue_share": [0.5, 0.8, 0.9, 1.0],
            "is_top_80pct": [True, True, False, False],
        }
    )
    figure, takeaway = charts.pareto_curve(clv)
    assert takeaway == "50% of buying customers (2) make 80 % of revenue."
    assert figure.axes[0].get_title() == "Pareto curve of customer revenue"


def test_growth_bars_are_coloured_by_sign_and_the_best_month_is_named() -> None:
    monthly = pd.DataFrame(
        {
            "revenue_month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "mom_growth_pct": [None, -10.0, 25.5],
        }
    )
    figure, takeaway = charts.mom_growth(monthly)
    assert takeaway == "1 of 2 months grew; the strongest was 2024-03 at +25.5 %."
    colours = [bar.get_facecolor() for bar in figure.axes[0].patches]
    assert colours[0] != colours[1]
    assert figure.axes[0].get_ylabel() == "growth (%)"


def test_segment_takeaway_shares_and_counts() -> None:
    segments = pd.DataFrame(
        {
            "segment": [
                "Active",
                "Active",
                "Active",
                "Dormant",
                "Churned",
                "Never purchased",
                "Never purchased",
                "Active",
            ]
        }
    )
    _, takeaway = charts.segments(segments)
    # 4 Active of 8 = 50 %; 1 churned; 2 never bought.
    assert takeaway == "50% of 8 customers are Active; 1 have churned and 2 never bought."


def test_daily_takeaway_names_the_best_day_and_the_last_average() -> None:
    daily = pd.DataFrame(
        {
            "revenue_date": [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)],
            "revenue": [10.0, 1500.0, 20.0],
            "revenue_7d_avg": [10.0, 755.0, 510.0],
        }
    )
    _, takeaway = charts.daily_revenue(daily)
    assert takeaway == "Best day: 2024-01-02 with 1,500; the 7-day average ends at 510 per day."


def test_cohort_takeaway_weights_month_one_by_cohort_size() -> None:
    cohorts = pd.DataFrame(
        {
            "cohort_month": ["2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"],
            "months_since_first_purchase": [0, 1, 0, 1],
            "cohort_size": [10, 10, 30, 30],
            "active_customers": [10, 5, 30, 3],
            "retention_pct": [100.0, 50.0, 100.0, 10.0],
        }
    )
    _, takeaway = charts.cohort_heatmap(cohorts)
    # (5 + 3) / (10 + 30) = 20 %, not the plain mean of 50 % and 10 %.
    assert takeaway == "On average 20.0 % of a cohort buys again in the month after its first purchase."


def test_region_and_category_takeaways() -> None:
    customers = pd.DataFrame({"region": ["Asia", "Europe", "Asia"], "total_revenue": [30.0, 50.0, 40.0]})
    _, region_takeaway = charts.revenue_by_region(customers)
    assert region_takeaway == "Asia brings the most revenue: 70 (58% of the total)."
    quarterly = pd.DataFrame(
        {
            "category": ["Books", "Toys", "Books", "Toys"],
            "revenue_quarter": ["2024-01-01", "2024-01-01", "2024-04-01", "2024-04-01"],
            "revenue": [5.0, 1.0, 25.0, 75.0],
        }
    )
    _, category_takeaway = charts.category_quarterly(quarterly)
    assert category_takeaway == "In 2024Q2, Toys led with 75 (75% of the quarter's revenue)."


def test_rfm_takeaway_counts_champions_and_their_revenue_share() -> None:
    rfm = pd.DataFrame(
        {
            "rfm_segment": ["Champions", "Champions", "At risk", "Hibernating", "New"],
            "monetary": [500.0, 300.0, 100.0, 50.0, 50.0],
        }
    )
    figure, takeaway = charts.rfm_segments(rfm)
    # 2 of 5 buyers = 40 %; (500 + 300) / 1000 = 80 % of revenue; 1 At risk.
    assert takeaway == "Champions are 40% of 5 buyers (2) and bring 80% of revenue; 1 customers are At risk."
    assert [bar.get_height() for bar in figure.axes[0].patches] == [2, 0, 0, 1, 0, 1, 1]


def test_new_vs_returning_takeaway_last_month_and_overall_shares() -> None:
    activity = pd.DataFrame(
        {
            "revenue_month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "new_customer_revenue": [100.0, 0.0, 25.0],
            "returning_customer_revenue": [0.0, 0.0, 75.0],
        }
    )
    figure, takeaway = charts.new_vs_returning(activity)
    # March: 75 / 100 = 75 %; overall 75 / 200 = 38 % (an empty February counts as a month).
    assert takeaway == "Returning customers brought 75% of revenue in 2024-03 and 38% over all 3 months."
    assert len(figure.axes[0].patches) == 6


def test_cohort_value_takeaway_weights_cohorts_by_size_at_the_horizon() -> None:
    cohorts = pd.DataFrame(
        {
            "cohort_month": ["2024-01-01"] * 4 + ["2024-02-01"] * 4,
            "months_since_first_purchase": [0, 1, 2, 3] * 2,
            "cohort_size": [1] * 4 + [3] * 4,
            "cumulative_revenue": [10.0, 20.0, 30.0, 100.0, 30.0, 30.0, 60.0, 60.0],
            "cumulative_revenue_per_customer": [10.0, 20.0, 30.0, 100.0, 10.0, 10.0, 20.0, 20.0],
        }
    )
    _, takeaway = charts.cohort_value_curves(cohorts)
    # Month 3: (100 + 60) / (1 + 3) = 40, not the plain mean of 100 and 20; the best cohort is 2024-01.
    assert takeaway == (
        "3 months after the first purchase a customer is worth 40 on average over 2 cohorts; "
        "the best cohort, 2024-01, reached 100."
    )


def test_save_writes_a_png_only_when_a_directory_is_given(tmp_path) -> None:
    figure, _ = charts.segments(pd.DataFrame({"segment": ["Active"]}))
    assert charts.save(figure, "segments", None) is None
    path = charts.save(figure, "segments", tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_anomaly_takeaway_counts_flagged_of_scored_days_and_names_the_latest() -> None:
    anomalies = pd.DataFrame(
        {
            "revenue_date": pd.to_datetime(["2024-01-04", "2024-01-01", "2024-01-02", "2024-01-03"]),
            "revenue": [10.0, 100.0, 120.0, 900.0],
            "typical_revenue": [300.0, None, 110.0, 250.0],
            "anomaly_score": [-5.0, None, 0.5, 4.0],
            "is_anomaly": [True, False, False, True],
        }
    )
    figure, takeaway = charts.revenue_anomalies(anomalies)
    assert takeaway == "2 of 3 scored days are flagged; the latest, 2024-01-04, brought 10 against a typical 300."
    marked = figure.axes[0].collections[0].get_offsets()
    assert sorted(marked[:, 1].tolist()) == [10.0, 900.0]  # only the flagged days are marked


def test_anomaly_takeaway_without_flagged_days() -> None:
    anomalies = pd.DataFrame(
        {
            "revenue_date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "revenue": [100.0, 120.0],
            "typical_revenue": [None, 110.0],
            "anomaly_score": [None, 0.5],
            "is_anomaly": [False, False],
        }
    )
    assert charts.revenue_anomalies(anomalies)[1] == "0 of 1 scored days are flagged."


def test_calibration_takeaway_compares_the_holdout_totals() -> None:
    calibration = pd.DataFrame(
        {
            "calibration_frequency": ["total", "0", "1+"],
            "bin_order": [2, 0, 1],
            "predicted_repeat_occasions": [30.6, 10.4, 20.2],
            "actual_repeat_occasions": [30.0, 12.0, 18.0],
            "calibration_end_date": [date(2024, 9, 30)] * 3,
            "holdout_end_date": [date(2024, 12, 31)] * 3,
        }
    )
    figure, takeaway = charts.clv_calibration(calibration)
    assert takeaway == (
        "Fitted up to 2024-09-30, the model predicted 31 repeat occasions up to 2024-12-31; 30 happened (+2%)."
    )
    assert [label.get_text() for label in figure.axes[0].get_xticklabels()] == ["0", "1+"]
    assert [round(bar.get_height(), 1) for bar in figure.axes[0].patches] == [10.4, 20.2, 12.0, 18.0]


def test_calibration_chart_says_how_to_get_a_fit_when_there_is_none() -> None:
    empty = pd.DataFrame(columns=["calibration_frequency", "bin_order"])
    assert charts.clv_calibration(empty)[1] == "No predicted-value fit in these marts yet: `make predict` fits one."
