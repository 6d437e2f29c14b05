#!/usr/bin/env bash
# The whole benchmark suite in one command: builds what it needs, runs every benchmark, writes the results table.
#
#   bench/run.sh                 full run (about 30 min on 2 cores): bench/results/<date>.md
#   bench/run.sh --quick         CI smoke run (tiny sizes, a minute; figures mean nothing): bench/target/results-quick.md
#   bench/run.sh --items=3,7     only some items (1 pass-through, 2 classifier, 3 dump throughput, 4 lock window,
#                                5 write stall, 6 agent start-up, 7 many tables)
#   bench/run.sh --out=FILE      write the results elsewhere
#
# Environment: JAVA_HOME picks the JDK (default: java on the PATH); BENCH_SKIP_BUILD=1 reuses the last build;
# BENCH_JAVA_OPTS adds JVM options, e.g. BENCH_JAVA_OPTS=-Dbench.size.tables=2000 for an experiment.
# mydumper is measured in item 4 when it is on the PATH (Debian: apt-get install mydumper).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  # package builds the agent jar too, when the agent module has one (item 6 measures it).
  mvn -B -ntp -q -DskipTests package
fi
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+changes')"
exec "$JAVA" -Xmx2g \
  -Dbackupguard-test.mariadb.workdir=bench/target/mariadb \
  -Dbench.commit="$commit" \
  -Dbench.jmh.log=bench/target/jmh.log \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  ${BENCH_JAVA_OPTS:-} \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.backupguard.bench.BenchSuite "$@"
