#!/usr/bin/env bash
# bench/floors.sh — the real server next to the floors under its targets, interleaved, one fresh JVM
# per run (docs/performance.md, "Floors"). Server on core 0, load on core 1.
#
#   bash bench/floors.sh single [ROUNDS]        # wrk -t1 -c64, a 288-byte event: bare, durable, inline, kyanite
#   bash bench/floors.sh batch [ROUNDS]         # kyanite bench --mode batch --batch-size 100 -c 16: the same four
#   bash bench/floors.sh half RATE_DURABLE RATE_KYANITE [ROUNDS]   # open loop at fixed rates: p50..p99.9
#   bash bench/floors.sh webhooks [ROUNDS]      # bench bare-webhooks (core 0) -> bench bare (core 1)
#
# bare = `kyanite bench bare`; durable = `bench bare --durable DIR` (minimal O_DIRECT group commit);
# inline = `--durable DIR --inline` (the event loop forces, no hand-off); kyanite = `kyanite serve`.
# Env: JAR (default kyanite-server/target/kyanite-server-all.jar), WARMUP (30 s; kyanite gets +10 s
# for C2), MEASURE (15 s), GEN_WARMUP (10 s: the measuring generator's own warm-up), KINDS (default "bare durable inline kyanite": which servers single/batch run). Prints one line per run: time, server, throughput, latency, CPU/request.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR=${JAR:-$ROOT/kyanite-server/target/kyanite-server-all.jar}
WARMUP=${WARMUP:-30} MEASURE=${MEASURE:-15} KINDS=${KINDS:-bare durable inline kyanite} GEN_WARMUP=${GEN_WARMUP:-10}
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && { apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }; } || true; }
WORK=$(mktemp -d /tmp/kyanite-floors.XXXXXX)
KEY=kya_floors_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BODY='{"type":"order.created","data":{"order_id":"ord_123456","customer":"cus_998877","amount":4200,"currency":"EUR","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}],"note":"leave at the door, ring twice please, thanks a lot","x":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}'
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\n' "$BODY" "$KEY" >"$WORK/post.lua"

start() { # KIND
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  local bare=(taskset -c 0 java -XX:+UseParallelGC -Xms256m -Xmx1g -cp "$JAR" dev.kyanite.bench.BareServer --port "$PORT")
  case $1 in
    bare) "${bare[@]}" >"$WORK/server.log" 2>&1 & ;;
    durable) "${bare[@]}" --durable "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
    inline) "${bare[@]}" --durable "$WORK/data" --inline >"$WORK/server.log" 2>&1 & ;;
    kyanite) KYANITE_ADMIN_KEY=$KEY KYANITE_HTTP_ACCESS_LOG=false taskset -c 0 java -XX:+UseParallelGC -Xms256m -Xmx1g \
      -jar "$JAR" serve --port "$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
    *) echo "unknown server kind '$1' (bare, durable, inline, kyanite)" >&2; exit 2 ;;
  esac
  PID=$!
  for _ in $(seq 300); do
    curl -s --max-time 2 -o /dev/null -X POST -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
      -d '{"type":"a.b","data":1}' "http://127.0.0.1:$PORT/v1/events" && return 0
    sleep 0.2
  done
  echo "server $1 did not start: $(tail -3 "$WORK/server.log")" >&2; exit 1
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }
# the server's CPU (utime + stime of the whole process, exited threads included) in clock ticks;
# the command name may contain spaces, so fields are counted after its closing parenthesis
ticks() { sed 's/.*) //' /proc/"$PID"/stat | awk '{print $12 + $13}'; }
warm() { [ "$1" = kyanite ] && echo $((WARMUP + 10)) || echo "$WARMUP"; }

single() { # KIND
  start "$1"
  taskset -c 1 wrk -t1 -c64 -d"$(warm "$1")"s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/events" >/dev/null
  local t0 out t1; t0=$(ticks)
  out=$(taskset -c 1 wrk -t1 -c64 -d"${MEASURE}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/events")
  t1=$(ticks); stop
  echo "$out" | awk -v k="$1" -v d="$MEASURE" -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v now="$(date -u +%H:%M:%S)" '
    /Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "%s single %-8s %9.0f req/s  p50 %s p99 %s  non-2xx %d  server CPU %.1f us/request\n", now, k, r, p50, p99, bad, t*1e6/hz/(r*d)}'
}

bench_line() { # KIND LABEL ARGS... (kyanite bench on core 1)
  local kind=$1 label=$2; shift 2
  start "$kind"
  local t0 t1
  # warm-up and measurement are two generator runs; the measuring JVM starts cold too and needs
  # ~5-8 s on its core before it keeps up with an open-loop rate, hence its own GEN_WARMUP. The
  # server's CPU is sampled from then on (to within the JVM's start-up, ~0.5 s), so that it covers
  # the measured window only
  KYANITE_ADMIN_KEY=$KEY taskset -c 1 java -XX:+UseParallelGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT" -q \
    --warmup 1s -d "$(warm "$kind")s" "$@" >/dev/null 2>&1
  (sleep "$GEN_WARMUP"; ticks >"$WORK/t0") &
  local sampler=$!
  KYANITE_ADMIN_KEY=$KEY taskset -c 1 java -XX:+UseParallelGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT" -q \
    --warmup "${GEN_WARMUP}s" -d "${MEASURE}s" --json "$WORK/r.json" "$@" >/dev/null 2>&1
  t1=$(ticks); wait "$sampler"; t0=$(cat "$WORK/t0"); stop
  python3 - "$WORK/r.json" "$kind" "$label" "$((t1 - t0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys, time
r = json.load(open(sys.argv[1])); l = r["latency_us"]; kind, label, ticks, hz = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
events = r["events_per_s"] * r["duration_s"]  # the CPU sample covers the measured window
print("%s %s %-8s %11.0f events/s  p50 %.2f p99 %.2f p99.9 %.2f ms  errors %d  server CPU %.2f us/event" % (
      time.strftime("%H:%M:%S", time.gmtime()), label, kind, r["events_per_s"], l["p50"] / 1000, l["p99"] / 1000,
      l["p99_9"] / 1000, r["errors"], ticks * 1e6 / hz / max(events, 1)))
PY
}

mode=${1:-single}
case $mode in
  single) for _ in $(seq "${2:-3}"); do for k in $KINDS; do single $k; done; done ;;
  batch) for _ in $(seq "${2:-3}"); do for k in $KINDS; do
      bench_line $k batch --mode batch --batch-size 100 -c 16; done; done ;;
  half) for _ in $(seq "${4:-2}"); do
      bench_line durable "half@$2" -c 64 --rate "$2"; bench_line kyanite "half@$3" -c 64 --rate "$3"; done ;;
  webhooks)
    taskset -c 1 java -XX:+UseParallelGC -Xmx512m -cp "$JAR" dev.kyanite.bench.BareServer --port "$PORT" >"$WORK/recv.log" 2>&1 &
    PID=$!; sleep 2
    for _ in $(seq "${2:-2}"); do
      taskset -c 0 java -XX:+UseParallelGC -Xmx512m -cp "$JAR" dev.kyanite.bench.BareWebhookClient \
        --url "http://127.0.0.1:$PORT/v1/events" -c 64 --warmup "${WARMUP}s" -d "${MEASURE}s" | sed "s/^/$(date -u +%H:%M:%S) /"
    done
    stop ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
