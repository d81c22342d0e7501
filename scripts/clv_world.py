"""Customers drawn from a known BG/NBD + Gamma-Gamma world, to check that the predicted-value fit recovers
what it should. Daily time unit, like customer_rfm_summary.

Each customer makes a first purchase on a day drawn uniformly from the first `acquisition_days`; then buys
as a Poisson process with rate lambda ~ Gamma(r, rate alpha) per day, and after each repeat purchase drops
out with probability p ~ Beta(a, b) (BG/NBD, Fader, Hardie & Lee 2005). Each purchase occasion is worth
z ~ Gamma(p_gg, rate nu) with nu ~ Gamma(q, rate v) per customer (Gamma-Gamma, Fader, Hardie & Lee 2005b).
Only numpy and pandas: the project's generator and the model's own venv both import it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class World:
    """The stated parameters: about 7 purchases a year while alive, a quarter drop out after each repeat
    purchase, a mean occasion value of 120 (p * v / (q - 1))."""

    r: float = 0.6
    alpha: float = 30.0
    a: float = 0.8
    b: float = 2.5
    p: float = 6.0
    q: float = 4.0
    v: float = 60.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def simulate_occasions(
    customers: int, start: date, end: date, seed: int, world: World = World(), acquisition_days: int = 180
) -> pd.DataFrame:
    """One row per purchase occasion: customer_number (1..customers), occasion_date, value (2 decimals)."""
    rng = np.random.default_rng([seed, 22])
    horizon = (end - start).days + 1
    first_day = rng.integers(0, min(acquisition_days, horizon), size=customers)
    rates = rng.gamma(world.r, 1 / world.alpha, size=customers)
    dropout = rng.beta(world.a, world.b, size=customers)
    nu = rng.gamma(world.q, 1 / world.v, size=customers)
    rows: list[tuple[int, int]] = []
    for number in range(customers):
        t = float(first_day[number])
        rows.append((number, int(t)))
        while True:
            t += rng.exponential(1 / rates[number])
            if t >= horizon:
                break
            rows.append((number, int(t)))
            if rng.random() < dropout[number]:
                break
    frame = pd.DataFrame(rows, columns=["customer_index", "day"]).drop_duplicates()
    values = rng.gamma(world.p, 1 / nu[frame.customer_index.to_numpy()])
    return pd.DataFrame(
        {
            "customer_number": frame.customer_index.to_numpy() + 1,
            "occasion_date": [start + timedelta(days=int(d)) for d in frame.day],
            "value": np.maximum(np.round(values, 2), 0.01),
        }
    )
