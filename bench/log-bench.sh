#!/usr/bin/env bash
# Embedded-log benchmark (kyanite-bench dev.kyanite.bench.log.LogBench): 300-byte records with
# fsync=always, 64 concurrent single-record appenders and 100-record batches, next to the disk's
# own write+force limit measured in the same run. Extra arguments go to LogBench, e.g.
#   bench/log-bench.sh --seconds 20 --dir /var/lib/kyanite-bench
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d kyanite-bench/target/classes/dev/kyanite/bench/log || ! -d kyanite-log/target/classes ]]; then
  mvn -B -q -o -DskipTests package -pl kyanite-bench -am
fi
exec java -Xmx512m -cp kyanite-bench/target/classes:kyanite-log/target/classes:kyanite-core/target/classes \
  dev.kyanite.bench.log.LogBench "$@"
