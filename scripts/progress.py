"""Progress and an ETA for long work (tqdm), on stderr and only on a terminal: logs, CI and tests stay quiet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tqdm import tqdm


def bar(total: int | None, description: str, unit: str = "it") -> tqdm:
    """A progress bar for `total` units of work; tqdm turns itself off when stderr is not a terminal."""
    return tqdm(total=total, desc=description, unit=unit, unit_scale=True, disable=None, leave=False)


class Advancing:
    """`target` whose method `method` advances `progress` by `weight(*args)` after each call: progress on work
    done inside a function that knows nothing about progress bars."""

    def __init__(self, target: Any, method: str, progress: tqdm, weight: Callable[..., int]) -> None:
        self._target, self._method, self._progress, self._weight = target, method, progress, weight

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if name != self._method:
            return attribute

        def advancing(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            self._progress.update(self._weight(*args, **kwargs))
            return result

        return advancing
