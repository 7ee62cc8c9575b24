#!/usr/bin/env bash
# bench/thread-cpu.sh — one server under `kyanite bench` load, and its CPU per event by thread
# (docs/performance.md): utime+stime of every thread from /proc/<pid>/task/*/stat over the measured
# run, divided by the events it completed. Steadier than throughput on a shared VM, so it is what
# A/Bs of one server change compare (run the two jars interleaved, two rounds or more).
#
#   bash bench/thread-cpu.sh KIND WARMUP_S MEASURE_S [kyanite bench args]
#
# KIND: kyanite (`kyanite serve`), durable (`bench bare --durable`) or bare (`bench bare`). The
# server runs on core 0 with a fresh data dir and a free port, the load on core 1: first a warm-up
# run of WARMUP_S seconds, then the measured one of MEASURE_S. Default load: batches of 100 on 16
# connections (`--mode batch --batch-size 100 -c 16`). Env: JAR (default the built server jar),
# JOPTS (extra server JVM flags), and any KYANITE_* setting for the server.
# Prints the measured run's throughput and p99, then the threads by µs per event (the names
# without their numbers, so the four log writers are one line) and the total.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR=${JAR:-$ROOT/kyanite-server/target/kyanite-server-all.jar}
KIND=${1:?usage: bench/thread-cpu.sh kyanite|durable|bare WARMUP_S MEASURE_S [bench args]}
WARM=${2:?warm-up seconds} MEASURE=${3:?measured seconds}; shift 3
ARGS=("$@"); [ ${#ARGS[@]} -gt 0 ] || ARGS=(--mode batch --batch-size 100 -c 16)
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
WORK=$(mktemp -d /tmp/kyanite-thread-cpu.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KYANITE_ADMIN_KEY=kya_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
case $KIND in
  kyanite) KYANITE_HTTP_ACCESS_LOG=false taskset -c 0 java -XX:+UseParallelGC -Xmx1g ${JOPTS:-} -jar "$JAR" serve \
             --port "$PORT" --host 127.0.0.1 --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
  durable) taskset -c 0 java -XX:+UseParallelGC -Xmx1g ${JOPTS:-} -cp "$JAR" dev.kyanite.bench.BareServer \
             --port "$PORT" --durable "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
  bare) taskset -c 0 java -XX:+UseParallelGC -Xmx1g ${JOPTS:-} -cp "$JAR" dev.kyanite.bench.BareServer \
             --port "$PORT" >"$WORK/server.log" 2>&1 & ;;
  *) echo "KIND must be kyanite, durable or bare" >&2; exit 2 ;;
esac
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 150); do
  curl -s -o /dev/null -X POST -H "Authorization: Bearer $KYANITE_ADMIN_KEY" -H 'Content-Type: application/json' \
    -d '{"type":"a.b","data":1}' "http://127.0.0.1:$PORT/v1/events" && break
  sleep 0.2
done
# per thread name (numbers cut off): utime stime, in clock ticks
snap() {
  for t in /proc/$PID/task/*; do
    # a thread may end between the listing and the reads (the JVM's short-lived helpers): skip it
    n=$(tr ' ' _ 2>/dev/null <"$t/comm" | sed 's/[-#0-9_]*$//') || continue
    s=$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f12,13) || continue
    if [ -n "$n" ] && [ -n "$s" ]; then echo "$n $s"; fi
  done | awk '{u[$1]+=$2; s[$1]+=$3} END {for (k in u) print k, u[k], s[k]}' | sort
}
taskset -c 1 java -XX:+UseParallelGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT" "${ARGS[@]}" -d "${WARM}s" >/dev/null 2>&1
snap >"$WORK/s0"
taskset -c 1 java -XX:+UseParallelGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT" "${ARGS[@]}" -d "${MEASURE}s" \
  --json "$WORK/r.json" >/dev/null 2>&1
snap >"$WORK/s1"
python3 - "$WORK/r.json" "$WORK/s0" "$WORK/s1" "$KIND" "$(getconf CLK_TCK)" <<'PY'
import json, sys, time
r = json.load(open(sys.argv[1])); kind, hz = sys.argv[4], int(sys.argv[5])
events = r["events_per_s"] * r["duration_s"]
read = lambda p: {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in open(p)}
a, b = read(sys.argv[2]), read(sys.argv[3])
print("%s %s %.0f events/s  p99 %.2f ms  errors %d" % (time.strftime("%H:%M:%S", time.gmtime()), kind,
      r["events_per_s"], r["latency_us"]["p99"] / 1000, r["errors"]))
rows, total = [], 0.0
for k, (u1, s1) in b.items():
    u0, s0 = a.get(k, (0, 0)); du, ds = u1 - u0, s1 - s0
    us = (du + ds) * 1e6 / hz / max(events, 1); total += us
    if du + ds > 0: rows.append((us, k, du, ds))
for us, k, du, ds in sorted(rows, reverse=True)[:10]:
    print("  %-24s %6.2f us/event  (user %d, sys %d ticks)" % (k, us, du, ds))
print("  %-24s %6.2f us/event" % ("TOTAL", total))
PY
