#!/usr/bin/env bash
# bench/compare.sh — KyaniteAPI side by side with a bare Vert.x server and a direct PostgreSQL
# write, on one machine, in one run (issue 7, DESIGN §7).
#
#   (a) bare      plain Vert.x answering 202 after reading the body (the practical ceiling)
#   (a2) durable  the same, but each body forced to disk before its 202 by a minimal group commit
#                 (one writer thread, O_DIRECT write + force per gather, no linger; `BareServer --durable`):
#                 what "durable before the answer" costs on this machine done the simple way
#   (b) kyanite   `kyanite serve`, durable ingest (fsync, group commit), single events
#   (c) schema    the same with a JSON Schema registered for the event type
#   (d) batch     the same, batches of $BATCH_SIZE events (events/s)
#   (b) also has /metrics scraped every second while it runs ("with metrics on")
#   (e) e2e       ingest -> rules -> signed webhook to a local receiver (kyanite bench --e2e)
#   (f) postgres  the do-it-yourself alternative: each event INSERTed into PostgreSQL 15
#                 (synchronous commit, Vert.x reactive pool of 16) before the 202
#
# Server (and PostgreSQL) on core 0, load on core 1 (taskset). Each run starts a fresh JVM (and a
# fresh data dir); the table shows medians over $RUNS runs and ratios to (a). Uses wrk for the
# single-event scenarios when installed (tries apt-get once), else `kyanite bench`.
# Then a sweep at fixed rates (fractions of each server's max) for the latency plot.
#
# Usage: bash bench/compare.sh                      # ~6-8 minutes with the defaults on a quiet machine
#                                                   # (much longer when the machine is shared: server
#                                                   #  start-up alone took 35 s at load average 20)
#        RUNS=5 DURATION=20s bash bench/compare.sh
#        SCENARIOS="bare kyanite" PLOT=0 bash bench/compare.sh
# Server env: KYANITE_SERVE_ENV (default: access log off, found with `kyanite config`) and
# KYANITE_E2E_ENV (default: the delivery key that allows private/loopback targets, found the same way).
# Settings (environment): RUNS=3 DURATION=10s WARMUP=3s CONNECTIONS=64 EVENT_SIZE=300
#   BATCH_SIZE=100 BATCH_CONNECTIONS=16 E2E_RATE=20000 SCENARIOS="bare durable kyanite schema batch e2e postgres"
#   PLOT=1 PLOT_LOADS="0.25 0.5 0.75 0.9" PLOT_DURATION=5s USE_WRK=auto|yes|no OUT=bench/results/<utc>
#   KYANITE_SERVE_ARGS="extra serve flags"  KYANITE_SERVE_ENV="VAR=value ..." (all kyanite scenarios)
#   KYANITE_E2E_ENV="VAR=value ..." (extra env for the e2e server)
#   KYANITE_JAVA_OPTS (JVM flags for every server)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-64}
EVENT_SIZE=${EVENT_SIZE:-300}
BATCH_SIZE=${BATCH_SIZE:-100}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-16}
E2E_RATE=${E2E_RATE:-20000}
SCENARIOS=${SCENARIOS:-"bare durable kyanite schema batch e2e postgres"}
PLOT=${PLOT:-1}
PLOT_LOADS=${PLOT_LOADS:-"0.25 0.5 0.75 0.9"}
PLOT_DURATION=${PLOT_DURATION:-5s}
USE_WRK=${USE_WRK:-auto}
SERVE_ARGS=${KYANITE_SERVE_ARGS:-}
SERVE_ENV=${KYANITE_SERVE_ENV-auto}
E2E_ENV=${KYANITE_E2E_ENV-auto}
JAVA_OPTS=${KYANITE_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx512m}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
JAR="$ROOT/kyanite-server/target/kyanite-server-all.jar"
ADMIN_KEY="kya_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

mkdir -p "$OUT"
LOG="$OUT/compare.log"
: >"$LOG"
say() { echo "compare: $*" >&2; echo "$*" >>"$LOG"; }
die() { say "ERROR: $*"; exit 1; }

# ---------- machine, pinning, tools ----------
SERVER_PIN=() LOAD_PIN=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_PIN=(taskset -c 0) LOAD_PIN=(taskset -c 1)
fi
command -v curl >/dev/null || die "curl is needed"
HAVE_WRK=0
if [ "$USE_WRK" != no ]; then
  if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing wrk (apt-get)…"
    apt-get install -y -q wrk >>"$LOG" 2>&1 || { apt-get update -q >>"$LOG" 2>&1 && apt-get install -y -q wrk >>"$LOG" 2>&1; } || true
  fi
  command -v wrk >/dev/null && HAVE_WRK=1
  [ "$USE_WRK" = yes ] && [ $HAVE_WRK = 0 ] && die "USE_WRK=yes but wrk is not available"
