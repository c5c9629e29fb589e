#!/usr/bin/env python3
"""End-to-end browser test of `prov serve`, run by scripts/test.sh after the demo.

On a copy of the demo ledger it starts a real `prov serve` on 127.0.0.1 and drives headless Chromium:
  1. the product page of a demo lot says "verified" once the browser has checked every proof, draws the journey on the
     world's coastlines with the plots its cocoa came from, names them and the mill's due-diligence statement in the
     timeline, and fits a phone's screen;
  2. after one event's signature is altered in the ledger file, the same page says "failed";
  3. a lot the factory made and shipped from its second site, a warehouse, with no move recorded between them, shows
     the move on its page;
  4. after the factory's dock over-ships a lot and the pipeline runs again, a compliance officer logs into the
     dashboard with the demo key file, confirms the open flag with a note, and the decision shows on the page and in
     the ledger; the lot's page then tells that a confirmed flag touches it (before, that the anchored report covering
     it has none confirmed: an open flag is not told).
Screenshots go to the --out folder (CI keeps them as artefacts).

With --postgres URL (an empty PostgreSQL database) the copy of the ledger is moved there with `prov migrate` and the
server, the tampering (with psql) and the checks run on it instead of the file.
"""
import argparse
import json
import os
import pathlib
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

LOT = "LOT-DE-CHOC-31"
MOVED_LOT = "LOT-DE-CHOC-40"


def fail(message):
    print(f"browser test FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def detection_state(driver):
    """The product page's anomaly detection line, once it is filled: its state (uncovered, clear, confirmed) and text."""
    try:
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "detection").get_attribute("data-state"))
    except Exception:
        fail("the product page shows no anomaly detection line")
    line = driver.find_element(By.ID, "detection")
    return line.get_attribute("data-state"), line.text


def wait_for_server(base, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.2)
    fail(f"the server did not answer {base}/healthz within {seconds} s")


def browser(chromedriver):
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1700"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(chromedriver), options=options)


