#!/usr/bin/env bash
# Data-type throughput: redis-benchmark LPUSH, RPOP, SADD, HSET, SPOP, ZADD and LRANGE_100 with
# 50 clients and -P 16, cachet against redis-server in the same run, servers alternating run by
# run; medians of BENCH_ROUNDS rounds and the cachet/redis ratio.
#
# Environment (besides bench/lib.sh's): BENCH_N_PIPELINED requests per run (default 300000),
# BENCH_CLIENTS (default 50), BENCH_KEYSPACE (-r, default 100000). BENCH_QUICK=1: 3 rounds,
# 100000 requests.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_ROUNDS:=3}" "${BENCH_N_PIPELINED:=100000}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N_PIPELINED=${BENCH_N_PIPELINED:-300000}
CLIENTS=${BENCH_CLIENTS:-50}
KEYSPACE=${BENCH_KEYSPACE:-100000}
TESTS=lpush,rpop,sadd,hset,spop,zadd,lrange_100

bench_init
bench_start_servers
for name in cachet redis; do
  run_redis_benchmark "$name" -t "$TESTS" -c "$CLIENTS" -r "$KEYSPACE" -n 20000 >/dev/null
done
compare_throughput "data-type throughput: redis-benchmark -t $TESTS -c $CLIENTS -r $KEYSPACE\
 -n $N_PIPELINED -P16" "$N_PIPELINED" "$N_PIPELINED" "16" \
  -t "$TESTS" -c "$CLIENTS" -r "$KEYSPACE"
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
