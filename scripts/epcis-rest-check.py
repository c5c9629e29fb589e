#!/usr/bin/env python3
"""Capture, then query, then verify, through the EPCIS REST interface of a real `prov serve` (docs/epcis.md, "REST
interface"), as an EPCIS client would.

    epcis-rest-check.py PROV DEMO_FOLDER KEYS_FOLDER

On a copy of the demo ledger (scripts/demo.sh), with factory-de's key left with the server: captures the demo's
dispatch document (JSON-LD) with new event IDs, follows the job to its end, finds the events by eventID, business
step and class, pages through every EPCIS event; captures a document with one bad event and checks that the job
names it and nothing was written; stops the server and runs `prov verify`. Exits 1 naming the first check that fails.
"""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prov_client  # noqa: E402

prov, demo, keys = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
repository = pathlib.Path(__file__).resolve().parent.parent
work = pathlib.Path(tempfile.mkdtemp())
for name in os.listdir(demo):
    if name.startswith("ledger."):
        shutil.copy(demo / name, work / name)
(work / "signing-keys").mkdir()
shutil.copy(os.path.join(keys, "DEMO-ONLY-factory-de.pem"), work / "signing-keys" / "factory-de.pem")
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
base = f"http://127.0.0.1:{port}"
log = open(work / "serve.log", "w")
server = subprocess.Popen(
    [prov, "serve", "--ledger", str(work / "ledger.sqlite"), "--port", str(port), "--signing-keys",
     str(work / "signing-keys"), "--log-level", "warning"],
    stdout=log, stderr=log)


def fail(message):
    server.kill()
    print(open(work / "serve.log").read()[-2000:])
    print(f"epcis rest: FAILED: {message}")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1)


def request(method, path, body=None, headers=None):
    call = urllib.request.Request(base + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


for _ in range(300):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=2)
        break
    except OSError:
        time.sleep(0.1)
else:
    fail("prov serve did not answer /healthz within 30 s")

token = prov_client.login(base, keys, "factory-de")
authorized = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}
document = json.loads((repository / "SampleData/demo/factory-de-dispatch.epcis.jsonld").read_text())
ids = [f"urn:uuid:{uuid.uuid4()}" for _ in document["epcisBody"]["eventList"]]
for event, event_id in zip(document["epcisBody"]["eventList"], ids):
    event["eventID"] = event_id
    event["eventTime"] = event["eventTime"].replace("2026-05-0", "2026-05-1")


def tree_size():
    return json.loads(request("GET", "/healthz")[2])["tree_size"]


def capture(body):
    status, headers, _ = request("POST", "/epcis/capture", json.dumps(body).encode(), authorized)
    if status != 202 or "Location" not in headers:
        fail(f"POST /epcis/capture answered {status}, not 202 with a Location")
    for _ in range(600):
        status, _, job = request("GET", headers["Location"], headers=authorized)
        job = json.loads(job)
        if status != 200:
            fail(f"GET {headers['Location']} answered {status}")
        if not job["running"]:
            return job
        time.sleep(0.05)
    fail("the capture job did not finish within 30 s")


def events(path):
    status, headers, body = request("GET", path)
    if status != 200:
        fail(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"], headers


before = tree_size()
job = capture(document)
if not job["success"] or job.get("accepted") != 2:
    fail(f"the capture job did not append the 2 events: {job}")
found, _ = events("/epcis/events/" + urllib.parse.quote(ids[1], safe=""))
if [event.get("eventID") for event in found] != [ids[1]]:
    fail(f"GET /epcis/events/{ids[1]} did not find it")
lgtin = urllib.parse.quote("urn:epc:class:lgtin:4012345.012345.LOT-DE-CHOC-31", safe="")
found, _ = events(f"/epcis/events?EQ_bizStep=shipping&MATCH_epcClass={lgtin}&GE_eventTime=2026-05-10T00:00:00Z")
if [event.get("eventID") for event in found] != [ids[1]]:
    fail(f"the shipping query found {[event.get('eventID') for event in found]}, not the captured dispatch")

# Every EPCIS event, page by page, each once.
seen, path, pages = [], "/epcis/events?perPage=7", 0
while path:
    page, headers = events(path)
    seen += [event["prov:ledgerEvent"] for event in page]
    link = headers.get("Link")
    path = link[1:link.index(">")] if link else None
    pages += 1
everything, _ = events("/epcis/events?perPage=1000")
if seen != [event["prov:ledgerEvent"] for event in everything] or len(seen) != len(set(seen)):
    fail("paging did not give every event once, in order")

# One bad event: nothing is written, and the job names it.
bad = json.loads(json.dumps(document))
for event in bad["epcisBody"]["eventList"]:
    event["eventID"] = f"urn:uuid:{uuid.uuid4()}"
bad["epcisBody"]["eventList"][1]["eventTime"] = "not a time"
size = tree_size()
job = capture(bad)
if job["success"] or not job["errors"] or "line" not in job["errors"][0]:
    fail(f"the capture with a bad event did not fail naming it: {job}")
if tree_size() != size:
    fail("the capture with a bad event wrote events")

server.terminate()
server.wait(timeout=30)
verified = subprocess.run([prov, "verify", "--ledger", str(work / "ledger.sqlite")], capture_output=True, text=True)
if verified.returncode != 0:
    fail(f"prov verify failed: {verified.stdout}{verified.stderr}")
shutil.rmtree(work, ignore_errors=True)
print(f"epcis rest: OK (captured 2 events, tree {before} -> {size}; found by eventID, step and class; "
      f"{len(seen)} events in {pages} pages; a capture with a bad event refused, naming line {job['errors'][0]['line']}; "
      f"prov verify passed)")
