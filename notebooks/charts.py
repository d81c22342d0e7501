"""One function per chart: each takes mart DataFrames and returns (figure, takeaway computed from the data)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

GROWTH_COLOUR, DECLINE_COLOUR = "#2a9d8f", "#e76f51"


def money(value: float) -> str:
    return f"{value:,.0f}"


def daily_revenue(daily: pd.DataFrame) -> tuple[Figure, str]:
    daily = daily.sort_values("revenue_date")
    figure, axis = plt.subplots(figsize=(11, 4))
    axis.plot(daily.revenue_date, daily.revenue.astype(float), color="#bbbbbb", linewidth=0.8, label="daily revenue")
    axis.plot(
        daily.revenue_date, daily.revenue_7d_avg.astype(float), color="#264653", linewidth=2, label="7-day average"
    )
    axis.set(title="Daily revenue with its 7-day average", xlabel="date", ylabel="revenue (currency units)")
    axis.legend()
    best = daily.loc[daily.revenue.astype(float).idxmax()]
    takeaway = (
        f"Best day: {pd.Timestamp(best.revenue_date):%Y-%m-%d} with {money(float(best.revenue))}; "
        f"the 7-day average ends at {money(float(daily.revenue_7d_avg.iloc[-1]))} per day."
    )
    return figure, takeaway


def mom_growth(monthly: pd.DataFrame) -> tuple[Figure, str]:
    monthly = monthly.sort_values("revenue_month").dropna(subset=["mom_growth_pct"])
    growth = monthly.mom_growth_pct.astype(float)
    figure, axis = plt.subplots(figsize=(11, 4))
    labels = [f"{pd.Timestamp(m):%Y-%m}" for m in monthly.revenue_month]
    axis.bar(labels, growth, color=[GROWTH_COLOUR if g >= 0 else DECLINE_COLOUR for g in growth])
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set(title="Month-over-month revenue growth", xlabel="month", ylabel="growth (%)")
    axis.tick_params(axis="x", rotation=45)
    best = monthly.loc[growth.idxmax()]
    takeaway = (
        f"{int((growth > 0).sum())} of {len(growth)} months grew; the strongest was "
        f"{pd.Timestamp(best.revenue_month):%Y-%m} at {float(best.mom_growth_pct):+.1f} %."
    )
    return figure, takeaway


def pareto_curve(lifetime_value: pd.DataFrame) -> tuple[Figure, str]:
    ranked = lifetime_value.sort_values("revenue_rank")
    customer_share = np.arange(1, len(ranked) + 1) / len(ranked)
    top_share = ranked.is_top_80pct.astype(bool).sum() / len(ranked)
    figure, axis = plt.subplots(figsize=(6, 5))
    axis.plot(
        np.r_[0, customer_share] * 100,
        np.r_[0, ranked.cumulative_revenue_share.astype(float)] * 100,
        color="#264653",
        linewidth=2,
    )
    axis.axhline(80, color=DECLINE_COLOUR, linestyle="--", label="80 % of revenue")
    axis.axvline(top_share * 100, color=GROWTH_COLOUR, linestyle=":", label=f"{top_share:.0%} of customers")
    axis.set(
        title="Pareto curve of customer revenue",
        xlabel="cumulative share of customers (%)",
        ylabel="cumulative share of revenue (%)",
        xlim=(0, 100),
        ylim=(0, 101),
    )
    axis.legend(loc="lower right")
    takeaway = f"{top_share:.0%} of buying customers ({int(ranked.is_top_80pct.sum())}) make 80 % of revenue."
    return figure, takeaway


def segments(customer_segments: pd.DataFrame) -> tuple[Figure, str]:
    order = ["Active", "Dormant", "Churned", "Never purchased"]
    counts = customer_segments.segment.value_counts().reindex(order, fill_value=0)
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.bar(counts.index, counts.values, color=["#2a9d8f", "#e9c46a", "#e76f51", "#999999"])
    axis.set(title="Customers per recency segment", xlabel="segment", ylabel="customers (count)")
    takeaway = (
        f"{counts['Active'] / counts.sum():.0%} of {counts.sum()} customers are Active; "
        f"{counts['Churned']} have churned and {counts['Never purchased']} never bought."
    )
    return figure, takeaway


def category_quarterly(quarterly: pd.DataFrame) -> tuple[Figure, str]:
    table = quarterly.assign(
        quarter=pd.to_datetime(quarterly.revenue_quarter).dt.to_period("Q").astype(str),
        revenue=quarterly.revenue.astype(float),
    ).pivot(index="quarter", columns="category", values="revenue")
    figure, axis = plt.subplots(figsize=(10, 4))
    table.plot.bar(ax=axis)
    axis.set(title="Revenue by category per quarter", xlabel="quarter", ylabel="revenue (currency units)")
    axis.tick_params(axis="x", rotation=0)
    last = table.iloc[-1]
    takeaway = (
        f"In {table.index[-1]}, {last.idxmax()} led with {money(last.max())} "
        f"({last.max() / last.sum():.0%} of the quarter's revenue)."
    )
    return figure, takeaway


def cohort_heatmap(cohorts: pd.DataFrame) -> tuple[Figure, str]:
    table = cohorts.assign(
        cohort=pd.to_datetime(cohorts.cohort_month).dt.strftime("%Y-%m"), retention=cohorts.retention_pct.astype(float)
    ).pivot(index="cohort", columns="months_since_first_purchase", values="retention")
    figure, axis = plt.subplots(figsize=(10, 5))
    image = axis.imshow(table.values, cmap="viridis", aspect="auto", vmin=0, vmax=100)
    axis.set_xticks(range(len(table.columns)), table.columns)
    axis.set_yticks(range(len(table.index)), table.index)
    axis.set(title="Cohort retention", xlabel="months since first purchase", ylabel="cohort (first purchase month)")
    figure.colorbar(image, ax=axis, label="retention (%)")
    month_one = cohorts[cohorts.months_since_first_purchase == 1]
    weighted = (month_one.active_customers.sum() / month_one.cohort_size.sum() * 100) if len(month_one) else 0.0
    takeaway = f"On average {weighted:.1f} % of a cohort buys again in the month after its first purchase."
    return figure, takeaway


def revenue_by_region(customers: pd.DataFrame) -> tuple[Figure, str]:
    by_region = (
        customers.assign(total_revenue=customers.total_revenue.astype(float))
        .groupby("region")
        .total_revenue.sum()
        .sort_values(ascending=False)
    )
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.bar(by_region.index, by_region.values, color="#264653")
    axis.set(title="Revenue by customer region", xlabel="region", ylabel="revenue (currency units)")
    takeaway = (
        f"{by_region.index[0]} brings the most revenue: {money(by_region.iloc[0])} "
        f"({by_region.iloc[0] / by_region.sum():.0%} of the total)."
    )
    return figure, takeaway


RFM_SEGMENTS = ["Champions", "Loyal", "Promising", "New", "Needs attention", "At risk", "Hibernating"]


def rfm_segments(rfm: pd.DataFrame) -> tuple[Figure, str]:
    """Buyers and revenue share per RFM segment (customer_rfm)."""
    monetary = rfm.monetary.astype(float)
    counts = rfm.rfm_segment.value_counts().reindex(RFM_SEGMENTS, fill_value=0)
    revenue_share = monetary.groupby(rfm.rfm_segment).sum().reindex(RFM_SEGMENTS, fill_value=0) / monetary.sum()
    figure, axis = plt.subplots(figsize=(10, 4))
    bars = axis.bar(counts.index, counts.values, color="#264653")
    for bar, share in zip(bars, revenue_share.values):
        axis.annotate(
            f"{share:.0%} of revenue",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axis.set(title="Buying customers per RFM segment", xlabel="RFM segment", ylabel="customers (count)")
    takeaway = (
        f"Champions are {counts['Champions'] / counts.sum():.0%} of {counts.sum()} buyers "
        f"({counts['Champions']}) and bring {revenue_share['Champions']:.0%} of revenue; "
        f"{counts['At risk']} customers are At risk."
    )
    return figure, takeaway


def new_vs_returning(activity: pd.DataFrame) -> tuple[Figure, str]:
    """Each month's revenue from new and from returning customers, stacked (customer_activity_monthly)."""
    activity = activity.sort_values("revenue_month")
    labels = [f"{pd.Timestamp(m):%Y-%m}" for m in activity.revenue_month]
    new, returning = activity.new_customer_revenue.astype(float), activity.returning_customer_revenue.astype(float)
    figure, axis = plt.subplots(figsize=(11, 4))
    axis.bar(labels, new.values, color="#e9c46a", label="new customers")
    axis.bar(labels, returning.values, bottom=new.values, color="#264653", label="returning customers")
    axis.set(
        title="Revenue from new vs returning customers per month", xlabel="month", ylabel="revenue (currency units)"
    )
    axis.tick_params(axis="x", rotation=45)
    axis.legend()
    last_total = new.iloc[-1] + returning.iloc[-1]
    last_share = returning.iloc[-1] / last_total if last_total else 0.0
    takeaway = (
        f"Returning customers brought {last_share:.0%} of revenue in {labels[-1]} and "
        f"{returning.sum() / (new.sum() + returning.sum()):.0%} over all {len(labels)} months."
    )
    return figure, takeaway


