"""Explorer page speed in headless Chromium: edit → updated totals, and first-load size.

    .venv/bin/python bench/page_latency.py [--edits 50] [--layers 20]

Starts `uvicorn app.main:app` on a free loopback port (as `make run` does), opens the page, and
types a new `filters` value into layer 1 fifty times. For each edit it records, in the page:
  t_input    the `input` event,
  t_request  htmx's `htmx:beforeRequest` for the form (the 150 ms debounce has elapsed),
  t_response htmx's `htmx:beforeSwap` for the form (the response has arrived),
  t_dom      the moment `#total-params` shows the new total (MutationObserver),
  t_frame    the next frame after t_dom (requestAnimationFrame, then a task): what the page
             did before the new total could be painted (style, layout, what scripts ran),
  t_diagrams the moment the per-gate diagrams (out of band in the same answer) are swapped in.
Latency without debounce = t_dom − t_request; with debounce = t_dom − t_input.
First-load transfer: bytes on the wire (headers + encoded bodies) of every request a fresh,
cache-less page makes, and the page's HTML (decoded). `--layers N`: the same on a model of N
ConvLSTM2D layers (8, 9, … filters, 3×3, same padding, sequences returned) instead of the seed.
Prints figures and their ratio to issue 12's targets (p95 < 60 ms for the seed, < 120 ms for
20 layers; a 20-layer page under 250 KB of HTML); not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from common import machine, server
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from chromium import launch

TARGET_P95_MS = 60.0  # the seed model
TARGET_P95_MS_LAYERS = 120.0  # `--layers N` (issue 12 set it for 20)
TARGET_PAGE_KB_LAYERS = 250.0  # the page's HTML, `--layers N`
TARGET_FIRST_LOAD_KB = 100.0

EDIT_LOOP = """
async (edits) => {
  const field = document.getElementById("f-layers-0-filters");
  const rows = [];
  let requestAt = 0, responseAt = 0, diagramsAt = 0, whatifAt = 0;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id === "results") responseAt = performance.now();
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "whatif-chart") whatifAt = performance.now();
  });
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target.id === "diagrams") diagramsAt = performance.now();
  });
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.id === "editor") requestAt = performance.now();  // not the what-if
  });
  for (let i = 0; i < edits; i++) {
    const before = document.getElementById("total-params").textContent;
    const done = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const now = document.getElementById("total-params");
        if (now && now.textContent !== before) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(document.getElementById("main"), {childList: true, subtree: true,
                                                         characterData: true});
    });
    field.focus();
    field.value = String(31 + (i % 40));
    const inputAt = performance.now();
    field.dispatchEvent(new Event("input", {bubbles: true}));
    const domAt = await done;
    const frameAt = await new Promise((r) => requestAnimationFrame(() => setTimeout(
      () => r(performance.now()), 0)));
    // A typing pause: the what-if chart's follow-up request lands before the next edit.
    const waitStart = performance.now();
    while (whatifAt < domAt && performance.now() - waitStart < 2000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    rows.push([inputAt, requestAt, domAt, diagramsAt, responseAt, frameAt]);
    await new Promise((r) => setTimeout(r, 50));
  }
  return rows;
}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def model_path(layers: int) -> str:
    """The page URL of the seed (0) or of a stack of `layers` ConvLSTM2D layers."""
    if not layers:
        return "/"
    query = "/?input_shape=15,40,40,3"
    for n in range(layers):
        query += f"&layers.{n}.type=ConvLSTM2D&layers.{n}.filters={8 + n}"
        query += f"&layers.{n}.kernel_size=3,3&layers.{n}.padding=same"
        query += f"&layers.{n}.return_sequences=true"
    return query


def first_load_bytes(browser, base: str, path: str = "/") -> tuple[int, list[tuple[str, int]]]:
    context = browser.new_context()
    page = context.new_page()
    sizes: list[tuple[str, int]] = []

    def finished(request) -> None:  # type: ignore[no-untyped-def]
        s = request.sizes()
        sizes.append(
            (request.url.replace(base, ""), s["responseBodySize"] + s["responseHeadersSize"])
        )

    page.on("requestfinished", finished)
    page.goto(base + path, wait_until="networkidle")
    context.close()
    return sum(n for _, n in sizes), sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--layers", type=int, default=0, help="N ConvLSTM2D layers, not the seed")
    args = parser.parse_args()
    path = model_path(args.layers)
    with server() as running, sync_playwright() as p:
        browser = launch(p)
        total, parts = first_load_bytes(browser, running.base, path)
        page = browser.new_page()
        response = page.goto(running.base + path)
        html = len(response.body()) if response else 0
        page.evaluate(EDIT_LOOP, 5)  # warm up: templates compiled, connections open
        rows = page.evaluate(EDIT_LOOP, args.edits)
        browser.close()

    without = [dom - req for _, req, dom, _, _, _ in rows]
    with_debounce = [dom - inp for inp, _, dom, _, _, _ in rows]
    diagrams = [dia - req for _, req, _, dia, _, _ in rows]
    answer = [res - req for _, req, _, _, res, _ in rows]
    swap = [dom - res for _, _, dom, _, res, _ in rows]
    frame = [fra - req for _, req, _, _, _, fra in rows]
    p95 = percentile(without, 0.95)
    target = TARGET_P95_MS_LAYERS if args.layers else TARGET_P95_MS
    print(machine())
    print(f"edits measured: {len(rows)} (after 5 warm-up edits), Chromium headless, 1 worker")
    print(
        f"model: {'seed' if not args.layers else f'{args.layers} ConvLSTM2D layers'}; "
        f"page HTML {html / 1024:.0f} KB (decoded)"
        + (f" (target < {TARGET_PAGE_KB_LAYERS:.0f} KB)" if args.layers else "")
    )
    print(
        f"edit → totals in DOM, debounce excluded: median {statistics.median(without):.1f} ms, "
        f"p95 {p95:.1f} ms (target p95 < {target:.0f} ms: {p95 / target:.2f}× of budget)"
    )
    print(
        f"  of which request → response (server + network): median "
        f"{statistics.median(answer):.1f} ms, p95 {percentile(answer, 0.95):.1f} ms; "
        f"response → DOM (htmx swap): median {statistics.median(swap):.1f} ms, "
        f"p95 {percentile(swap, 0.95):.1f} ms"
    )
    print(
        f"edit → the next frame after that, debounce excluded: median "
        f"{statistics.median(frame):.1f} ms, p95 {percentile(frame, 0.95):.1f} ms"
    )
    print(
        f"edit → totals in DOM, with the 150 ms debounce: median "
        f"{statistics.median(with_debounce):.1f} ms, "
        f"p95 {percentile(with_debounce, 0.95):.1f} ms"
    )
    print(
        f"edit → per-gate diagrams in DOM, debounce excluded: median "
        f"{statistics.median(diagrams):.1f} ms, p95 {percentile(diagrams, 0.95):.1f} ms"
    )
    print(
        f"first-load transfer: {total / 1024:.1f} KB (target < {TARGET_FIRST_LOAD_KB:.0f} KB: "
        f"{total / 1024 / TARGET_FIRST_LOAD_KB:.2f}× of budget)"
    )
    for url, n in parts:
        print(f"  {n / 1024:7.1f} KB  {url}")


if __name__ == "__main__":
    main()
