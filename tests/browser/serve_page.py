"""`why401 serve` in Chromium: files chosen with the file picker (a HAR and a .tar.gz) and a
pasted ticket give the counts the CLI gives; a request from another origin is refused; a
shared server without its token answers 401 and lets in after the token form.

Usage: serve_page.py CHROMIUM URL EXPECTED.json TICKET.txt FILE... -- SHARED_URL TOKEN
Prints what it checked; exits non-zero on the first failure.
"""

import http.server
import json
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def upload(browser, url, expected, ticket, files):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url)
    page.set_input_files("#files", files)
    page.fill("#ticket", Path(ticket).read_text())
    page.click("#go")
    page.wait_for_selector("#result", state="visible", timeout=60_000)
    for key in ["inputs", "exchanges", "unauthorized", "resolved_later"]:
        shown = page.text_content(f"#r-{key.replace('_', '-')}")
        check(int(shown) == expected[key], f"serve shows {key} {shown} = CLI {expected[key]}")
    with page.expect_navigation():
        page.click("#open-report")
    check(page.locator("details.finding").count() == expected["unauthorized"], "the report lists the findings")
    check(errors == [], f"no script error or CSP violation: {errors}")
    page.close()


def drop_files(browser, url):
    """Files dropped on the page are taken (the browser's own drag and drop, simulated)."""
    page = browser.new_page()
    page.goto(url)
    page.evaluate(
        """() => { const t = new DataTransfer();
                   t.items.add(new File(["HTTP/1.1 401 Unauthorized\\r\\n\\r\\n"], "a.txt"));
                   t.items.add(new File(["{}"], "b.har"));
                   document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: t})); }"""
    )
    page.wait_for_function("document.getElementById('status').textContent.includes('ready')")
    check("2 file(s) ready" in page.text_content("#status"), "dropped files are taken")
    page.close()


def cross_origin(browser, url):
    """A page of another site (a second local server, another port) posts to the server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    with page.expect_response(lambda r: "/analyze" in r.url) as answer:
        page.evaluate(
            """url => { const d = new FormData(); d.append("ticket", "HTTP/1.1 401");
                        return fetch(url + "analyze", {method: "POST", body: d, mode: "no-cors"}).catch(() => null); }""",
            url,
        )
    check(answer.value.status == 403, f"another site's upload is refused ({answer.value.status})")
    page.close()
    server.shutdown()


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!DOCTYPE html><title>another site</title><p>another site"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def token(browser, shared, secret):
    page = browser.new_page()
    response = page.goto(shared)
    check(response.status == 401, f"without the token: {response.status}")
    check(response.headers.get("www-authenticate", "").startswith("Bearer"), "with a challenge")
    page.fill("input[name=token]", secret)
    page.click("button[type=submit]")
    page.wait_for_selector("#upload")
    cookies = page.context.cookies()
    check(any(c["httpOnly"] and c["sameSite"] == "Strict" for c in cookies), "HttpOnly, SameSite=Strict cookie")
    check(secret not in page.url, "the token is never in the URL")
    page.close()


def main():
    args = sys.argv[1:]
    split = args.index("--")
    chromium, url, expected, ticket, *files = args[:split]
    shared, secret = args[split + 1 :]
    expected = json.loads(Path(expected).read_text())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        upload(browser, url, expected, ticket, files)
        drop_files(browser, url)
        cross_origin(browser, url)
        token(browser, shared, secret)
        browser.close()


if __name__ == "__main__":
    main()
