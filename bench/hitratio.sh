#!/usr/bin/env bash
# Hit ratio under maxmemory: a seeded cache-aside replay (GET key; SET key on a miss, values of
# HITRATIO_VALUE_SIZE bytes, pipelined) of each workload against a fresh server per policy:
# redis-server with allkeys-lru and allkeys-lfu, cachet-server with every policy in
# HITRATIO_CACHET_POLICIES, then the in-process simulators (exact LRU, S3-FIFO, W-TinyLFU) over
# the same stream at the number of keys redis (allkeys-lru) held. The first 20% of each stream
# warms the cache and is not measured (a scan's own misses are). Each batch of HITRATIO_PIPELINE
# requests is sent as pipelined GETs, then pipelined SETs for the misses, so a key repeated within
# a batch misses each time (like concurrent clients). Prints the hit-ratio table (workload x
# server/policy), then the keys each server held at the end (DBSIZE) and its RSS.
#
# Workloads (bench/hitratio/workload.h): zipf-A is Zipf(A) over HITRATIO_KEYS keys, hot keys
# scattered by a seeded permutation; scan-A is the same stream with a one-off scan of KEYS/2
# never-seen keys in the middle; shift-A moves the hot set to other keys halfway.
#
# The default maxmemory makes redis hold about 10% of the keys: redis 7.0 uses ~188 B of
# used_memory per key with 12-byte names and 100-byte values (measured: 96,585 keys took 18.1 MB
# over an empty server's 0.9 MB), so maxmemory = 1 MB + KEYS/10 * (VALUE_SIZE + 88) B: 2.88 MB
# for 100k keys (redis held 9,862) and 19.8 MB for 1M keys (redis held 101,065). For much smaller
# key counts the fixed 1 MB is a larger share and redis holds less than 10%. cachet is given the
# same maxmemory; what it holds depends on its own accounting, so compare hit ratios together with
# the keys held. Redis's LRU and LFU are approximations (maxmemory-samples 5), and its LFU counters
# decay per wall-clock minute (lfu-decay-time 1), not per request: a longer run (more requests
# or a slower machine) decays them more often than a short one.
#
# Environment (besides bench/lib.sh's):
#   HITRATIO_KEYS            key population (default 1000000)
#   HITRATIO_REQUESTS        Zipf requests per workload (default 2000000; scan adds KEYS/2).
#                            At 2 requests per key, first-time misses weigh on every policy
#                            (zipf-1.2 gives ~0.944 for all); BENCH_QUICK's 10 per key separates
#                            the policies more.
#   HITRATIO_MAXMEMORY       maxmemory in bytes for every server (default: see above)
#   HITRATIO_VALUE_SIZE      value bytes (default 100)
#   HITRATIO_WORKLOADS       default "zipf-0.8 zipf-0.99 zipf-1.2 scan-0.99 shift-0.99"
#   HITRATIO_CACHET_POLICIES default "allkeys-lru allkeys-lfu allkeys-random" (empty: none)
#   HITRATIO_CONNECTIONS     replay connections (default 1), HITRATIO_PIPELINE batch (default 64)
#   HITRATIO_SEED            stream seed (default 1)
#   HITRATIO_REPLAY          hitratio_replay binary (default: the one built next to CACHET_BIN
#                            when up to date, else compiled here with the system compiler)
#   BENCH_QUICK=1            100000 keys, 1000000 requests (about 2.5 minutes on 2 cores)
#
# Usage: bash bench/hitratio.sh; BENCH_QUICK=1 bash bench/hitratio.sh;
#        HITRATIO_WORKLOADS=scan-0.99 HITRATIO_CACHET_POLICIES=allkeys-lfu bash bench/hitratio.sh
# The replay tool alone: hitratio_replay --port P --workload zipf-0.99 [--pid PID] ..., and
# hitratio_replay --simulate --capacity C --workload zipf-0.99 ... (see bench/hitratio/replay.cc).
# A cachet run that does not start, fails or does not evict is reported, not fatal.
set -euo pipefail
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${HITRATIO_KEYS:=100000}" "${HITRATIO_REQUESTS:=1000000}"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS=${HITRATIO_KEYS:-1000000}
REQUESTS=${HITRATIO_REQUESTS:-2000000}
VALUE_SIZE=${HITRATIO_VALUE_SIZE:-100}
MAXMEMORY=${HITRATIO_MAXMEMORY:-$((1000000 + KEYS * (VALUE_SIZE + 88) / 10))}
WORKLOADS=${HITRATIO_WORKLOADS:-"zipf-0.8 zipf-0.99 zipf-1.2 scan-0.99 shift-0.99"}
CACHET_POLICIES=${HITRATIO_CACHET_POLICIES-"allkeys-lru allkeys-lfu allkeys-random"}
CONNECTIONS=${HITRATIO_CONNECTIONS:-1}
PIPELINE=${HITRATIO_PIPELINE:-64}
SEED=${HITRATIO_SEED:-1}
SIMS=(LRU S3FIFO WTinyLFU)

