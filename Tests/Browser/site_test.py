#!/usr/bin/env python3
"""Browser test of `lore publish`: headless Chromium (Debian chromium + chromium-driver) driven by
selenium loads published sites from a local HTTP server on 127.0.0.1.

  Tests/Browser/site_test.py --lore .build/debug/lore [--screenshots docs/images]

1. The example repository (Examples/build-demo-repo.sh): the home page lists the entries, typing
   in search finds an entry by a word from its body, an entry page shows its backlinks, the site
   works from file:// too. Screenshots of the home page, an entry and the trends page, at desktop
   (1280 px) and phone (390 px) widths, go to --screenshots (site-home.png, site-home-phone.png …).
2. An XSS corpus: every page loads without running injected script (no alert, no marker set).
Exit status 0 when every check passes, 1 otherwise."""
import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GIT_ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Eve", GIT_AUTHOR_EMAIL="eve@example.com", GIT_COMMITTER_NAME="Eve",
               GIT_COMMITTER_EMAIL="eve@example.com", GIT_AUTHOR_DATE="2025-03-14T10:00:00+00:00",
               GIT_COMMITTER_DATE="2025-03-14T10:00:00+00:00")

XSS_ENTRY = """---
id: LL-0001
title: "</script><script>window.__xss = 1</script><img src=x onerror=window.__xss=2>"
date: 2025-03-14
status: "active\\" onmouseover=\\"window.__xss=3"
tags: ["<svg onload=window.__xss=4>"]
owner_link: "javascript:window.__xss=5"
action_items:
  - title: "<script>window.__xss=6</script>"
    owner: "<img src=x onerror=window.__xss=7>"
    due: 2025-01-01
    link: "javascript:window.__xss=8"
---

# Raw HTML

A body word: quokka.

<script>window.__xss = 9</script>
<img src="x" onerror="window.__xss=10">
[click](javascript:window.__xss=11) <a href="javascript:window.__xss=12">raw</a>
[[LL-0001|<img src=x onerror=window.__xss=13>]]
"""


def publish(lore, repo, out):
    subprocess.run([lore, "publish", "--out", out], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d/" % server.server_address[1]


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--allow-file-access-from-files"):
        options.add_argument(flag)
    if os.path.exists("/usr/bin/chromium"):
        options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


WIDTHS = (("", 1280, 900), ("-phone", 390, 844))


def shoot(driver, folder, name, checks):
    """Saves the page at desktop and phone widths (the whole page height); checks that nothing is
    wider than the window (no sideways scrolling on a phone)."""
    for suffix, width, height in WIDTHS:
        driver.set_window_size(width, height)
        inner = driver.execute_script("return window.innerWidth")
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        checks.expect(wide <= inner, "%s at %d px needs no sideways scrolling (%d > %d)" % (name, width, wide, inner))
        full = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
        driver.set_window_size(width, max(height, full + (height - driver.execute_script("return window.innerHeight"))))
        if folder:
            driver.save_screenshot(os.path.join(folder, "site-%s%s.png" % (name, suffix)))
    driver.set_window_size(1280, 900)


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, message):
        print(("ok    " if condition else "FAIL  ") + message)
        if not condition:
            self.failures.append(message)


