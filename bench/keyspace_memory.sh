#!/usr/bin/env bash
# Keyspace memory: 1,000,000 keys with 10-byte names (key:NNNNNN) and 16-byte values loaded with
# one pipelined stream (redis-cli --pipe) into a fresh server, without and with a TTL on every key
# (SET ... EX 3600). Reports per server the RSS delta per key (VmRSS after the load minus VmRSS of
# the empty server, divided by the keys), redis's used_memory delta per key (cachet has no INFO
# yet), and the load time. The cachet/redis memory ratio is RSS-based. Servers are measured one
# at a time, alternating which goes first; medians of BENCH_MEM_ROUNDS rounds.
#
# Environment (besides bench/lib.sh's): BENCH_MEM_KEYS (default 1000000), BENCH_MEM_ROUNDS
# (default 2: the memory figures repeat to within 0.1%). BENCH_QUICK=1: 200000 keys, 1 round.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_MEM_KEYS:=200000}" "${BENCH_MEM_ROUNDS:=1}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS=${BENCH_MEM_KEYS:-1000000}
ROUNDS=${BENCH_MEM_ROUNDS:-2}
TTL=3600

bench_init
gen_set_resp "$BENCH_TMP/plain.resp" "$KEYS"
gen_set_resp "$BENCH_TMP/ttl.resp" "$KEYS" EX "$TTL"

# Samples per "server|variant|figure", space-separated.
declare -A samples=()
add() { samples["$1|$2|$3"]+="$4 "; }

# measure NAME VARIANT: fresh server, empty figures, load, figures after the load, stop.
measure() {
  local name=$1 variant=$2 port pid rss0 rss1 um0="" um1="" secs keys
  bench_start_server "$name"
  port=$(server_port "$name")
  pid=$(server_pid "$name")
  sleep 0.5
  rss0=$(rss_kb "$pid")
  if [[ $name == redis ]]; then um0=$(redis_info_field "$port" used_memory); fi
  secs=$(pipe_load "$port" "$BENCH_TMP/$variant.resp")
  sleep 1 # let deferred work (lazy frees, allocator purges) settle
  kill -0 "$pid" 2>/dev/null || die "$name (pid $pid) died after the load"
  keys=$(dbsize "$port")
  ((keys == KEYS)) || log "warning: $name holds $keys keys after loading $KEYS"
  rss1=$(rss_kb "$pid")
  add "$name" "$variant" load_s "$secs"
  add "$name" "$variant" rss0_mb "$(awk -v a="$rss0" 'BEGIN { print a / 1024 }')"
  add "$name" "$variant" rss1_mb "$(awk -v a="$rss1" 'BEGIN { print a / 1024 }')"
  add "$name" "$variant" rss_per_key "$(awk -v a="$rss0" -v b="$rss1" -v n="$KEYS" \
    'BEGIN { print (b - a) * 1024 / n }')"
  if [[ $name == redis ]]; then
    um1=$(redis_info_field "$port" used_memory)
    add "$name" "$variant" um_per_key "$(awk -v a="$um0" -v b="$um1" -v n="$KEYS" \
      'BEGIN { print (b - a) / n }')"
  fi
  log "round $round/$ROUNDS  $name  $variant  load ${secs}s  keys $keys" \
    " RSS ${rss0} -> ${rss1} KiB${um1:+  used_memory $um0 -> $um1}"
  stop_all_servers
}

for ((round = 1; round <= ROUNDS; round++)); do
  for variant in plain ttl; do
    for name in $(server_order "$round"); do
      measure "$name" "$variant"
    done
  done
done

# rate SECONDS: keys loaded per second.
rate() { awk -v t="$1" -v n="$KEYS" 'BEGIN { if (t > 0) print n / t }'; }
med() {
  # shellcheck disable=SC2086  # the samples are space-separated numbers
  median ${samples["$1|$2|$3"]:-}
}
for variant in plain ttl; do
  if [[ $variant == plain ]]; then what="no TTL"; else what="SET ... EX $TTL on every key"; fi
  figs_begin "keyspace memory: $KEYS keys, 10-byte names, 16-byte values, $what\
 (median of $ROUNDS rounds)"
  figs_row "load time, redis-cli --pipe (s)" "$(med cachet "$variant" load_s)" \
    "$(med redis "$variant" load_s)" 2
  figs_row "load rate (keys/s)" \
    "$(rate "$(med cachet "$variant" load_s)")" "$(rate "$(med redis "$variant" load_s)")"
  figs_row "RSS empty server (MiB)" "$(med cachet "$variant" rss0_mb)" \
    "$(med redis "$variant" rss0_mb)" 1
  figs_row "RSS after load (MiB)" "$(med cachet "$variant" rss1_mb)" \
    "$(med redis "$variant" rss1_mb)" 1
  figs_row "RSS delta per key (B)" "$(med cachet "$variant" rss_per_key)" \
    "$(med redis "$variant" rss_per_key)" 1
  figs_row "used_memory delta per key (B)" "" "$(med redis "$variant" um_per_key)" 1
  figs_note "memory ratio cachet/redis is RSS-based: the 'RSS delta per key' row"
  figs_note "cachet RSS delta per key / redis used_memory delta per key: $(awk \
    -v c="$(med cachet "$variant" rss_per_key)" -v r="$(med redis "$variant" um_per_key)" \
    'BEGIN { if (r > 0) printf "%.2f", c / r; else printf "n/a" }') (cachet has no INFO yet)"
  figs_end
done
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
