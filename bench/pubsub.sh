#!/usr/bin/env bash
# Pub/sub and client-side caching, cachet against redis-server in the same run, servers
# alternating run by run; medians of BENCH_ROUNDS rounds and the cachet/redis ratio.
#
#   fan-out   one publisher, 1, 10 and 100 subscribers on one channel (bench/pubsub_load.cc,
#             built here with the system compiler): messages delivered per second, from the
#             first PUBLISH to the last message received, PUBLISH pipelined 32 deep
#   tracking  redis-benchmark GET, 50 clients over 100,000 random keys, unpipelined and -P 16,
#             without and with CLIENT TRACKING on every client (--enable-tracking): the cost of
#             remembering what each client read, on both servers
#
# Environment (besides bench/lib.sh's): BENCH_FANOUT ("1 10 100"), BENCH_PAYLOAD (message
# bytes, 16), BENCH_N / BENCH_N_PIPELINED (GET requests per run, 100000 / 500000),
# BENCH_CLIENTS (50), BENCH_KEYSPACE (100000). BENCH_QUICK=1: 3 rounds, fewer messages and
# requests.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_ROUNDS:=3}" "${BENCH_N:=30000}" "${BENCH_N_PIPELINED:=150000}"
  : "${BENCH_FANOUT_SCALE:=4}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FANOUT=${BENCH_FANOUT:-"1 10 100"}
PAYLOAD=${BENCH_PAYLOAD:-16}
N=${BENCH_N:-100000}
N_PIPELINED=${BENCH_N_PIPELINED:-500000}
CLIENTS=${BENCH_CLIENTS:-50}
KEYSPACE=${BENCH_KEYSPACE:-100000}
SCALE=${BENCH_FANOUT_SCALE:-1}

bench_init
command -v "${CXX:-c++}" >/dev/null || die "no C++ compiler to build bench/pubsub_load.cc"
LOAD="$BENCH_TMP/pubsub_load"
"${CXX:-c++}" -O2 -std=c++20 -pthread -o "$LOAD" "$CACHET_ROOT/bench/pubsub_load.cc" ||
  die "could not build bench/pubsub_load.cc"
bench_start_servers

# messages_for SUBSCRIBERS: messages per fan-out run, about 2 million deliveries (at least
# 20000 messages), divided by BENCH_FANOUT_SCALE.
messages_for() {
  local m=$((2000000 / $1))
  ((m > 200000)) && m=200000
  ((m < 20000)) && m=20000
  echo $((m / SCALE))
}

# run_fanout NAME SUBSCRIBERS: deliveries per second, "" when the run failed.
run_fanout() {
  local name=$1 subs=$2 port out
  port=$(server_port "$name")
  out=$(timeout "${BENCH_RUN_TIMEOUT:-120}" "${CLIENT_PIN[@]}" "$LOAD" "$port" "$subs" \
    "$(messages_for "$subs")" "$PAYLOAD" 32 2>&1) || {
    log "pubsub_load against $name ($subs subscribers) failed: $(tail -c 300 <<<"$out")"
    out=""
  }
  if ! kill -0 "$(server_pid "$name")" 2>/dev/null; then
    tail -n 20 "$BENCH_TMP/$name.log" >&2 || true
    die "$name died during the benchmark"
  fi
  echo "$out"
}

# Warm-up: connections, allocator, the subscription tables.
for name in cachet redis; do
  run_fanout "$name" 10 >/dev/null
  run_redis_benchmark "$name" -t get -c "$CLIENTS" -r "$KEYSPACE" -n 20000 >/dev/null
done

declare -A samples=()
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
  for subs in $FANOUT; do
    for name in $(server_order "$round"); do
      rate=$(run_fanout "$name" "$subs")
      [[ -n $rate ]] && samples["$name|fanout $subs"]+="$rate "
      log "round $round/$BENCH_ROUNDS  $name  fan-out $subs subscribers  ${rate:-failed}"
    done
  done
  for pipeline in 1 16; do
    if ((pipeline == 1)); then n=$N; suffix=""; else n=$N_PIPELINED; suffix=" -P16"; fi
    for tracking in "" "--enable-tracking"; do
      label="GET${tracking:+ tracking}$suffix"
      for name in $(server_order "$round"); do
        # shellcheck disable=SC2086  # $tracking is one optional word
        while IFS=$'\t' read -r test rps; do
          [[ -n $test ]] || continue
          samples["$name|$label"]+="$rps "
          log "round $round/$BENCH_ROUNDS  $name  $label  $rps"
        done < <(run_redis_benchmark "$name" -t get -c "$CLIENTS" -r "$KEYSPACE" -n "$n" \
          -P "$pipeline" $tracking)
      done
    done
  done
done

table_begin "pub/sub fan-out: one publisher (PUBLISH -P32, $PAYLOAD-byte messages), messages\
 delivered per second"
for subs in $FANOUT; do
  # shellcheck disable=SC2086  # the samples are space-separated numbers
  table_row "fanout $subs subscriber(s)" "$(median ${samples["cachet|fanout $subs"]:-})" \
    "$(median ${samples["redis|fanout $subs"]:-})"
done
table_end

table_begin "tracking: redis-benchmark -t get -c $CLIENTS -r $KEYSPACE, -n $N (unpipelined) /\
 $N_PIPELINED (-P16), requests per second"
for suffix in "" " -P16"; do
  for label in "GET$suffix" "GET tracking$suffix"; do
    # shellcheck disable=SC2086
    table_row "$label" "$(median ${samples["cachet|$label"]:-})" \
      "$(median ${samples["redis|$label"]:-})"
  done
done
table_end

# The cost of tracking on each server: GET with tracking / GET without.
printf '\n  tracking cost (GET tracking / GET, medians):\n'
for suffix in "" " -P16"; do
  for name in cachet redis; do
    # shellcheck disable=SC2086
    with=$(median ${samples["$name|GET tracking$suffix"]:-})
    # shellcheck disable=SC2086
    without=$(median ${samples["$name|GET$suffix"]:-})
    awk -v n="$name" -v s="$suffix" -v a="$with" -v b="$without" 'BEGIN {
      r = (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b)
      printf "  %-8s GET%-5s %s\n", n, s, r }'
  done
done
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