def check_demo(driver, base, checks, screenshots):
    driver.get(base + "index.html")
    titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ul.entries a")]
    checks.expect(len(set(titles)) >= 9, "home lists the entries (%d links)" % len(set(titles)))
    checks.expect("payments-api exhausted payments-db connections during the spring sale" in titles,
                  "home lists PM-0001 by title")
    shoot(driver, screenshots, "home", checks)
    # Dark mode follows the system setting (prefers-color-scheme).
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    driver.get(base + "entries/pm-0001.html")
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    checks.expect(background == "rgb(21, 25, 28)", "dark mode follows the system setting (%s)" % background)
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, "site-entry-dark.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    driver.get(base + "index.html")

    # Search as one types, by a word of PM-0001's body that is not in its title.
    driver.get(base + "search.html")
    box = driver.find_element(By.ID, "search-input")
    box.send_keys("autoscaler")
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    found = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#search-results a")]
    checks.expect("payments-api exhausted payments-db connections during the spring sale" in found,
                  "typing 'autoscaler' finds PM-0001 (%s)" % found)
    # The header's search form on any page carries the query to the search page.
    driver.get(base + "entries/dr-0001.html")
    header = driver.find_element(By.ID, "q")
    header.send_keys("certificate")
    header.submit()
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    checks.expect(len(driver.find_elements(By.CSS_SELECTOR, "#search-results a")) >= 1, "the header search form searches")

    # An entry page shows its backlinks.
    driver.get(base + "entries/ll-0001.html")
    backlinks = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ul.backlinks a")]
    checks.expect(any(text.startswith("PM-0001") for text in backlinks), "LL-0001 shows its backlink from PM-0001 (%s)" % backlinks)
    driver.find_element(By.CSS_SELECTOR, "ul.backlinks a").click()
    checks.expect(driver.current_url.endswith("/entries/pm-0001.html") or driver.current_url.endswith("/entries/dr-0001.html"),
                  "a backlink opens its entry (%s)" % driver.current_url)
    driver.get(base + "entries/pm-0001.html")
    shoot(driver, screenshots, "entry", checks)
    driver.get(base + "stats.html")
    shoot(driver, screenshots, "trends", checks)


def check_file_url(driver, site, checks):
    driver.get("file://" + os.path.join(site, "index.html"))
    link = driver.find_element(By.LINK_TEXT, "payments-api exhausted payments-db connections during the spring sale")
    link.click()
    checks.expect(driver.current_url.startswith("file://") and driver.find_elements(By.CSS_SELECTOR, "ul.backlinks"),
                  "the site works from file:// (%s)" % driver.current_url)
    driver.get("file://" + os.path.join(site, "search.html") + "?q=reconciliation")
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    checks.expect(True, "search works from file://")


def check_xss(driver, base, site, checks):
    pages = []
    for folder, _, files in os.walk(site):
        pages += [os.path.relpath(os.path.join(folder, f), site) for f in files if f.endswith(".html")]
    for page in sorted(pages):
        driver.get(base + page)
        for element in driver.find_elements(By.CSS_SELECTOR, "a, img, svg, span, li")[:30]:
            try:
                webdriver.ActionChains(driver).move_to_element(element).perform()
            except Exception:
                pass
        try:
            alert = driver.switch_to.alert
            checks.expect(False, "%s raised an alert: %s" % (page, alert.text))
            alert.dismiss()
        except NoAlertPresentException:
            pass
        marker = driver.execute_script("return window.__xss === undefined ? null : window.__xss")
        checks.expect(marker is None, "%s runs no injected script" % page)
    driver.get(base + "search.html?q=quokka")
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    checks.expect(driver.execute_script("return window.__xss === undefined"), "search results run no injected script")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lore", default=os.path.join(ROOT, ".build/debug/lore"))
    parser.add_argument("--screenshots", help="save site-home.png, site-entry.png, site-trends.png (and -phone) here")
    args = parser.parse_args()
    lore = os.path.abspath(args.lore)
    checks = Checks()
    work = tempfile.mkdtemp(prefix="lore-browser-")
    try:
        demo = os.path.join(work, "demo")
        subprocess.run([os.path.join(ROOT, "Examples/build-demo-repo.sh"), demo], check=True, stdout=subprocess.DEVNULL)
        demo_site = os.path.join(work, "demo-site")
        publish(lore, demo, demo_site)
        xss = os.path.join(work, "xss")
        os.makedirs(os.path.join(xss, "lessons"))
        with open(os.path.join(xss, "lessons", "xss.md"), "w") as handle:
            handle.write(XSS_ENTRY)
        for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "XSS corpus"]):
            subprocess.run(["git"] + command, cwd=xss, env=GIT_ENV, check=True)
        xss_site = os.path.join(work, "xss-site")
        publish(lore, xss, xss_site)
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
        driver = browser()
        try:
            server, base = serve(demo_site)
            check_demo(driver, base, checks, args.screenshots)
            server.shutdown()
            check_file_url(driver, demo_site, checks)
            server, base = serve(xss_site)
            check_xss(driver, base, xss_site, checks)
            server.shutdown()
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(checks.failures) if checks.failures else "browser test passed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
