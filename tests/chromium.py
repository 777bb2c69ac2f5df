"""How our tests, benchmarks and screenshots launch Debian's Chromium through Playwright.

`playwright install` cannot download browsers here, so Playwright drives /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def launch(playwright):  # type: ignore[no-untyped-def]
    """A headless Chromium browser (Playwright `Browser`)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
