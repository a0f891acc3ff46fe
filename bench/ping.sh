#!/usr/bin/env bash
# Foundation benchmark: PING round trips (inline and multi-bulk), unpipelined and with -P 16,
# cachet against redis-server measured in the same run, servers alternating run by run.
#
# Environment (besides bench/lib.sh's): BENCH_N requests per unpipelined run (default 100000),
# BENCH_N_PIPELINED requests per -P 16 run (default 1000000), BENCH_CLIENTS (default 50).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${BENCH_N:-100000}
N_PIPELINED=${BENCH_N_PIPELINED:-1000000}
CLIENTS=${BENCH_CLIENTS:-50}
TESTS=ping_inline,ping_mbulk

bench_init
bench_start_servers

# Warm both servers up (connections, allocator) before anything is measured.
for name in cachet redis; do
  run_redis_benchmark "$name" -t "$TESTS" -c "$CLIENTS" -n 10000 >/dev/null
done

declare -A samples=()
configs=("1" "16")
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for pipeline in "${configs[@]}"; do
    if ((pipeline == 1)); then n=$N; suffix=""; else n=$N_PIPELINED; suffix=" -P$pipeline"; fi
    for name in $(server_order "$round"); do
      while IFS=$'\t' read -r test rps; do
        [[ -n $test ]] || continue
        samples["$name|$test$suffix"]+="$rps "
        log "round $round/$BENCH_ROUNDS  $name  $test$suffix  $rps"
      done < <(run_redis_benchmark "$name" -t "$TESTS" -c "$CLIENTS" -n "$n" -P "$pipeline")
    done
  done
done

table_begin "ping: redis-benchmark -c $CLIENTS, -n $N (unpipelined) / $N_PIPELINED (-P16)"
for suffix in "" " -P16"; do
  for test in PING_INLINE PING_MBULK; do
    # shellcheck disable=SC2086  # the samples are space-separated numbers
    table_row "$test$suffix" "$(median ${samples["cachet|$test$suffix"]:-})" \
      "$(median ${samples["redis|$test$suffix"]:-})"
  done
done
table_end