def cohort_value_curves(cohort_revenue: pd.DataFrame, horizon: int = 3) -> tuple[Figure, str]:
    """Cumulative revenue per customer of each cohort over the months since its first purchase."""
    frame = cohort_revenue.assign(
        cohort=pd.to_datetime(cohort_revenue.cohort_month).dt.strftime("%Y-%m"),
        value=cohort_revenue.cumulative_revenue_per_customer.astype(float),
    )
    figure, axis = plt.subplots(figsize=(10, 5))
    curves = list(frame.sort_values("months_since_first_purchase").groupby("cohort"))
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(curves)))  # one distinct colour per cohort
    for (cohort, curve), colour in zip(curves, colours):
        axis.plot(
            curve.months_since_first_purchase,
            curve.value,
            marker="o",
            markersize=3,
            linewidth=1.2,
            color=colour,
            label=cohort,
        )
    axis.set(
        title="Cumulative revenue per customer by cohort",
        xlabel="months since first purchase",
        ylabel="cumulative revenue per customer",
    )
    axis.legend(title="cohort", fontsize=7, ncol=2)
    horizon = min(horizon, int(frame.months_since_first_purchase.max()))
    at_horizon = frame[frame.months_since_first_purchase == horizon]
    # Weighted by cohort size: all cohorts' cumulative revenue over all their customers.
    value = at_horizon.cumulative_revenue.astype(float).sum() / at_horizon.cohort_size.sum()
    best = at_horizon.loc[at_horizon.value.idxmax()]
    takeaway = (
        f"{horizon} months after the first purchase a customer is worth {money(value)} on average over "
        f"{len(at_horizon)} cohorts; the best cohort, {best.cohort}, reached {money(best.value)}."
    )
    return figure, takeaway


