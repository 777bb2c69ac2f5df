"""Screenshots of the explorer for the README, taken in headless Chromium.

    .venv/bin/python docs/screenshots.py            # starts uvicorn on a free port itself
    .venv/bin/python docs/screenshots.py --all      # also phone/dark variants (for checking)

Writes docs/screenshot.png (wide, light) and docs/gate-diagram.png (the first layer's gates);
with --all also docs/screenshot-*.png (dark, phone, Chinese: for checking, not committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from chromium import launch  # noqa: E402
from common import server  # noqa: E402

SHOTS = {
    "screenshot.png": {"viewport": {"width": 1440, "height": 1100}, "color_scheme": "light"},
    "screenshot-dark.png": {"viewport": {"width": 1440, "height": 1100}, "color_scheme": "dark"},
    "screenshot-phone.png": {
        "viewport": {"width": 390, "height": 1400},
        "color_scheme": "light",
        "device_scale_factor": 1,
    },
    "screenshot-phone-dark.png": {
        "viewport": {"width": 390, "height": 1400},
        "color_scheme": "dark",
    },
    "screenshot-zh.png": {
        "viewport": {"width": 1440, "height": 1100},
        "color_scheme": "light",
        "locale": "zh-CN",
    },
}


def main() -> None:
    wanted = SHOTS if "--all" in sys.argv else {"screenshot.png": SHOTS["screenshot.png"]}
    with server() as running, sync_playwright() as p:
        browser = launch(p)
        for name, options in wanted.items():
            page = browser.new_page(**options)
            page.set_extra_http_headers({"Accept-Language": options.get("locale", "en")})
            page.goto(running.base + "/")
            page.screenshot(path=str(ROOT / "docs" / name), full_page=False)
            print("wrote docs/" + name)
            if name == "screenshot.png":
                gates = page.locator("#gates-0")
                gates.scroll_into_view_if_needed()  # content-visibility: render it first
                page.wait_for_timeout(200)
                gates.screenshot(path=str(ROOT / "docs/gate-diagram.png"))
                print("wrote docs/gate-diagram.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