def prov(args, *command, ledger=None):
    """Runs `prov COMMAND [--ledger LEDGER]` at the demo's fixed clock, so that new blocks follow its own."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1830297600"}
    extra = ["--ledger", str(ledger)] if ledger else []
    return subprocess.run([args.prov, *command, *extra], capture_output=True, text=True, env=environment)


class Ledger:
    """The ledger under test: the SQLite copy, or the PostgreSQL database it was moved to; its signatures are altered
    and restored with sqlite3 or psql."""

    def __init__(self, path, url, key):
        self.path, self.url, self.key = path, url, key

    @property
    def address(self):
        return self.url or str(self.path)

    def set_signature_byte(self, event_id, flip):
        if self.url:
            sql = (f"UPDATE events SET signature = set_byte(signature, 0, get_byte(signature, 0) # {flip}) "
                   f"WHERE id = decode('{event_id}', 'hex')")
            done = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url, "-c", sql], capture_output=True, text=True)
            if done.returncode != 0:
                fail(f"psql: {done.stderr}")
            return
        with sqlite3.connect(self.path) as db:
            (signature,) = db.execute("SELECT signature FROM events WHERE id = ?", (bytes.fromhex(event_id),)).fetchone()
            tampered = bytes([signature[0] ^ flip]) + signature[1:]
            db.execute("UPDATE events SET signature = ? WHERE id = ?", (tampered, bytes.fromhex(event_id)))


def plant_open_flag(args, work, ledger):
    """The demo's officer has confirmed its capacity flag; for the dashboard to have an open one of the chocolate lot,
    the factory's dock ships 900 kg more of the chocolate lot than the factory made, and the officer runs the pipeline
    again. Before that the factory registers a second site, a warehouse, and ships from it a lot it made at the factory
    (MOVED_LOT) with no move between them recorded."""
    shipment = work / "over-shipment.csv"
    shipment.write_text(
        "Record_ID,Event,Occurred_At,Product,Lot,Quantity,Unit,Facility,Shipment_ID,Destination\n"
        f"DE-S-0399,ship,2026-05-05T08:00:00+02:00,dark-chocolate-70,{LOT},900,kg,"
        "urn:epc:id:sgln:4012345.00020.0,DE-SH-0399,urn:epc:id:sgln:4098765.00001.0\n"
        f"DE-P-0400,produce,2026-05-08T08:00:00+02:00,dark-chocolate-70,{MOVED_LOT},500,kg,FACTORY-DE-02,,\n"
        f"DE-S-0400,ship,2026-05-10T08:00:00+02:00,dark-chocolate-70,{MOVED_LOT},400,kg,WAREHOUSE-DE-09,DE-SH-0400,"
        "urn:epc:id:sgln:4098765.00001.0\n")
    warehouse = work / "warehouse.csv"
    warehouse.write_text(
        "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,"
        "certificate_expires,parent_facility\n"
        "WAREHOUSE-DE-09,factory-de,Duisburg Warehouse,warehouse,DE,51.43,6.76,,,20,,,\n")
    keys = pathlib.Path(args.keys)
    root = pathlib.Path(__file__).resolve().parent.parent
    for command in (
        ["facilities", "import", str(warehouse), "--key", str(keys / "DEMO-ONLY-factory-de.pem")],
        ["ingest", str(shipment), "--key", str(keys / "DEMO-ONLY-factory-de.pem")],
        ["pipeline", "run", str(root / "Pipelines/default.yml"), "--key", str(keys / "DEMO-ONLY-compliance.pem"),
         "--out", str(work / "reports")],
    ):
        done = prov(args, *command, ledger=ledger)
        if done.returncode != 0:
            fail(f"prov {command[0]} failed: {done.stdout}{done.stderr}")


def badge_state(driver, wanted, seconds=60):
    badge = driver.find_element(By.ID, "badge")
    try:
        WebDriverWait(driver, seconds).until(lambda d: badge.get_attribute("data-state") in wanted)
    except Exception:
        fail(f"the badge stayed '{badge.get_attribute('data-state')}': {badge.text}")
    return badge.get_attribute("data-state"), badge.text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prov", required=True, help="the prov binary")
    parser.add_argument("--demo", required=True, help="the demo folder scripts/demo.sh made (ledger.sqlite and its operator key)")
    parser.add_argument("--keys", required=True, help="SampleData/demo/keys")
    parser.add_argument("--out", required=True, help="where to save screenshots")
    parser.add_argument("--port", type=int, default=0, help="the port to serve on (default: a free one)")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    parser.add_argument("--postgres", help="an empty PostgreSQL database (postgres://…) to run the test on")
    args = parser.parse_args()

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="prov-browser-"))
    for name in ("ledger.sqlite", "ledger.operator.pem"):
        shutil.copy(pathlib.Path(args.demo) / name, work / name)
    plant_open_flag(args, work, work / "ledger.sqlite")
    ledger = Ledger(work / "ledger.sqlite", args.postgres, work / "ledger.operator.pem")
    if args.postgres:
        moved = prov(args, "migrate", "--from", str(ledger.path), "--to", args.postgres)
        if moved.returncode != 0:
            fail(f"prov migrate failed: {moved.stdout}{moved.stderr}")
        print(f"on PostgreSQL: {moved.stdout.strip().splitlines()[0]}")
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w")
    server = subprocess.Popen(
        [args.prov, "serve", "--ledger", ledger.address, "--operator-key", str(ledger.key), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT)
    driver = None
    try:
        wait_for_server(base)
        # Whatever answered must be this server, not another process on the same port.
        if server.poll() is not None:
            fail(f"prov serve exited ({server.returncode}): {(work / 'serve.log').read_text()[-500:]}")
        driver = browser(args.chromedriver)

        # 1. The product page verifies in the browser.
        driver.get(f"{base}/p/{LOT}")
        state, text = badge_state(driver, {"verified", "verified-server", "failed"})
        if state != "verified":
            fail(f"the product page says '{state}': {text}")
        events = driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-event-id]")
        checks = driver.find_elements(By.CSS_SELECTOR, "#timeline .check.ok")
        if not events or len(checks) != len(events):
            fail(f"{len(checks)} of {len(events)} events show as checked")
        # The journey on the world's coastlines, and the plots the chocolate's cocoa came from: marked on the journey,
        # and drawn to scale (the north block's polygon, the river plot's point) below it.
        coast = driver.find_elements(By.CSS_SELECTOR, "#map svg path.coast")
        if len(coast) != 1 or len(coast[0].get_attribute("d") or "") < 10000:
            fail("the journey's map draws no coastlines")
        marks = driver.find_elements(By.CSS_SELECTOR, "#map svg path.plot")
        drawn = sorted(p.get_attribute("data-plot") for p in driver.find_elements(By.CSS_SELECTOR, "#plots svg path.plot"))
        if len(marks) != 2 or drawn != ["PLOT-GH-01-A", "PLOT-GH-01-B"]:
            fail(f"the plots are not on the page: {len(marks)} marks on the journey, drawn: {drawn}")
        polygon = driver.find_element(By.CSS_SELECTOR, '#plots svg path[data-plot="PLOT-GH-01-A"]')
        if polygon.size["width"] < 20 or polygon.size["height"] < 20:
            fail(f"the north block's polygon is drawn {polygon.size}, too small to see")
        # The timeline names the plots of each harvest and the due-diligence statement the mill's shipment carries.
        timeline = driver.find_element(By.ID, "timeline").text
        for line in ("from plots PLOT-GH-01-A, PLOT-GH-01-B", "due-diligence statement 26NLZM48211907 (verification QH4T9WXB)"):
            if line not in timeline:
                fail(f"the timeline does not say '{line}'")
        # The anomaly report that covers the lot; its flag on the lot is still open, which the page does not tell.
        state, detection = detection_state(driver)
        if state != "clear" or "no confirmed flag on this lot" not in detection:
            fail(f"the page's anomaly detection says '{state}': {detection}")
        driver.save_screenshot(str(out / "product-page.png"))
        driver.set_window_size(390, 1600)
        # Readable on a phone: nothing wider than the screen.
        widths = driver.execute_script("return [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
        if widths[1] > widths[0]:
            fail(f"on a phone the page is {widths[1]} px wide for a screen of {widths[0]}")
        driver.save_screenshot(str(out / "product-page-phone.png"))
        driver.set_window_size(1280, 1700)
        print(f"product page: {text}")

        # 2. One altered signature in the ledger file, and the page says so.
        event_id = events[-1].get_attribute("data-event-id")
        ledger.set_signature_byte(event_id, 1)
        driver.get(f"{base}/p/{LOT}")
        state, text = badge_state(driver, {"verified", "verified-server", "failed"})
        if state != "failed" or "signature" not in text:
            fail(f"after tampering the page says '{state}': {text}")
        driver.save_screenshot(str(out / "product-page-tampered.png"))
        print(f"tampered ledger: {text}")
        ledger.set_signature_byte(event_id, 1)

        # 3. A lot moved between two sites of its party with nothing recorded: the page says so between the events.
        driver.get(f"{base}/p/{MOVED_LOT}")
        state, text = badge_state(driver, {"verified", "verified-server", "failed"})
        moves = driver.find_elements(By.CSS_SELECTOR, "#timeline li.move")
        if state != "verified" or len(moves) != 1 or "no ship or receive recorded" not in moves[0].text:
            fail(f"the moved lot's page says '{state}' with {[m.text for m in moves]}")
        print(f"moved lot: {moves[0].text}")

        # 4. The compliance officer logs in with the key file and confirms the open flag.
        driver.get(f"{base}/dashboard")
        driver.find_element(By.ID, "participant").send_keys("compliance")
        driver.find_element(By.ID, "key-file").send_keys(str(pathlib.Path(args.keys, "DEMO-ONLY-compliance.pem").resolve()))
        driver.find_element(By.ID, "login-button").click()
        try:
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flags tr[data-status='open']"))
        except Exception:
            fail(f"no open flag on the dashboard: {driver.find_element(By.ID, 'login-error').text}")
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "report").get_attribute("src"))
        driver.save_screenshot(str(out / "dashboard.png"))
        # The planted flag: the chocolate lot's over-shipment (the demo's plot coverage flag stays open too).
        rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#flags tr[data-status='open']") if LOT in r.text]
        if not rows:
            fail(f"no open flag of {LOT} on the dashboard")
        row = rows[0]
        flag = row.get_attribute("data-flag-id")
        row.find_element(By.CSS_SELECTOR, "input.note").send_keys("shipment without a recorded input: the factory's receipts requested")
        row.find_element(By.CSS_SELECTOR, "button.confirm").click()
        try:
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#decisions li[data-flag-id='{flag}']"))
        except Exception:
            fail(f"the decision on {flag} did not show: {driver.find_element(By.ID, 'board-status').text}")
        driver.find_element(By.CSS_SELECTOR, "#status-filter option[value='']").click()
        driver.save_screenshot(str(out / "dashboard-reviewed.png"))
        shown = prov(args, "anomalies", "show", flag, "--json", ledger=ledger.address)
        if shown.returncode != 0 or json.loads(shown.stdout).get("status") != "confirmed":
            fail(f"the ledger does not hold the review of {flag}: {shown.stdout}{shown.stderr}")
        print(f"dashboard: {flag} confirmed by compliance, signed in the browser")
        # The product page now tells that a compliance officer confirmed a flag on the lot.
        driver.get(f"{base}/p/{LOT}")
        state, detection = detection_state(driver)
        if state != "confirmed" or "a compliance officer confirmed a flag on this lot" not in detection:
            fail(f"after the review the page's anomaly detection says '{state}': {detection}")
        driver.save_screenshot(str(out / "product-page-confirmed.png"))
        print(f"product page after the review: {detection}")
        verified = prov(args, "verify", ledger=ledger.address)
        if verified.returncode != 0:
            fail(f"the ledger does not verify after the browser's review: {verified.stdout}{verified.stderr}")
        print(f"browser test: OK{' on PostgreSQL' if args.postgres else ''} (screenshots in {out})")
    finally:
        if driver:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            fail("the server did not stop within 15 s of SIGTERM")
        log.close()
        if server.returncode not in (0, -15):
            print((work / "serve.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
