#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests, installed with apt-get if missing.
#   postgres-server.sh start DIR PORT   creates a cluster in DIR, starts it and prints its URL
#   postgres-server.sh replica DIR PORT PRIMARY_PORT
#                                       starts a streaming replica of the server on PRIMARY_PORT (pg_basebackup -R)
#                                       in DIR and prints its URL
#   postgres-server.sh crash DIR        stops it at once, as a crash or a power cut would (pg_ctl -m immediate),
#                                       keeping DIR
#   postgres-server.sh restart DIR PORT starts a crashed server again (it recovers from its WAL)
#   postgres-server.sh stop DIR         stops it and removes DIR
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# fsync=off: for tests only (a crash of the server process, which the tests cause, loses nothing; a power cut would).
options="-k DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
start_server() { # DIR PORT
    as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -o "-p $2 ${options/DIR/$1}" start >/dev/null \
        || { cat "$1/server.log" >&2; exit 1; }
}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
start)
    dir=$2 port=$3
    rm -rf "$dir" && mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U prov --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    start_server "$dir" "$port"
    echo "postgres://prov@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
crash)
    as_owner "$bin/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null
    ;;
restart)
    start_server "$2" "$3"
    ;;
replica)
    dir=$2 port=$3 primary=$4
    rm -rf "$dir" && mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U prov -D "$dir/data" -R -X stream \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby=on" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://prov@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    dir=$2
    if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start DIR PORT | replica DIR PORT PRIMARY_PORT | crash DIR | restart DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
