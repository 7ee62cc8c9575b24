#!/usr/bin/env bash
# bench/e2e-cpu.sh — end to end (ingest -> webhook) with the server's CPU per delivered event, by
# thread: robust to a shared machine, where throughput and latency depend on what else runs.
#
#   bash bench/e2e-cpu.sh JAR [RATE|max] [WARMUP_S] [DURATION_S]     e.g. bash bench/e2e-cpu.sh kyanite-server/target/kyanite-server-all.jar 20 50 20
#
# Server `taskset -c 0` (fresh data dir, free port, loopback targets allowed, 64 requests in flight
# per endpoint); `kyanite bench --e2e` (generator + receiver, signatures verified) `taskset -c 1`,
# batch ingest of 100-event batches on 8 connections at RATE batches/s (or as fast as possible).
# Server CPU (utime+stime of every thread, /proc/<pid>/task/*/stat) from WARMUP_S+2 s to the end
# of the measured window, divided by the events delivered in the window; thread names from
# `jcmd Thread.print`. Prints one JSON line; keeps the bench table and server log under OUT.
# Env: OUT (default /tmp/kyanite-e2e-cpu/<time>), EXTRA_ENV="KEY=value ..." for the server.
set -uo pipefail
JAR=$(realpath "$1") RATE=${2:-20} WARM=${3:-50} DUR=${4:-20}
OUT=${OUT:-/tmp/kyanite-e2e-cpu/$(date -u +%H%M%S)}; mkdir -p "$OUT"
D=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KEY=kya_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# shellcheck disable=SC2086
env KYANITE_ADMIN_KEY=$KEY KYANITE_HTTP_ACCESS_LOG=false KYANITE_DELIVERY_ALLOW_PRIVATE_TARGETS=true \
  KYANITE_DELIVERY_MAX_IN_FLIGHT=64 ${EXTRA_ENV:-} taskset -c 0 java -XX:+UseParallelGC -Xms256m -Xmx512m -jar "$JAR" serve \
  --data-dir "$D" --port "$PORT" --host 127.0.0.1 >"$OUT/server.log" 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null; wait $SP 2>/dev/null; rm -rf "$D"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 1; done
RARGS=(); [ "$RATE" != max ] && RARGS=(--rate "$RATE")
KYANITE_ADMIN_KEY=$KEY taskset -c 1 java -XX:+UseParallelGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT" --e2e \
  --mode batch --batch-size 100 -c 8 "${RARGS[@]}" -d "${DUR}s" --warmup "${WARM}s" --drain 5s -q \
  --json "$OUT/bench.json" >"$OUT/bench.txt" 2>&1 &
BP=$!
snap() {
  for t in /proc/$SP/task/*; do
    c=$(awk '{print $14+$15}' "$t/stat" 2>/dev/null) && [ -n "$c" ] && echo "$(basename "$t")|$(cat "$t/comm" 2>/dev/null)|$c"
  done
}
sleep $((WARM + 2)); snap >"$OUT/cpu0"; T0=$(date +%s.%N)
sleep $((DUR - 2)); snap >"$OUT/cpu1"; T1=$(date +%s.%N)
jcmd $SP Thread.print 2>/dev/null | grep -o '^"[^"]*".* nid=0x[0-9a-f]*' \
  | sed -E 's/^"([^"]*)".*nid=0x([0-9a-f]+)/\2|\1/' >"$OUT/names"
wait $BP
python3 - "$OUT" "$T0" "$T1" "$(getconf CLK_TCK)" <<'PY'
import collections, json, re, sys
out, t0, t1, hz = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
def read(f):
  d = {}
  for line in open(f):
    tid, name, ticks = line.strip().split('|'); d[tid] = (name, int(ticks))
  return d
before, after = read(out + '/cpu0'), read(out + '/cpu1')
names = {}
for line in open(out + '/names'):
  h, n = line.rstrip('\n').split('|', 1); names[str(int(h, 16))] = n
by = collections.Counter()
for tid, (n, ticks) in after.items():
  by[re.sub(r'[-#]?\d+$', '', names.get(tid, n))] += ticks - before.get(tid, (n, 0))[1]
e = json.load(open(out + '/bench.json'))
d = e['e2e']; secs = t1 - t0; delivered = d['delivered_per_s'] * secs
us = lambda ticks: round(ticks * 1e6 / hz / delivered, 1) if delivered else None
print(json.dumps({'out': out, 'acked_per_s': e['events_per_s'], 'delivered_per_s': d['delivered_per_s'],
  'missing': d['missing'], 'duplicates': d['duplicates'], 'bad_signatures': d['bad_signatures'],
  'ack_to_receipt_ms': {k: round(v / 1000, 1) for k, v in d['ack_to_receipt_us'].items() if k != 'count'}
    if isinstance(d['ack_to_receipt_us'], dict) else None,
  'server_cores': round(sum(by.values()) / hz / secs, 2), 'cpu_us_per_delivered': us(sum(by.values())),
  'by_thread': {k: us(v) for k, v in by.most_common(10)}}))
PY
