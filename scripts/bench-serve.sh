#!/usr/bin/env bash
# Load benchmark of `prov serve` on loopback, on a generated ledger of about a million events.
#
#   scripts/bench-serve.sh DIR
#   POSTGRES=postgres://… [REPLICA=postgres://…] scripts/bench-serve.sh DIR
#
# DIR is a network kept by `prov bench detection --lots 87000 --seeds 7 --keep KEEP` (DIR = KEEP/seed-7:
# ledger.sqlite, its operator key, network/ with the participants' keys and facilities). It measures, on a
# release build, one server over the SQLite file:
#   1. GET /v1/lots/{id} with wrk (Debian's package) for DURATION seconds at each of READ_CONNECTIONS (default
#      "4 16") connections, over 1,000 lots spread across the ledger: requests/s, p50 and p99 latency;
#   2. GET /v1/products/{id} the same way, over 1,000 pages of 100 events spread across every product code:
#      each product's first page, the rest at random depths (?after= an event of the product);
#   3. POST /v1/batches of 1,000 events each, BATCHES batches BATCH_CONCURRENCY at a time, signed
#      beforehand by one of the network's producers (prov sign): requests/s, events/s, p50 and p99;
#   4. the same with 1,000-row CSV bodies that the server signs with the producer's key (prov serve
#      --signing-keys);
#   5. the EPCIS query interface (docs/epcis.md, "REST interface"), before the batches: the time of the first
#      query, which brings the query index up to date over the whole ledger if it never was (made first, before
#      every read above, so that they do not share the cores with it); then, with wrk at
#      EPCIS_CONNECTIONS connections (default 4), GET /epcis/events?MATCH_epc=… over 1,000 of the ledger's
#      EPCs and GET /epcis/events?EQ_bizStep=shipping&GE_eventTime=… over 1,000 times spread across it.
# With POSTGRES (an empty database; REPLICA, a streaming replica of its server, optional) it then copies the ledger
# into it (prov migrate) and measures the same against two `prov serve` instances over that database, sending
# public reads to the replica: each read run splits its connections evenly over the two (one wrk each, at once,
# each reported), and the batches' workers post to the two in turn. It checks that every batch landed once
# (the event count grows by exactly the batches' events) and that `prov verify` passes.
# The batches append blocks to the ledgers. Needs wrk, openssl and python3 (and psql with POSTGRES).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/bench-serve.sh DIR (a network kept by prov bench detection --keep)}
duration=${DURATION:-30}
read_connections=${READ_CONNECTIONS:-4 16}
batches=${BATCHES:-60}
batch_concurrency=${BATCH_CONCURRENCY:-4}
port=${PORT:-18181}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# Linux's session autogroups share the cores between login sessions, not between processes: PostgreSQL, started in a
# session of its own, then gets one session's share however many backends are busy, and on a machine that also runs
# the servers and wrk a runnable backend was measured waiting 0.2 to 2 s for a core, which wrk counts in every p99.
# Servers do not run that way (a service's cgroup, or a database on its own machine): turn them off before the
# database's connections are made, e.g. `sysctl -w kernel.sched_autogroup_enabled=0`.
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ]; then
    echo "note: kernel.sched_autogroup_enabled=1: PostgreSQL's backends share one session's part of the cores, and its reads' tails measure that"
