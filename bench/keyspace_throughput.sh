#!/usr/bin/env bash
# Keyspace throughput: redis-benchmark SET, GET, INCR and MSET (10 keys) over 100,000 random
# keys, 50 clients, unpipelined and with -P 16, cachet against redis-server in the same run,
# servers alternating run by run; medians of BENCH_ROUNDS rounds and the cachet/redis ratio.
#
# Environment (besides bench/lib.sh's): BENCH_N requests per unpipelined run (default 50000),
# BENCH_N_PIPELINED requests per -P 16 run (default 300000), BENCH_CLIENTS (default 50),
# BENCH_KEYSPACE (-r, default 100000). BENCH_QUICK=1: 3 rounds, 20000 / 100000 requests.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_ROUNDS:=3}" "${BENCH_N:=20000}" "${BENCH_N_PIPELINED:=100000}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${BENCH_N:-50000}
N_PIPELINED=${BENCH_N_PIPELINED:-300000}
CLIENTS=${BENCH_CLIENTS:-50}
KEYSPACE=${BENCH_KEYSPACE:-100000}
TESTS=set,get,incr,mset

bench_init
bench_start_servers

# Warm both servers up (connections, allocator, keys present for GET) before measuring.
for name in cachet redis; do
  run_redis_benchmark "$name" -t "$TESTS" -c "$CLIENTS" -r "$KEYSPACE" -n 20000 >/dev/null
done

compare_throughput "keyspace throughput: redis-benchmark -t $TESTS -c $CLIENTS -r $KEYSPACE,\
 -n $N (unpipelined) / $N_PIPELINED (-P16)" "$N" "$N_PIPELINED" "1 16" \
  -t "$TESTS" -c "$CLIENTS" -r "$KEYSPACE"
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