fi

find_jar() {
  [ -f "$JAR" ] || JAR=$(ls "$ROOT"/kyanite-server/target/kyanite-server*-all.jar 2>/dev/null | head -1)
  [ -n "$JAR" ] && [ -f "$JAR" ]
}
if ! find_jar || [ -n "$(find "$ROOT" -path "$ROOT/*/target" -prune -o -name '*.java' -newer "$JAR" -print -quit)" ]; then
  say "building the server jar…"
  (cd "$ROOT" && mvn -q -B -DskipTests package >>"$LOG" 2>&1) || die "build failed (see $LOG)"
  JAR="$ROOT/kyanite-server/target/kyanite-server-all.jar"
  find_jar || die "no kyanite-server/target/kyanite-server*-all.jar after the build"
fi

# env of a config key whose name matches a pattern, from `kyanite config` (key | type | default | env | meaning)
CONFIG_TABLE=$(java -jar "$JAR" config 2>/dev/null || true)
config_env() {
  echo "$CONFIG_TABLE" | sed 's/\\|/\//g' | awk -F'|' -v re="$1" '$2 ~ re { gsub(/[` ]/, "", $5); print $5; exit }'
}
if [ "$SERVE_ENV" = auto ]; then
  # the per-request access log line is for operations, not for a throughput figure (its doc says so)
  SERVE_ENV=""
  e=$(config_env 'http\.access-log'); [ -n "$e" ] && SERVE_ENV="$e=false"
  # (b) is "fsync=always": the default, said explicitly so that a changed default shows here
  e=$(config_env '`log\.fsync`'); [ -n "$e" ] && SERVE_ENV="$SERVE_ENV $e=always"
fi
if [ "$E2E_ENV" = auto ]; then
  # the receiver listens on 127.0.0.1: the e2e server must allow private/loopback webhook targets
  E2E_ENV=""
  e=$(config_env 'delivery\..*private'); [ -n "$e" ] && E2E_ENV="$e=true"
fi

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "git: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "pinning: server ${SERVER_PIN[*]:-none}, load ${LOAD_PIN[*]:-none}; load tool: $([ $HAVE_WRK = 1 ] && echo 'wrk (single events), kyanite bench (batch, e2e, sweep)' || echo 'kyanite bench')"
  echo "server env: ${SERVE_ENV:-none}; e2e server env: ${E2E_ENV:-none (no private-targets key found: e2e may fail)}"
  echo "settings: runs=$RUNS duration=$DURATION warmup=$WARMUP connections=$CONNECTIONS event=${EVENT_SIZE}B batch=$BATCH_SIZE x $BATCH_CONNECTIONS conns e2e-rate=$E2E_RATE/s"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

# one 300-byte-ish event, the same shape kyanite bench sends
event_json() {
  local head='{"type":"bench.event","data":{"user_id":"u_100000","action":"checkout","amount_cents":1999,"currency":"EUR","items":1,"pad":"'
  local tail='"}}' pad
  pad=$(( EVENT_SIZE - ${#head} - ${#tail} ))
  [ $pad -lt 0 ] && pad=0
  printf '%s%s%s' "$head" "$(head -c $pad /dev/zero | tr '\0' 'x')" "$tail"
}

# ---------- processes ----------
PIDS=()
PG_DIR="" PG_PORT="" DATA_DIRS=()
cleanup() {
  for d in "${DATA_DIRS[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  if [ -n "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >>"$LOG" 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT INT TERM

SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# start_server KIND PORT [DATA_DIR] — KIND: bare | durable | kyanite | kyanite-e2e | postgres
start_server() {
  local kind=$1 port=$2 dir=${3:-}
  case $kind in
    bare) "${SERVER_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.kyanite.bench.BareServer --port "$port" >>"$LOG" 2>&1 & ;;
    durable) "${SERVER_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.kyanite.bench.BareServer --port "$port" --durable "$dir" >>"$LOG" 2>&1 & ;;
    postgres) "${SERVER_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.kyanite.bench.PgDirectServer --port "$port" --pg-port "$PG_PORT" --pool 16 >>"$LOG" 2>&1 & ;;
    kyanite|kyanite-e2e)
      local extra="$SERVE_ENV"; [ "$kind" = kyanite-e2e ] && extra="$extra $E2E_ENV"
      env KYANITE_ADMIN_KEY="$ADMIN_KEY" $extra "${SERVER_PIN[@]}" java $JAVA_OPTS -jar "$JAR" serve --port "$port" --data-dir "$dir" $SERVE_ARGS >>"$LOG" 2>&1 & ;;
  esac
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i code
  for i in $(seq 1 120); do
    if [ "${kind#kyanite}" != "$kind" ]; then
      code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
      [ "$code" = 200 ] && return 0
    else
      code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' --data "$(event_json)" "http://127.0.0.1:$port/v1/events" || true)
      [ "$code" = 202 ] && return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "$kind server exited at start (see $LOG)"
    sleep 0.25
  done
  die "$kind server not ready after 30 s (see $LOG)"
}

start_postgres() {
  PG_BIN="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$PG_BIN/initdb" ] || { say "PostgreSQL binaries not found: skipping (f)"; return 1; }
  id postgres >/dev/null 2>&1 || { say "no postgres user: skipping (f)"; return 1; }
  PG_DIR=$(mktemp -d /tmp/kyanite-pg.XXXXXX)
  chown postgres "$PG_DIR"; chmod 700 "$PG_DIR"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust >>"$LOG" 2>&1 || die "initdb failed"
  # defaults kept on purpose: fsync=on, synchronous_commit=on (what a DIY endpoint gets)
  runuser -u postgres -- "${SERVER_PIN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=40" start >>"$LOG" 2>&1 || die "pg_ctl start failed"
  say "PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$PG_PORT, data in $PG_DIR"
}

# ---------- load ----------
# Each load function prints: req_per_s events_per_s p50_ms p99_ms errors [extra]
to_ms() { # wrk latency like 812.00us / 1.23ms / 2.01s -> ms
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

wrk_single() { # URL KEY NAME
  local url=$1 key=$2 name=$3 lua="$OUT/post.lua" txt="$OUT/$name.wrk.txt"
  {
    echo 'wrk.method = "POST"'
    printf 'wrk.body = [[%s]]\n' "$(event_json)"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    [ -n "$key" ] && echo "wrk.headers[\"Authorization\"] = \"Bearer $key\""
  } >"$lua"
  "${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$lua" "$url/v1/events" >/dev/null 2>&1 || true
  "${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$lua" "$url/v1/events" >"$txt" 2>&1
  local rps p50 p99 non2xx sock
  rps=$(awk '/^Requests\/sec:/{print $2}' "$txt")
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$txt")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$txt")")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$txt"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors/{gsub(/,/,""); print $4+$6+$8+$10}' "$txt"); sock=${sock:-0}
  # wrk counts 2xx and errors together: report successful requests only
  local dur_s; dur_s=$(awk -v d="$DURATION" 'BEGIN{n=d+0; if (d ~ /ms$/) n/=1000; else if (d ~ /m$/) n*=60; print n}')
  rps=$(awk -v r="$rps" -v e="$non2xx" -v d="$dur_s" 'BEGIN{v=r-e/d; if (v<0) v=0; printf "%.1f", v}')
  echo "$rps $rps $p50 $p99 $((non2xx + sock))"
}

kb() { # kyanite bench ARGS... -> JSON file path in $KB_JSON
  "${LOAD_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.kyanite.bench.BenchCommand -q --json "$KB_JSON" "$@" >>"$LOG" 2>&1 || true
  [ -s "$KB_JSON" ] || die "kyanite bench wrote no result ($(echo "$*" | sed -E 's/(--key )[^ ]+/\1<redacted>/'))"
}

kb_fields() { # JSON -> req events p50 p99 errors
  jq -r '[.requests_per_s, .events_per_s, (.latency_us.p50/1000), (.latency_us.p99/1000), .errors] | map(tostring) | join(" ")' "$1" 2>/dev/null \
    || python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latency_us"]; print(r["requests_per_s"], r["events_per_s"], l["p50"]/1000, l["p99"]/1000, r["errors"])' "$1"
}

load_single() { # URL KEY NAME
  if [ $HAVE_WRK = 1 ]; then
    wrk_single "$@"
  else
    KB_JSON="$OUT/$3.json"
    kb --url "$1" ${2:+--key "$2"} -c "$CONNECTIONS" -d "$DURATION" --warmup "$WARMUP" --event-size "$EVENT_SIZE"
    kb_fields "$KB_JSON"
  fi
}

# ---------- scenarios ----------
SCHEMA='{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["user_id","action","amount_cents","currency"],"properties":{"user_id":{"type":"string","pattern":"^u_[0-9]+$"},"action":{"enum":["checkout","signup","page_view","refund"]},"amount_cents":{"type":"integer","minimum":0},"currency":{"type":"string","pattern":"^[A-Z]{3}$"},"items":{"type":"integer","minimum":1},"pad":{"type":"string","maxLength":65536}},"additionalProperties":false}'

run_scenario() { # NAME RUN -> one result line
  local name=$1 run=$2 port dir line
  port=$(free_port)
  dir=$(mktemp -d /tmp/kyanite-data.XXXXXX)
  DATA_DIRS+=("$dir")
  local url="http://127.0.0.1:$port"
  case $name in
    bare) start_server bare "$port"; line=$(load_single "$url" "" "$name.$run") ;;
    durable) start_server durable "$port" "$dir"; line=$(load_single "$url" "" "$name.$run") ;;
    postgres) start_server postgres "$port"; line=$(load_single "$url" "" "$name.$run") ;;
    kyanite)
      # "metrics on": /metrics is scraped every second during the load, as a (harsh) Prometheus would
      start_server kyanite "$port" "$dir"
      (while curl -s -o /dev/null -H "Authorization: Bearer $ADMIN_KEY" "$url/metrics"; do sleep 1; done) &
      local scraper=$!
      line=$(load_single "$url" "$ADMIN_KEY" "$name.$run")
      kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null || true ;;
    schema)
      start_server kyanite "$port" "$dir"
      local code
      code=$(curl -s -o "$OUT/schema.put.txt" -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN_KEY" \
        -H 'content-type: application/json' --data "$SCHEMA" "$url/v1/schemas/bench.event")
      [ "${code:0:1}" = 2 ] || die "PUT /v1/schemas/bench.event answered $code: $(head -c 300 "$OUT/schema.put.txt")"
      line=$(load_single "$url" "$ADMIN_KEY" "$name.$run") ;;
    batch)
      start_server kyanite "$port" "$dir"
      KB_JSON="$OUT/$name.$run.json"
      kb --url "$url" --key "$ADMIN_KEY" --mode batch --batch-size "$BATCH_SIZE" -c "$BATCH_CONNECTIONS" \
        -d "$DURATION" --warmup "$WARMUP" --event-size "$EVENT_SIZE"
      line=$(kb_fields "$KB_JSON") ;;
    e2e)
      if [ -z "$E2E_ENV" ]; then say "no config key allows loopback webhook targets: (e) skipped"; echo "nan nan nan nan 0 0 0"; return; fi
      start_server kyanite-e2e "$port" "$dir"
      KB_JSON="$OUT/$name.$run.json"
      kb --url "$url" --key "$ADMIN_KEY" --e2e --rate "$E2E_RATE" -c "$CONNECTIONS" -d "$DURATION" \
        --warmup "$WARMUP" --event-size "$EVENT_SIZE" --drain 15s
      # deliveries/s (first ack to last delivery), ack->receipt percentiles, missing/duplicates
      line="$(jq -r '[.requests_per_s, .e2e.delivered_overall_per_s, (.e2e.ack_to_receipt_us.p50/1000), (.e2e.ack_to_receipt_us.p99/1000), .errors, .e2e.missing, .e2e.duplicates] | map(tostring) | join(" ")' "$KB_JSON")" ;;
  esac
  stop_server
  rm -rf "$dir"
  echo "$line"
}

median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

RESULTS="$OUT/runs.tsv"
printf 'scenario\trun\treq_per_s\tevents_per_s\tp50_ms\tp99_ms\terrors\textra\n' >"$RESULTS"
for name in $SCENARIOS; do
  if [ "$name" = postgres ] && [ -z "$PG_DIR" ]; then start_postgres || continue; fi
  for run in $(seq 1 "$RUNS"); do
    say "($name) run $run/$RUNS…"
    run_scenario "$name" "$run" >"$OUT/.line"
    line=$(cat "$OUT/.line")
    [ -n "$line" ] || die "($name) run $run produced no result (see $LOG)"
    say "  $name: $line"
    printf '%s\t%s\t%s\n' "$name" "$run" "$(echo "$line" | tr ' ' '\t')" >>"$RESULTS"
  done
done

# ---------- latency against offered load (for the plot) ----------
SWEEP="$OUT/sweep.csv"
if [ "$PLOT" = 1 ]; then
  echo "server,offered_rps,achieved_rps,p50_ms,p90_ms,p99_ms,p999_ms,errors" >"$SWEEP"
  for name in bare durable kyanite postgres; do
    echo " $SCENARIOS " | grep -q " $name " || continue
    [ "$name" = postgres ] && [ -z "$PG_DIR" ] && continue
    max=$(awk -F'\t' -v n="$name" '$1==n{print $3}' "$RESULTS" | median)
    [ "$max" = nan ] && continue
    port=$(free_port); dir=$(mktemp -d /tmp/kyanite-data.XXXXXX); DATA_DIRS+=("$dir")
    case $name in kyanite) start_server kyanite "$port" "$dir"; key=$ADMIN_KEY ;; *) start_server "$name" "$port" "$dir"; key="" ;; esac
    for f in $PLOT_LOADS; do
      rate=$(awk -v m="$max" -v f="$f" 'BEGIN{r=int(m*f); if (r<1) r=1; print r}')
      say "(sweep) $name at $rate req/s"
      KB_JSON="$OUT/sweep.$name.$f.json"
      kb --url "http://127.0.0.1:$port" ${key:+--key "$key"} --rate "$rate" -c "$CONNECTIONS" -d "$PLOT_DURATION" --warmup 2s --event-size "$EVENT_SIZE"
      jq -r --arg n "$name" --arg r "$rate" '[$n, $r, .requests_per_s, .latency_us.p50/1000, .latency_us.p90/1000, .latency_us.p99/1000, .latency_us.p99_9/1000, .errors] | map(tostring) | join(",")' "$KB_JSON" >>"$SWEEP"
    done
    stop_server; rm -rf "$dir"
  done
  java -cp "$JAR" dev.kyanite.bench.LatencyPlot "$SWEEP" "$OUT/latency-vs-load.png" >>"$LOG" 2>&1 \
    && say "plot: $OUT/latency-vs-load.png" || say "plot failed (see $LOG)"
fi

# ---------- the table ----------
TABLE="$OUT/summary.md"
bare_rps=$(awk -F'\t' '$1=="bare"{print $3}' "$RESULTS" | median)
durable_rps=$(awk -F'\t' '$1=="durable"{print $3}' "$RESULTS" | median)
{
  echo "| scenario | requests/s | events/s | p50 ms | p99 ms | errors | vs (a) bare | vs (a2) durable |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for name in $SCENARIOS; do
    rows=$(awk -F'\t' -v n="$name" '$1==n' "$RESULTS")
    [ -n "$rows" ] || continue
    rps=$(echo "$rows" | cut -f3 | median); eps=$(echo "$rows" | cut -f4 | median)
    p50=$(echo "$rows" | cut -f5 | median); p99=$(echo "$rows" | cut -f6 | median)
    errs=$(echo "$rows" | cut -f7 | awk '{s+=$1} END{print s+0}')
    case $name in
      bare) label="(a) bare Vert.x 202" ;; durable) label="(a2) bare Vert.x + group commit (fsync)" ;; kyanite) label="(b) kyanite, fsync" ;; schema) label="(c) kyanite + JSON Schema" ;;
      batch) label="(d) kyanite batch x$BATCH_SIZE" ;; e2e) label="(e) end to end @ $E2E_RATE/s (delivered/s, ack→receipt)" ;;
      postgres) label="(f) direct PostgreSQL INSERT" ;; *) label=$name ;;
    esac
    metric=$rps; [ "$name" = batch ] || [ "$name" = e2e ] && metric=$eps
    ratio=$(awk -v a="$metric" -v b="$bare_rps" 'BEGIN{ if (b+0>0) printf "%.2f×", a/b; else print "–" }')
    dratio=$(awk -v a="$metric" -v b="$durable_rps" 'BEGIN{ if (b+0>0) printf "%.2f×", a/b; else print "–" }')
    extra=""
    if [ "$name" = e2e ]; then
      extra=" (missing $(echo "$rows" | cut -f8 | awk '{s+=$1} END{print s+0}'), duplicates $(echo "$rows" | cut -f9 | awk '{s+=$1} END{print s+0}'))"
    fi
    printf '| %s | %.0f | %.0f | %.2f | %.2f | %s%s | %s | %s |\n' "$label" "$rps" "$eps" "$p50" "$p99" "$errs" "$extra" "$ratio" "$dratio"
  done
} >"$TABLE"
echo
cat "$OUT/machine.txt"
echo "medians over $RUNS runs; ratios: requests/s (batch, e2e: events/s) over (a)'s and (a2)'s requests/s"
echo
cat "$TABLE"
echo
echo "runs: $RESULTS   log: $LOG$([ "$PLOT" = 1 ] && echo "   plot: $OUT/latency-vs-load.png")"