def revenue_anomalies(anomalies: pd.DataFrame) -> tuple[Figure, str]:
    """Daily revenue with its typical value (same weekday, trailing window) and the flagged days marked."""
    anomalies = anomalies.sort_values("revenue_date")
    flagged = anomalies[anomalies.is_anomaly.astype(bool)]
    figure, axis = plt.subplots(figsize=(11, 4))
    axis.plot(anomalies.revenue_date, anomalies.revenue.astype(float), color="#bbbbbb", linewidth=0.8, label="revenue")
    axis.plot(
        anomalies.revenue_date,
        anomalies.typical_revenue.astype(float),
        color="#264653",
        linewidth=1.2,
        label="typical for the weekday",
    )
    axis.scatter(
        flagged.revenue_date, flagged.revenue.astype(float), color=DECLINE_COLOUR, zorder=3, label="flagged day"
    )
    axis.set(title="Daily revenue and flagged anomalies", xlabel="date", ylabel="revenue (currency units)")
    axis.legend()
    scored = int(anomalies.anomaly_score.notna().sum())
    takeaway = f"{len(flagged)} of {scored} scored days are flagged"
    if len(flagged):
        last = flagged.iloc[-1]
        takeaway += (
            f"; the latest, {pd.Timestamp(last.revenue_date):%Y-%m-%d}, brought {money(float(last.revenue))} "
            f"against a typical {money(float(last.typical_revenue))}"
        )
    return figure, takeaway + "."


def clv_calibration(calibration: pd.DataFrame) -> tuple[Figure, str]:
    """Predicted against actual repeat occasions in the holdout, per calibration-frequency bin (clv_calibration)."""
    figure, axis = plt.subplots(figsize=(8, 4))
    if calibration.empty:
        axis.set_axis_off()
        axis.text(0.5, 0.5, "No fit yet: run make predict", ha="center", va="center")
        return figure, "No predicted-value fit in these marts yet: `make predict` fits one."
    ordered = calibration.sort_values("bin_order")
    bins = ordered[ordered.calibration_frequency != "total"]
    total = ordered[ordered.calibration_frequency == "total"].iloc[0]
    positions = np.arange(len(bins))
    axis.bar(positions - 0.2, bins.predicted_repeat_occasions.astype(float), 0.4, color="#264653", label="predicted")
    axis.bar(positions + 0.2, bins.actual_repeat_occasions.astype(float), 0.4, color="#e9c46a", label="actual")
    axis.set_xticks(positions, bins.calibration_frequency)
    axis.set(
        title="Holdout: predicted vs actual repeat occasions",
        xlabel="repeat occasions before the cut-off",
        ylabel="repeat occasions in the holdout",
    )
    axis.legend()
    predicted, actual = float(total.predicted_repeat_occasions), float(total.actual_repeat_occasions)
    error = f"{(predicted - actual) / actual:+.0%}" if actual else "no actual occasions"
    takeaway = (
        f"Fitted up to {pd.Timestamp(total.calibration_end_date):%Y-%m-%d}, the model predicted {predicted:,.0f} "
        f"repeat occasions up to {pd.Timestamp(total.holdout_end_date):%Y-%m-%d}; {actual:,.0f} happened ({error})."
    )
    return figure, takeaway


def save(figure: Figure, name: str | None, directory: str | Path | None) -> Path | None:
    """Write the chart as `<directory>/<name>.png` when a report directory and a name are given."""
    if not directory or not name:
        return None
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    return path
