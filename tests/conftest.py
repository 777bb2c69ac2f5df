"""Shared fixtures: a real uvicorn server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bench.common import server


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Base URL of `uvicorn app.main:app` running in a subprocess, as `make run` starts it."""
    with server() as running:
        yield running.base


@pytest.fixture(scope="session")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skipped (visibly) when it is missing."""
    from chromium import chromium_path, launch

    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _no_cookies_between_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """The shared client forgets cookies after each test: a `?lang=zh` in one test must not
    turn the next test's page into Chinese."""
    yield
    if "http" in request.fixturenames:
        request.getfixturevalue("http").cookies.clear()
