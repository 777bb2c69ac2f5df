"""Shared fixtures: a real uvicorn server on a free loopback port."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

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
def _nothing_frozen_between_tests() -> Iterator[None]:
    """A test that starts the app (TestClient as a context manager) runs its lifespan, which
    freezes every object alive (`gc.freeze()`): the next test's garbage must stay collectable."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _no_cookies_between_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """The shared client forgets cookies after each test: a `?lang=zh` in one test must not
    turn the next test's page into Chinese."""
    yield
    if "http" in request.fixturenames:
        request.getfixturevalue("http").cookies.clear()


DESKTOP = {"width": 1440, "height": 900}
PLAYWRIGHT_DEFAULT = {"width": 1280, "height": 720}
# Console errors a page makes on purpose: a refused import or shared link answers 422, and a
# refresh superseded by a newer one is aborted by design (`hx-sync="this:replace"`), which htmx
# logs with its unsuccessful afterRequest.
EXPECTED_CONSOLE = ("status of 422",)
SUPERSEDED = ("htmx:sendAbort", "htmx:afterRequest")


@pytest.fixture
def open_page(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """`open_page(path="/", **context_options)`: a page of its own browser context (English,
    desktop size unless told otherwise) at `path`. Script errors and console errors fail the
    test after it ran, except the ones a page makes on purpose."""
    opened: list[tuple[Any, list[str]]] = []

    def open_(path: str = "/", **options: Any) -> Any:
        options.setdefault("locale", "en-US")
        options.setdefault("viewport", DESKTOP)
        options.setdefault("extra_http_headers", {"Accept-Language": "en"})
        context = browser.new_context(**options)
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" and not any(e in m.text for e in EXPECTED_CONSOLE)
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(live_server + path)
        # A marker that a full reload would wipe out.
        page.evaluate("window.__sameDocument = true")
        opened.append((context, problems))
        return page

    yield open_
    for context, problems in opened:
        context.close()
        if any(p.startswith("htmx:sendAbort") for p in problems):
            problems[:] = [p for p in problems if not p.startswith(SUPERSEDED)]
        assert problems == [], f"console errors (CSP violations included): {problems}"
