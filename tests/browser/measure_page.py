"""Load time and memory of a report page in Chromium (for the README's numbers; not a test).

Usage: measure_page.py CHROMIUM REPORT.html
Prints the time to the load event, the DOM size, the JS heap and the browser's total RSS.
"""

import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright


def chromium_rss_mb():
    out = subprocess.run(["ps", "-C", "chromium", "-o", "rss="], capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split()) / 1024


def main():
    chromium, html = sys.argv[1:3]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        started = time.monotonic()
        page.goto(Path(html).resolve().as_uri(), timeout=600_000)
        loaded = time.monotonic() - started
        timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
        started = time.monotonic()
        page.select_option('select[data-filter="cause"]', index=1)
        filtered = time.monotonic() - started
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        print(f"file: {Path(html).stat().st_size / 1e6:.1f} MB")
        print(f"load event after {loaded:.2f} s (navigation entry: {timing[:200]}…)")
        print(f"cause filter applied in {filtered:.2f} s")
        print(f"DOM nodes: {int(metrics['Nodes'])}, JS heap used: {metrics['JSHeapUsedSize'] / 1e6:.1f} MB")
        print(f"Chromium processes RSS: {chromium_rss_mb():.0f} MB")
        browser.close()


if __name__ == "__main__":
    main()
