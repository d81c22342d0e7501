"""Waiting in tests: on a condition, with a generous deadline, and saying what was awaited when giving up.

CI shares its machine: a page can take a minute to paint and a build ten times its usual time. A test that
sleeps a fixed time, or checks the first paint, fails there although the code is right. These helpers poll
a condition until it holds; the deadline only bounds a hang, it is never a measure of speed (bench/ does that).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")
# Long enough for a loaded 2-core machine (the slowest seen: about a minute for Superset's first paint).
DEADLINE_S = 300.0


def wait_until(
    condition: Callable[[], T],
    what: str,
    timeout_s: float = DEADLINE_S,
    every_s: float = 0.5,
    last_seen: Callable[[], str] | None = None,
) -> T:
    """Call `condition` until it returns something truthy and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            seen = f"; last seen: {last_seen()}" if last_seen else ""
            pytest.fail(f"waited {timeout_s:.0f} s for {what}, in vain{seen}", pytrace=False)
        time.sleep(every_s)


def wait_in_page(
    page,
    script: str,
    what: str,
    arg=None,
    timeout_s: float = DEADLINE_S,
    every_ms: int = 500,
    last_seen_script: str | None = None,
) -> None:
    """page.wait_for_function with a deadline that names what it waited for (and, given a script that
    describes the page, what the page showed at the deadline)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000, polling=every_ms)
    except PlaywrightTimeout:
        seen = f"; last seen: {page.evaluate(last_seen_script)}" if last_seen_script else ""
        pytest.fail(f"waited {timeout_s:.0f} s for {what} on {page.url}, in vain{seen}", pytrace=False)


def wait_for_text(page, selector: str, what: str, timeout_s: float = DEADLINE_S, state: str = "visible") -> None:
    """page.wait_for_selector with a deadline that names what it waited for."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(selector, timeout=timeout_s * 1000, state=state)
    except PlaywrightTimeout:
        pytest.fail(f"waited {timeout_s:.0f} s for {what} ({selector}) on {page.url}, in vain", pytrace=False)