bench_init

# The replay tool: given, built next to CACHET_BIN and newer than its sources, or compiled here.
REPLAY=${HITRATIO_REPLAY:-}
if [[ -z $REPLAY ]]; then
  built="$(dirname "$CACHET_BIN")/bench/hitratio_replay"
  if [[ -x $built && -z $(find "$CACHET_ROOT/bench/hitratio" -newer "$built" -print -quit) ]]
  then
    REPLAY=$built
  else
    command -v "${CXX:-c++}" >/dev/null || die "no C++ compiler to build bench/hitratio"
    REPLAY="$BENCH_TMP/hitratio_replay"
    log "compiling bench/hitratio into $REPLAY"
    "${CXX:-c++}" -O2 -std=c++20 -pthread -I "$CACHET_ROOT/bench" -o "$REPLAY" \
      "$CACHET_ROOT"/bench/hitratio/{workload,sim,replay}.cc -lhiredis ||
      die "could not build bench/hitratio (needs libhiredis-dev)"
  fi
fi
STREAM_ARGS=(--keys "$KEYS" --requests "$REQUESTS" --seed "$SEED" --warmup 0.2)

# Results per "column|workload|figure" (figures: hit_ratio, dbsize, rss_kb, evicted_keys, note).
declare -A R=()

# short_policy POLICY: the column suffix ("allkeys-lru" -> "lru").
short_policy() { echo "${1#allkeys-}"; }

# replay_server NAME COLUMN WORKLOAD POLICY: fresh server NAME (redis or cachet) with maxmemory and
# POLICY, one replay of WORKLOAD, figures into R[COLUMN|WORKLOAD|...], server stopped. Never fails:
# what went wrong goes into the column's note.
replay_server() {
  local name=$1 col=$2 workload=$3 policy=$4 port srv_pid logf out rc held policy_seen
  logf="$BENCH_TMP/$col.log"
  port=$(free_port)
  srv_pid=""
  if [[ $name == cachet ]]; then
    # shellcheck disable=SC2086  # BENCH_CACHET_ARGS is a word list
    start_server srv_pid "$logf" "$port" "${SERVER_PIN[@]}" "$CACHET_BIN" --port "$port" \
      --bind 127.0.0.1 --save '' --appendonly no --maxmemory "$MAXMEMORY" \
      --maxmemory-policy "$policy" ${BENCH_CACHET_ARGS:-} || srv_pid=""
  else
    # shellcheck disable=SC2086  # BENCH_REDIS_ARGS is a word list
    start_server srv_pid "$logf" "$port" "${SERVER_PIN[@]}" "$REDIS_BIN" --port "$port" \
      --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_TMP" --maxmemory "$MAXMEMORY" \
      --maxmemory-policy "$policy" ${BENCH_REDIS_ARGS:-} || srv_pid=""
  fi
  if [[ -z $srv_pid ]]; then
    R["$col|$workload|note"]="did not start with --maxmemory-policy $policy: $(tail -n 1 "$logf" |
      cut -c1-120)"
    log "$col $workload: ${R["$col|$workload|note"]}"
    return 0
  fi
  policy_seen=$(redis-cli -h 127.0.0.1 -p "$port" config get maxmemory-policy 2>/dev/null |
    tr -d '\r' | sed -n 2p) || true
  rc=0
  out=$(timeout "${BENCH_RUN_TIMEOUT:-900}" "${CLIENT_PIN[@]}" "$REPLAY" --port "$port" \
    --pid "$srv_pid" --workload "$workload" "${STREAM_ARGS[@]}" --value-size "$VALUE_SIZE" \
    --pipeline "$PIPELINE" --connections "$CONNECTIONS" 2>&1) || rc=$?
  local id="$col|$workload" note="" key value ref
  if ! kill -0 "$srv_pid" 2>/dev/null; then
    note="server died during the replay: $(tail -n 1 "$logf" | cut -c1-120)"
  elif ((rc != 0)); then
    note="replay failed (rc $rc): $(tail -n 1 <<<"$out" | cut -c1-120)"
  fi
  while read -r key value; do
    case $key in
      hit_ratio | dbsize | rss_kb | evicted_keys | used_memory | set_errors | first_error)
        R["$id|$key"]=$value ;;
    esac
  done <<<"$out"
  [[ $name == redis || -n $policy_seen ]] || policy_seen="n/a (CONFIG GET unanswered)"
  held=${R["$id|dbsize"]:-n/a}
  ref=${R["redis-lru|$workload|dbsize"]:-}
  [[ $ref =~ ^[0-9]+$ ]] || ref=$((KEYS / 10))
  if [[ -z $note && $name == cachet && $held =~ ^[0-9]+$ ]] && ((held > 2 * ref)); then
    note="no eviction to maxmemory: held $held keys (redis-lru $ref)"
  fi
  if [[ ${R["$id|set_errors"]:-0} != 0 ]]; then
    note+="${note:+; }${R["$id|set_errors"]} SET errors (${R["$id|first_error"]:-})"
  fi
  [[ -z $note ]] || R["$id|note"]=$note
  log "$col $workload: hit ratio ${R["$id|hit_ratio"]:-n/a}, keys $held," \
    "RSS ${R["$id|rss_kb"]:-n/a} KiB, evicted ${R["$id|evicted_keys"]:-n/a}," \
    "policy ${policy_seen:-?}${note:+ -- $note}"
  stop_pid "$srv_pid"
}

