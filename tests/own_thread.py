"""Running asyncio code from a test, whatever ran before it.

Playwright's sync API (the session's browser, tests/conftest.py) keeps an event loop running on
the main thread once the first browser test has started it, so `asyncio.run`, `anyio.run` and
`loop.run_until_complete` there fail with "Cannot run the event loop while another loop is
running". A test that drives an event loop of its own does it on a fresh thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    """`work()` on a new thread, with no event loop running there; its result or its error."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
