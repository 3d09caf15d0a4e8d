"""The -f html page in Chromium: its numbers match the JSON report, a finding expands, the
cause filter works, no request leaves the page, and hostile captures fire no dialog.

Usage: report_page.py CHROMIUM REPORT.html REPORT.json HOSTILE.html PAGED.html [SCREENSHOT]
Prints what it checked; exits non-zero on the first failure.
"""

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1000, "height": 640})
    seen = {"requests": [], "dialogs": [], "errors": []}
    url = Path(path).resolve().as_uri()
    page.on("request", lambda r: r.url != url and seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, seen


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def numbers_match(page, report):
    summary = report["summary"]
    for key in ["inputs", "exchanges", "unauthorized", "resolved_later"]:
        shown = page.text_content(f"#n-{key.replace('_', '-')}")
        check(int(shown) == summary[key], f"{key} shown {shown} = JSON {summary[key]}")
    for cause, count in summary["by_cause"].items():
        shown = page.text_content(f'td[data-count="{cause}"]')
        check(int(shown) == count, f"{cause} shown {shown} = JSON {count}")


def finding_expands(page):
    body = page.locator("details#f1 dl")
    check(not body.is_visible(), "finding #1 starts closed")
    page.click("details#f1 > summary")
    check(body.is_visible(), "finding #1 opens into its explanation")
    check("what to do" in body.text_content(), "the explanation holds the advice")


def cause_filter_works(page, report):
    causes = [f["cause"] for f in report["findings"]]
    cause = max(set(causes), key=causes.count)
    page.select_option('select[data-filter="cause"]', cause)
    visible = page.locator("details.finding:visible")
    check(visible.count() == causes.count(cause), f"{cause}: {visible.count()} findings shown")
    others = page.locator(f'tr[data-cause]:visible:not([data-cause="{cause}"])').count()
    check(others == 0, "no group of another cause stays visible")
    page.select_option('select[data-filter="cause"]', "")
    check(page.locator("details.finding:visible").count() == len(causes), "all again")


def pages_show_more(browser, path):
    page, seen = open_page(browser, path)
    total = int(page.text_content("#n-unauthorized"))
    findings = page.locator("details.finding")
    check(findings.count() == 500 < total, f"the first page lists 500 of {total} findings")
    page.click("#next-page")
    check(findings.count() == min(total, 1000), f"the next page adds findings: {findings.count()}")
    findings.nth(findings.count() - 1).locator("summary").click()
    check(findings.nth(findings.count() - 1).locator("dl").is_visible(), "a paged finding expands")
    check(seen["errors"] == [] and seen["requests"] == [], f"quiet: {seen}")


def main():
    chromium, html, report_json, hostile, paged = sys.argv[1:6]
    screenshot = sys.argv[6] if len(sys.argv) > 6 else None
    report = json.loads(Path(report_json).read_text())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page, seen = open_page(browser, html)
        if screenshot:
            page.screenshot(path=screenshot, type="jpeg", quality=70)
        numbers_match(page, report)
        finding_expands(page)
        cause_filter_works(page, report)
        check(seen["requests"] == [], f"no network request: {seen['requests']}")
        check(seen["errors"] == [], f"no script error or CSP violation: {seen['errors']}")
        page, seen = open_page(browser, hostile)
        for details in page.locator("details.finding").all():
            details.locator("summary").click()
        page.wait_for_timeout(300)
        check(seen["dialogs"] == [], f"no dialog from script payloads: {seen['dialogs']}")
        check(seen["requests"] == [], f"no request from the hostile page: {seen['requests']}")
        check(page.evaluate("document.scripts.length") == 2, "only the report's own scripts")
        pages_show_more(browser, paged)
        browser.close()


if __name__ == "__main__":
    main()
