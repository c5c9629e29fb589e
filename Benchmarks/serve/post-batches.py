#!/usr/bin/env python3
"""POSTs batches to /v1/batches, each once, CONCURRENCY at a time, and prints requests/s, events/s and latency
percentiles as JSON. Every request must append a new block (201).

    post-batches.py HOST PORT[,PORT…] FOLDER TOKEN CONCURRENCY [PREFIX]

With several ports (servers over one ledger), the workers take them in turn: worker n posts to port n mod count.

PREFIX names the files: batch (the default) posts pre-signed batch-N.json files as application/json; another
prefix posts PREFIX-N.csv files as text/csv, for the server to sign (prov serve --signing-keys)."""
import http.client
import json
import pathlib
import sys
import threading
import time

host, folder, token, concurrency = sys.argv[1], pathlib.Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
ports = [int(port) for port in sys.argv[2].split(",")]
prefix = sys.argv[6] if len(sys.argv) > 6 else "batch"
signed = prefix == "batch"
pattern = f"{prefix}-*.json" if signed else f"{prefix}-*.csv"
bodies = [path.read_bytes() for path in sorted(folder.glob(pattern), key=lambda p: int(p.stem.split("-")[1]))]
events_per_batch = len(json.loads(bodies[0])["events"]) if signed else bodies[0].count(b"\n") - 1
content_type = "application/json" if signed else "text/csv"
latencies, failures = [], []
lock = threading.Lock()
cursor = iter(range(len(bodies)))


def worker(port):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {token}"}
    while True:
        with lock:
            index = next(cursor, None)
        if index is None:
            return
        started = time.perf_counter()
        connection.request("POST", "/v1/batches", body=bodies[index], headers=headers)
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if response.status != 201:
                failures.append(f"batch {index}: {response.status} {answer[:200]!r}")


started = time.perf_counter()
threads = [threading.Thread(target=worker, args=(ports[n % len(ports)],)) for n in range(concurrency)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
seconds = time.perf_counter() - started
latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] * 1000


print(json.dumps({
    "body": content_type, "servers": len(ports), "requests": len(latencies), "events_per_request": events_per_batch, "concurrency": concurrency, "seconds": round(seconds, 3),
    "requests_per_second": round(len(latencies) / seconds, 2), "events_per_second": round(len(latencies) * events_per_batch / seconds),
    "p50_ms": round(percentile(50), 1), "p99_ms": round(percentile(99), 1), "max_ms": round(latencies[-1] * 1000, 1),
    "failures": failures[:5],
}))
sys.exit(1 if failures else 0)
