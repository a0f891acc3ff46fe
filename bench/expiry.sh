#!/usr/bin/env bash
# Active expiry: 1,000,000 keys (10-byte names, 16-byte values) loaded with one pipelined stream,
# each with a TTL uniform over 1-5 s (SET ... PX 1000..5000), then no command at all until the
# sample BENCH_EXPIRY_WINDOW (10) seconds after the load: keys still stored (DBSIZE, which on both
# servers counts expired keys not reclaimed yet), RSS, and the CPU time (utime + stime from
# /proc/PID/stat) the server used during the window. Servers are measured one at a time on a
# fresh server, alternating which goes first; medians of BENCH_EXPIRY_ROUNDS rounds.
#
# Environment (besides bench/lib.sh's): BENCH_EXPIRY_KEYS (default 1000000),
# BENCH_EXPIRY_ROUNDS (default 3), BENCH_EXPIRY_WINDOW seconds (default 10).
# BENCH_QUICK=1: 200000 keys, 1 round.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${BENCH_EXPIRY_KEYS:=200000}" "${BENCH_EXPIRY_ROUNDS:=1}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS=${BENCH_EXPIRY_KEYS:-1000000}
ROUNDS=${BENCH_EXPIRY_ROUNDS:-3}
WINDOW=${BENCH_EXPIRY_WINDOW:-10}

bench_init
gen_set_resp "$BENCH_TMP/px.resp" "$KEYS" PX 1000 5000

declare -A samples=()
add() { samples["$1|$2"]+="$3 "; }
mib() { awk -v a="$1" 'BEGIN { print a / 1024 }'; }

# measure NAME: fresh server, load, wait WINDOW seconds without a command, sample, stop.
measure() {
  local name=$1 port pid secs t_end cpu0 cpu1 rss_load rss_end keys_load keys_end um="" rest
  bench_start_server "$name"
  port=$(server_port "$name")
  pid=$(server_pid "$name")
  sleep 0.5
  secs=$(pipe_load "$port" "$BENCH_TMP/px.resp")
  t_end=$(date +%s.%N)
  t_end=$(awk -v t="$t_end" -v w="$WINDOW" 'BEGIN { printf "%.3f", t + w }')
  cpu0=$(cpu_ticks "$pid")
  rss_load=$(rss_kb "$pid")
  keys_load=$(dbsize "$port")
  rest=$(awk -v t="$t_end" -v now="$(date +%s.%N)" \
    'BEGIN { d = t - now; printf "%.3f", (d > 0) ? d : 0 }')
  sleep "$rest"
  kill -0 "$pid" 2>/dev/null || die "$name (pid $pid) died during the expiry window"
  cpu1=$(cpu_ticks "$pid")
  rss_end=$(rss_kb "$pid")
  keys_end=$(dbsize "$port")
  if [[ $name == redis ]]; then um=$(redis_info_field "$port" used_memory); fi
  add "$name" load_s "$secs"
  add "$name" stored_pct "$(awk -v k="$keys_end" -v n="$KEYS" 'BEGIN { print 100 * k / n }')"
  add "$name" stored_load "$keys_load"
  add "$name" stored "$keys_end"
  add "$name" reclaimed "$((keys_load - keys_end))"
  add "$name" cpu_us_per_key "$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" \
    -v k="$((keys_load - keys_end))" 'BEGIN { if (k > 0) print (b - a) / hz * 1e6 / k }')"
  add "$name" rss_load_mb "$(mib "$rss_load")"
  add "$name" rss_end_mb "$(mib "$rss_end")"
  add "$name" cpu_s "$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" \
    'BEGIN { print (b - a) / hz }')"
  if [[ -n $um ]]; then add "$name" um_end_mb "$(awk -v a="$um" 'BEGIN { print a / 1048576 }')"; fi
  log "round $round/$ROUNDS  $name  load ${secs}s  keys $keys_load, +${WINDOW}s: $keys_end" \
    " RSS $rss_load -> $rss_end KiB  CPU $((cpu1 - cpu0)) ticks${um:+  used_memory $um}"
  stop_all_servers
}

for ((round = 1; round <= ROUNDS; round++)); do
  for name in $(server_order "$round"); do
    measure "$name"
  done
done

med() {
  # shellcheck disable=SC2086  # the samples are space-separated numbers
  median ${samples["$1|$2"]:-}
}
figs_begin "expiry: $KEYS keys, TTL uniform 1-5 s (PX), no commands, sampled ${WINDOW} s after\
 the load (median of $ROUNDS rounds)"
figs_row "load time, redis-cli --pipe (s)" "$(med cachet load_s)" "$(med redis load_s)" 2
figs_row "keys stored right after the load" "$(med cachet stored_load)" "$(med redis stored_load)"
figs_row "keys still stored at +${WINDOW} s" "$(med cachet stored)" "$(med redis stored)"
figs_row "share still stored (%)" "$(med cachet stored_pct)" "$(med redis stored_pct)" 2
figs_row "RSS right after the load (MiB)" "$(med cachet rss_load_mb)" "$(med redis rss_load_mb)" 1
figs_row "RSS at +${WINDOW} s (MiB)" "$(med cachet rss_end_mb)" "$(med redis rss_end_mb)" 1
figs_row "used_memory at +${WINDOW} s (MiB)" "" "$(med redis um_end_mb)" 1
figs_row "server CPU in the ${WINDOW} s window (s)" "$(med cachet cpu_s)" "$(med redis cpu_s)" 2
figs_row "keys reclaimed in the window" "$(med cachet reclaimed)" "$(med redis reclaimed)"
figs_row "CPU per key reclaimed (us)" "$(med cachet cpu_us_per_key)" "$(med redis cpu_us_per_key)" 2
figs_note "keys stored = DBSIZE, which on both servers counts expired keys not reclaimed yet;"
figs_note "every key has expired ${WINDOW} s after the load, so what is still stored is the backlog"
figs_note "CPU = utime + stime of the server process, all threads, 1/$CLK_TCK s resolution"
figs_end
printf '  pinned: %s; cachet threads: %s\n' "$(pin_note)" "$(cachet_threads)"
