#!/usr/bin/env bash
# Data-type memory: 100,000 hashes of 10 small fields, 100,000 sets of 10 small integers and
# 100,000 sorted sets of 10 members, each kind loaded with one pipelined stream (redis-cli
# --pipe) into a fresh server. Reports per server the RSS delta per key (VmRSS after the load
# minus VmRSS of the empty server, divided by the keys), redis's used_memory delta per key, and
# the OBJECT ENCODING of a sample key. The cachet/redis ratio is RSS-based. Servers are measured
# one at a time, alternating which goes first; medians of BENCH_MEM_ROUNDS rounds.
#
# Environment (besides bench/lib.sh's): BENCH_MEM_KEYS (default 100000), BENCH_MEM_ROUNDS
# (default 2). BENCH_QUICK=1: 20000 keys, 1 round.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_MEM_KEYS:=20000}" "${BENCH_MEM_ROUNDS:=1}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS=${BENCH_MEM_KEYS:-100000}
ROUNDS=${BENCH_MEM_ROUNDS:-2}
KINDS="hash set zset"

# gen_resp FILE KIND: KEYS commands of 10 elements each, in RESP.
gen_resp() {
  awk -v n="$KEYS" -v kind="$2" 'BEGIN {
    srand(4242)
    for (i = 0; i < n; i++) {
      if (kind == "hash") { cmd = "HSET"; k = sprintf("h:%06d", i); argc = 22 }
      else if (kind == "set") { cmd = "SADD"; k = sprintf("s:%06d", i); argc = 12 }
      else { cmd = "ZADD"; k = sprintf("z:%06d", i); argc = 22 }
      out = sprintf("*%d\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", argc, length(cmd), cmd, length(k), k)
      for (j = 0; j < 10; j++) {
        if (kind == "hash") {
          f = sprintf("field%d", j); v = sprintf("v%d", int(rand() * 100000))
          out = out sprintf("$%d\r\n%s\r\n$%d\r\n%s\r\n", length(f), f, length(v), v)
        } else if (kind == "set") {
          m = sprintf("%d", j * 100 + int(rand() * 100))
          out = out sprintf("$%d\r\n%s\r\n", length(m), m)
        } else {
          s = sprintf("%d", int(rand() * 1000)); m = sprintf("member%d", j)
          out = out sprintf("$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m)
        }
      }
      printf "%s", out
    }
  }' >"$1"
}

bench_init
for kind in $KINDS; do gen_resp "$BENCH_TMP/$kind.resp" "$kind"; done

declare -A samples=()
declare -A encodings=()
add() { samples["$1|$2|$3"]+="$4 "; }

# measure NAME KIND: fresh server, empty figures, load, figures after the load, stop.
measure() {
  local name=$1 kind=$2 port pid rss0 rss1 um0="" um1="" secs keys sample
  bench_start_server "$name"
  port=$(server_port "$name")
  pid=$(server_pid "$name")
  sleep 0.5
  rss0=$(rss_kb "$pid")
  if [[ $name == redis ]]; then um0=$(redis_info_field "$port" used_memory); fi
  secs=$(pipe_load "$port" "$BENCH_TMP/$kind.resp")
  sleep 1
  kill -0 "$pid" 2>/dev/null || die "$name (pid $pid) died after the load"
  keys=$(dbsize "$port")
  ((keys == KEYS)) || log "warning: $name holds $keys keys after loading $KEYS"
  rss1=$(rss_kb "$pid")
  case $kind in hash) sample=h:000000 ;; set) sample=s:000000 ;; *) sample=z:000000 ;; esac
  encodings["$name|$kind"]=$(redis-cli -h 127.0.0.1 -p "$port" object encoding "$sample" |
    tr -d '\r')
  add "$name" "$kind" rss_per_key "$(awk -v a="$rss0" -v b="$rss1" -v n="$KEYS" \
    'BEGIN { print (b - a) * 1024 / n }')"
  if [[ $name == redis ]]; then
    um1=$(redis_info_field "$port" used_memory)
    add "$name" "$kind" um_per_key "$(awk -v a="$um0" -v b="$um1" -v n="$KEYS" \
      'BEGIN { print (b - a) / n }')"
  fi
  log "round $round/$ROUNDS  $name  $kind  load ${secs}s  keys $keys  RSS ${rss0} -> ${rss1} KiB" \
    "${um1:+ used_memory $um0 -> $um1}"
  stop_all_servers
}

for ((round = 1; round <= ROUNDS; round++)); do
  for kind in $KINDS; do
    for name in $(server_order "$round"); do measure "$name" "$kind"; done
  done
done

med() {
  # shellcheck disable=SC2086  # the samples are space-separated numbers
  median ${samples["$1|$2|$3"]:-}
}
figs_begin "data-type memory: $KEYS keys of each kind, 10 elements each (median of $ROUNDS rounds)"
for kind in $KINDS; do
  figs_row "$kind: RSS delta per key (B)" "$(med cachet "$kind" rss_per_key)" \
    "$(med redis "$kind" rss_per_key)" 1
  figs_row "$kind: redis used_memory delta per key (B)" "" "$(med redis "$kind" um_per_key)" 1
  figs_note "$kind encoding: cachet ${encodings["cachet|$kind"]}, redis ${encodings["redis|$kind"]}"
done
figs_note "memory ratio cachet/redis is RSS-based: the 'RSS delta per key' rows"
figs_end
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