fi
swift build -c release --product prov >/dev/null
prov="$(swift build -c release --show-bin-path)/prov"
ledger="$dir/ledger.sqlite"
work=$(mktemp -d)
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM events').fetchone()[0])" "$ledger")
python3 - "$ledger" "$work" <<'PY'
import random, sqlite3, sys, urllib.parse
db = sqlite3.connect(sys.argv[1])
quote = lambda text: urllib.parse.quote(text, safe="")
lots = [row[0] for row in db.execute("SELECT DISTINCT lot FROM events WHERE lot IS NOT NULL AND kind IN ('receive', 'transform') ORDER BY lot")]
step = max(1, len(lots) // 1000)
with open(f"{sys.argv[2]}/lots.txt", "w") as out:
    out.write("".join(f"/v1/lots/{quote(lot)}\n" for lot in lots[::step][:1000]))
# Pages of every product, deep ones by cursor: any event of the product is a valid ?after=.
random.seed(7)
products = [row[0] for row in db.execute("SELECT DISTINCT product FROM events WHERE product IS NOT NULL ORDER BY product")]
pages = [f"/v1/products/{quote(product)}" for product in products]
per_product = (1000 - len(pages)) // len(products) + 1
for product in products:
    seqs = [row[0] for row in db.execute("SELECT seq FROM events WHERE product = ?", (product,))]
    pages += [f"/v1/products/{quote(product)}?after={seq}" for seq in random.sample(seqs, min(per_product, len(seqs)))]
random.shuffle(pages)
with open(f"{sys.argv[2]}/products.txt", "w") as out:
    out.write("".join(page + "\n" for page in pages[:1000]))
PY

# Batches of 1,000 harvests at one of the network's farms, signed by its producer (BATCHES=0: reads only).
producer=$(awk -F, '$3 == "producer" { print $1; exit }' "$dir/network/participants.csv")
facility=$(awk -F, 'NR == 2 { print $1 }' "$dir/network/facilities/$producer.csv")
if [ "$batches" -gt 0 ]; then
    run=$(date +%s)
    python3 - "$work" "$batches" "$facility" "$run" <<'PY'
import sys
folder, count, facility, run = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
for prefix in ["batch", "raw"]:
    for n in range(count):
        with open(f"{folder}/{prefix}-{n}.csv", "w") as out:
            out.write("record_id,event,occurred_at,product,lot,quantity,unit,facility\n")
            for i in range(1000):
                name = f"BENCH-{prefix}-{run}-{n}-{i}"
                out.write(f"{name},produce,2026-06-01T06:{i // 60 % 60:02d}:{i % 60:02d}Z,cocoa-beans,{name},{100 + i % 50}.5,kg,{facility}\n")
PY
    for n in $(seq 0 $((batches - 1))); do
        echo "$work/batch-$n.csv"
    done | xargs -P 2 -I{} sh -c 'f={}; "$0" sign "$f" --key "$1" --participant "$2" --out "${f%.csv}.json" >/dev/null' \
        "$prov" "$dir/network/keys/$producer.pem" "$producer"
fi

mkdir -m 700 "$work/signing-keys"
cp "$dir/network/keys/$producer.pem" "$work/signing-keys/"

# Starts `prov serve` on PORT with the remaining arguments and waits until it answers.
serve() { # PORT ARGUMENT…
    local serve_port=$1
    shift
    "$prov" serve --port "$serve_port" --log-level warning --signing-keys "$work/signing-keys" "$@" &
    servers+=($!)
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$serve_port/healthz" >/dev/null && break; sleep 0.2; done
}

# wrk over the paths of LIST at each read connection count, split evenly over the servers on PORTS: one wrk per
# server, all at once, each reported.
reads() { # LIST DESCRIPTION CONNECTIONS PORT…
    local list=$1 description=$2 counts=$3
    shift 3
    for count in $counts; do
        local per=$((count / $#)) threads pids=()
        threads=$((per < 2 ? per : 2))
        echo "$description; $count connections: wrk -t$threads -c$per -d${duration}s at each of $# server(s)"
        for server_port in "$@"; do
            wrk -t"$threads" -c"$per" -d"${duration}s" --latency -s Benchmarks/serve/get-paths.lua \
                "http://127.0.0.1:$server_port" -- "$work/$list" >"$work/wrk-$server_port.txt" &
            pids+=($!)
        done
        wait "${pids[@]}"
        for server_port in "$@"; do
            echo "  server :$server_port"
            grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors" "$work/wrk-$server_port.txt" | sed 's/^/  /'
        done
    done
}

# The EPCIS query lists, from the SQLite ledger's query index (which the first query built).
epcis_lists() {
    python3 - "$ledger" "$work" <<'PY'
import random, sqlite3, sys, urllib.parse
db = sqlite3.connect(sys.argv[1])
quote = lambda text: urllib.parse.quote(text, safe="")
random.seed(7)
epcs = [row[0] for row in db.execute("SELECT value FROM query_terms WHERE name = 'epc' ORDER BY random() LIMIT 1000")]
with open(f"{sys.argv[2]}/epcs.txt", "w") as out:
    out.write("".join(f"/epcis/events?MATCH_epc={quote(epc)}\n" for epc in epcs))
low, high = db.execute("SELECT min(time_key), max(time_key) FROM query_events").fetchone()
times = sorted(row[0] for row in db.execute("SELECT time_key FROM query_events ORDER BY random() LIMIT 1000"))
with open(f"{sys.argv[2]}/steps.txt", "w") as out:
    out.write("".join(f"/epcis/events?EQ_bizStep=shipping&GE_eventTime={quote(time + 'Z')}\n" for time in times))
print(f"EPCIS query lists: {len(epcs)} EPCs, {len(times)} times from {low} to {high}")
PY
}

# The first EPCIS query waits for the query index to cover the ledger, which a server starts bringing up to date as
# it starts. It is made before anything is measured: catching up over a large ledger takes the machine's cores for
# minutes, and the reads measured meanwhile would measure that instead.
prepare_queries() { # PORT…
    local started query_port
    started=$(date +%s.%N)
    # Each server brings the index up to date as it starts; its first query waits for that.
    for query_port in "$@"; do
        curl -sf --max-time 3600 "http://127.0.0.1:$query_port/epcis/events?perPage=1" >/dev/null
    done
    echo "GET /epcis/events, first query (query index brought up to date over $events events): $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)") s"
    [ -e "$work/steps.txt" ] || epcis_lists
    # On PostgreSQL the new index's tables are settled as the copy was, and replayed by the replica, before they
    # are measured.
    if [ -n "${settle:-}" ]; then
        psql -q "$POSTGRES" -c "VACUUM ANALYZE query_events, query_terms"
        await_replica
    fi
}

# Waits until the replica, if any, has replayed all the primary has written so far.
await_replica() {
    [ -n "${REPLICA:-}" ] || return 0
    local target
    target=$(psql -Atq "$POSTGRES" -c "SELECT pg_current_wal_lsn()")
    until [ "$(psql -Atq "$REPLICA" -c "SELECT pg_last_wal_replay_lsn() >= '$target'")" = t ]; do sleep 1; done
}

# The EPCIS query interface.
epcis() { # PORT…
    if [ -s "$work/epcs.txt" ]; then
        reads epcs.txt "GET /epcis/events?MATCH_epc= over $(wc -l < "$work/epcs.txt") EPCs" "$epcis_connections" "$@"
    fi
    reads steps.txt "GET /epcis/events?EQ_bizStep=shipping&GE_eventTime= over $(wc -l < "$work/steps.txt") times (30 events a page)" \
        "$epcis_connections" "$@"
}

# POST /v1/batches, pre-signed and then as CSV for the server to sign, the workers taking the servers in turn.
batches() { # PORT…
    local ports challenge signature token
    ports=$(IFS=,; echo "$*")
    challenge=$(curl -sf -X POST "http://127.0.0.1:$1/v1/auth/challenge" -d "{\"participant\": \"$producer\"}" \
        | python3 -c "import json, sys; print(json.load(sys.stdin)['challenge'], end='')")
    printf '%s' "$challenge" > "$work/challenge.txt"
    signature=$(openssl pkeyutl -sign -rawin -inkey "$dir/network/keys/$producer.pem" -in "$work/challenge.txt" | base64 -w0)
    token=$(python3 -c "import json, sys; print(json.dumps({'participant': sys.argv[1], 'challenge': open(sys.argv[2]).read(), 'signature': sys.argv[3]}))" \
        "$producer" "$work/challenge.txt" "$signature" \
        | curl -sf -X POST "http://127.0.0.1:$1/v1/auth/token" --data-binary @- | python3 -c "import json, sys; print(json.load(sys.stdin)['token'])")
    echo "POST /v1/batches: $batches batches of 1,000 events, $batch_concurrency at a time, to $# server(s)"
    python3 Benchmarks/serve/post-batches.py 127.0.0.1 "$ports" "$work" "$token" "$batch_concurrency"
    echo "POST /v1/batches: $batches CSV bodies of 1,000 records, signed by the server, $batch_concurrency at a time, to $# server(s)"
    python3 Benchmarks/serve/post-batches.py 127.0.0.1 "$ports" "$work" "$token" "$batch_concurrency" raw
}

epcis_connections=${EPCIS_CONNECTIONS:-4}

# The PostgreSQL copy is made first, so that the batches posted to the SQLite server are new to it too.
if [ -n "${POSTGRES:-}" ]; then
    operator_key=$(ls "$dir"/*.operator.pem 2>/dev/null | head -1)
    started=$(date +%s.%N)
    "$prov" migrate --from "$ledger" --to "$POSTGRES" --json >/dev/null
    echo "prov migrate into PostgreSQL: $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)") s"
    # Settled before anything is measured, as a database in service is: statistics and visibility map up to date
    # (rather than autovacuum doing it mid-run), and the replica caught up with the copy.
    psql -q "$POSTGRES" -c "VACUUM ANALYZE"
    await_replica
fi

echo "== one server over $ledger"
serve "$port" --ledger "$ledger"
echo "ledger: $events events"
prepare_queries "$port"
reads lots.txt "GET /v1/lots/{id} over $(wc -l < "$work/lots.txt") lots" "$read_connections" "$port"
reads products.txt "GET /v1/products/{id} over $(wc -l < "$work/products.txt") pages of 100 events" "$read_connections" "$port"
epcis "$port"
[ "$batches" -eq 0 ] || batches "$port"
kill "${servers[@]}"
servers=()

[ -n "${POSTGRES:-}" ] || exit 0
echo "== two servers over $POSTGRES${REPLICA:+, public reads on $REPLICA}"
before=$("$prov" verify --ledger "$POSTGRES" --json | python3 -c "import json, sys; print(json.load(sys.stdin)['tree_size'])")
replica=()
[ -z "${REPLICA:-}" ] || replica=(--read-replica "$REPLICA")
serve $((port + 1)) --ledger "$POSTGRES" --operator-key "$operator_key" "${replica[@]}"
serve $((port + 2)) --ledger "$POSTGRES" --operator-key "$operator_key" "${replica[@]}"
settle=1 prepare_queries $((port + 1)) $((port + 2))
reads lots.txt "GET /v1/lots/{id} over $(wc -l < "$work/lots.txt") lots" "$read_connections" $((port + 1)) $((port + 2))
reads products.txt "GET /v1/products/{id} over $(wc -l < "$work/products.txt") pages of 100 events" "$read_connections" \
    $((port + 1)) $((port + 2))
epcis $((port + 1)) $((port + 2))
if [ "$batches" -gt 0 ]; then
    batches $((port + 1)) $((port + 2))
    after=$("$prov" verify --ledger "$POSTGRES" --json | python3 -c "import json, sys; result = json.load(sys.stdin); assert result['valid'], result; print(result['tree_size'])")
    echo "prov verify: valid; $((after - before)) events appended by the two servers, $((batches * 2 * 1000)) posted"
    [ $((after - before)) -eq $((batches * 2 * 1000)) ] || { echo "batches lost or repeated" >&2; exit 1; }
fi