# simulate WORKLOAD CAPACITY: the simulators' hit ratios into R[sim-NAME|WORKLOAD|hit_ratio].
simulate() {
  local workload=$1 cap=$2 key value
  while read -r key value; do
    [[ $key == sim-* ]] && R["$key|$workload|hit_ratio"]=$value
  done < <("$REPLAY" --simulate --capacity "$cap" --workload "$workload" "${STREAM_ARGS[@]}")
  log "simulators $workload at $cap keys: $(for s in "${SIMS[@]}"; do
    printf '%s %s  ' "$s" "${R["sim-$s|$workload|hit_ratio"]:-n/a}"; done)"
}

SERVER_COLUMNS=(redis-lru redis-lfu)
for p in $CACHET_POLICIES; do SERVER_COLUMNS+=("cachet-$(short_policy "$p")"); done

log "hit ratio: $KEYS keys, $REQUESTS requests, values of $VALUE_SIZE B, maxmemory $MAXMEMORY B," \
  "pipeline $PIPELINE x $CONNECTIONS connection(s), replay $REPLAY"
for workload in $WORKLOADS; do
  replay_server redis redis-lru "$workload" allkeys-lru
  replay_server redis redis-lfu "$workload" allkeys-lfu
  for p in $CACHET_POLICIES; do
    replay_server cachet "cachet-$(short_policy "$p")" "$workload" "$p"
  done
  cap=${R["redis-lru|$workload|dbsize"]:-}
  [[ $cap =~ ^[0-9]+$ && $cap -gt 0 ]] || cap=$((KEYS / 10))
  R["sim|$workload|capacity"]=$cap
  simulate "$workload" "$cap"
done

# ---- Tables ----
ALL_COLUMNS=("${SERVER_COLUMNS[@]}")
for s in "${SIMS[@]}"; do ALL_COLUMNS+=("sim-$s"); done
width=10
for c in "${ALL_COLUMNS[@]}"; do ((${#c} + 1 > width)) && width=$((${#c} + 1)); done

# print_table TITLE FIGURE FORMAT COLUMNS...: one row per workload, one column per COLUMNS.
print_table() {
  local title=$1 figure=$2 fmt=$3 w c v
  shift 3
  printf '\n%s\n' "$title"
  printf '  %-12s' workload
  for c in "$@"; do printf "%${width}s" "$c"; done
  printf '\n'
  for w in $WORKLOADS; do
    printf '  %-12s' "$w"
    for c in "$@"; do
      v=${R["$c|$w|$figure"]:-}
      if [[ $v =~ ^[0-9.]+$ ]]; then
        [[ $figure != rss_kb ]] || v=$(awk -v k="$v" 'BEGIN { print k / 1024 }')
        # shellcheck disable=SC2059  # fmt is this script's own format
        v=$(printf "$fmt" "$v")
        [[ -z ${R["$c|$w|note"]:-} ]] || v+="*"
      else
        v=n/a
      fi
      printf "%${width}s" "$v"
      if [[ -n $BENCH_TSV ]]; then
        printf 'hitratio %s\t%s\t%s\t%s\n' "$figure" "$w" "$c" "$v" >>"$BENCH_TSV"
      fi
    done
    printf '\n'
  done
}

BENCH_TSV=${BENCH_TSV:-}
print_table "hit ratio ($KEYS keys, $REQUESTS requests, first 20% not measured, maxmemory\
 $MAXMEMORY B; sim-* at the keys redis-lru held)" hit_ratio '%.4f' "${ALL_COLUMNS[@]}"
print_table "keys held at the end (DBSIZE)" dbsize '%d' "${SERVER_COLUMNS[@]}"
print_table "server RSS at the end (MiB)" rss_kb '%.1f' "${SERVER_COLUMNS[@]}"
printf '\n'
for w in $WORKLOADS; do
  for c in "${SERVER_COLUMNS[@]}"; do
    [[ -z ${R["$c|$w|note"]:-} ]] || printf '  * %s %s: %s\n' "$c" "$w" "${R["$c|$w|note"]}"
  done
done
printf '  pinned: %s; replay: GET then SET on a miss, %s-request batches, %s connection(s)\n' \
  "$(pin_note)" "$PIPELINE" "$CONNECTIONS"
