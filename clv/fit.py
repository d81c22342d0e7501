"""The fit itself: BG/NBD for repeat occasions and survival, Gamma-Gamma for the value of an occasion.

MAP point estimates (no posterior uncertainty): fast enough for hundreds of thousands of customers.
Inputs use the customer_rfm_summary columns (daily time unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from pymc_marketing import clv
from pymc_marketing.clv.utils import rfm_train_test_split

FREQUENCY_BINS = 8  # calibration bins 0, 1, ..., 6 and 7+


@dataclass
class Models:
    purchases: clv.BetaGeoModel
    values: clv.GammaGammaModel | None
    data: pd.DataFrame


def model_input(rfm: pd.DataFrame) -> pd.DataFrame:
    """customer_rfm_summary in the models' names; a one-time buyer's repeat value is 0 (the models ignore it)."""
    return pd.DataFrame(
        {
            "customer_id": rfm.customer_id.astype(str).to_numpy(),
            "frequency": rfm.frequency.astype(float).to_numpy(),
            "recency": rfm.recency_days.astype(float).to_numpy(),
            "T": rfm.tenure_days.astype(float).to_numpy(),
            "monetary_value": pd.to_numeric(rfm.avg_repeat_order_value).fillna(0).astype(float).to_numpy(),
        }
    )


def fit_purchases(data: pd.DataFrame) -> clv.BetaGeoModel:
    model = clv.BetaGeoModel()
    model.fit(data=data[["customer_id", "frequency", "recency", "T"]], method="map", progressbar=False)
    return model


def fit_models(rfm: pd.DataFrame) -> Models:
    data = model_input(rfm)
    purchases = fit_purchases(data)
    repeaters = data[data.frequency > 0]
    values = None
    if len(repeaters) >= 2:
        values = clv.GammaGammaModel()
        values.fit(data=repeaters[["customer_id", "frequency", "monetary_value"]], method="map", progressbar=False)
    return Models(purchases, values, data)


def point(array) -> np.ndarray:
    """The MAP fit has one chain and one draw: drop them."""
    return np.asarray(array).reshape(-1)


def predictions_table(models: Models, rfm: pd.DataFrame, monthly_discount_rate: float) -> pd.DataFrame:
    data = models.data
    frame = pd.DataFrame(
        {
            "customer_id": data.customer_id,
            "probability_alive": point(models.purchases.expected_probability_alive(data=data)),
            "expected_purchases_90d": point(models.purchases.expected_purchases(data=data, future_t=90)),
            "expected_purchases_365d": point(models.purchases.expected_purchases(data=data, future_t=365)),
        }
    )
    if models.values is None:
        frame["expected_occasion_value"] = np.nan
        frame["predicted_clv_12m"] = np.nan
        return frame
    frame["expected_occasion_value"] = point(models.values.expected_customer_spend(data=data))
    frame["predicted_clv_12m"] = point(
        models.values.expected_customer_lifetime_value(
            transaction_model=models.purchases,
            data=data,
            future_t=12,
            discount_rate=monthly_discount_rate,
            time_unit="D",
        )
    )
    return frame


def parameters_table(models: Models) -> pd.DataFrame:
    rows = [("bg_nbd", name, float(models.purchases.fit_summary()[name])) for name in ("r", "alpha", "a", "b")]
    if models.values is not None:
        rows += [("gamma_gamma", name, float(models.values.fit_summary()[name])) for name in ("p", "q", "v")]
    return pd.DataFrame(rows, columns=["model", "parameter", "value"])


def calibration_table(transactions: pd.DataFrame, cutoff: date, end: date) -> pd.DataFrame:
    """Fit as of `cutoff`, predict repeat occasions up to `end`, compare with what happened, per
    calibration-frequency bin (0..6, 7+) and in total (bin 'total')."""
    occasions = transactions.assign(transaction_date=pd.to_datetime(transactions.transaction_date))
    split = rfm_train_test_split(
        occasions,
        customer_id_col="customer_id",
        datetime_col="transaction_date",
        train_period_end=pd.Timestamp(cutoff),
        test_period_end=pd.Timestamp(end),
        time_unit="D",
    )
    purchases = fit_purchases(split)
    predicted = point(
        purchases.expected_purchases(
            data=split[["customer_id", "frequency", "recency", "T"]], future_t=(end - cutoff).days
        )
    )
    frame = pd.DataFrame(
        {
            "bin": np.minimum(split.frequency.to_numpy().astype(int), FREQUENCY_BINS - 1),
            "predicted": predicted,
            "actual": split.test_frequency.to_numpy().astype(float),
        }
    )
    rows = []
    for bin_number in range(FREQUENCY_BINS):
        in_bin = frame[frame.bin == bin_number]
        label = f"{bin_number}+" if bin_number == FREQUENCY_BINS - 1 else str(bin_number)
        rows.append((label, bin_number, len(in_bin), in_bin.predicted.sum(), in_bin.actual.sum()))
    rows.append(("total", FREQUENCY_BINS, len(frame), frame.predicted.sum(), frame.actual.sum()))
    return pd.DataFrame(
        rows,
        columns=[
            "calibration_frequency",
            "bin_order",
            "customers",
            "predicted_repeat_occasions",
            "actual_repeat_occasions",
        ],
    ).assign(calibration_end_date=cutoff, holdout_end_date=end)
