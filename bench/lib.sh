# Helpers shared by the bench/*.sh benchmarks: both servers on free loopback ports, CPU pinning,
# redis-benchmark runs, medians and the result table. Source it after `set -euo pipefail`.
#
# Environment:
#   CACHET_BIN   server under test (default: build/cachet-server)
#   REDIS_BIN    reference server (default: redis-server from PATH)
#   BENCH_ROUNDS rounds per benchmark, servers alternating run by run (default: 5)
#   BENCH_TSV    if set, rows are also appended to this file as tab-separated values
#   BENCH_SERVER_CPUS / BENCH_CLIENT_CPUS   taskset CPU lists; by default, on more than 2 cores
#                the server gets CPU 0 and the client CPUs 1-3; on 2 cores or fewer nothing is pinned
#   BENCH_CACHET_ARGS / BENCH_REDIS_ARGS   extra arguments for one server only, split on spaces
#                (e.g. BENCH_CACHET_ARGS="--io-threads 1")
#   BENCH_QUICK  set to 1 for smaller, faster runs (each benchmark says what it shrinks)

# shellcheck source=../scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/lib.sh"

CACHET_BIN=${CACHET_BIN:-$CACHET_ROOT/build/cachet-server}
REDIS_BIN=${REDIS_BIN:-redis-server}
BENCH_ROUNDS=${BENCH_ROUNDS:-5}

SERVER_PIN=()
CLIENT_PIN=()
BENCH_TMP=""
CACHET_PORT=""
REDIS_PORT=""
CACHET_PID=""
REDIS_PID=""

bench_cleanup() {
  stop_all_servers
  [[ -z $BENCH_TMP ]] || rm -rf "$BENCH_TMP"
}

# bench_init: checks the tools, sets up pinning, a scratch folder and the cleanup trap.
bench_init() {
  command -v redis-benchmark >/dev/null || die "redis-benchmark not found (scripts/install-deps)"
  command -v "$REDIS_BIN" >/dev/null || die "$REDIS_BIN not found (scripts/install-deps)"
  [[ -x $CACHET_BIN ]] || command -v "$CACHET_BIN" >/dev/null ||
    die "$CACHET_BIN not found: run 'make build' or set CACHET_BIN"
  local ncpu
  ncpu=$(nproc)
  if [[ -n ${BENCH_SERVER_CPUS:-} ]]; then
    SERVER_PIN=(taskset -c "$BENCH_SERVER_CPUS")
  elif ((ncpu > 2)); then
    SERVER_PIN=(taskset -c 0)
  fi
  if [[ -n ${BENCH_CLIENT_CPUS:-} ]]; then
    CLIENT_PIN=(taskset -c "$BENCH_CLIENT_CPUS")
  elif ((ncpu > 2)); then
    CLIENT_PIN=(taskset -c "1-$((ncpu > 4 ? 3 : ncpu - 1))")
  fi
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachet-bench.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# bench_start_server NAME [EXTRA ARGS...]: starts one server (NAME is cachet or redis) on a free
# loopback port, nothing persisted; sets CACHET_PORT/CACHET_PID or REDIS_PORT/REDIS_PID. Benchmarks
# that measure one server at a time (memory, expiry) start them one by one with it.
# shellcheck disable=SC2086  # BENCH_*_ARGS are word lists
bench_start_server() {
  local name=$1
  shift
  if [[ $name == cachet ]]; then
    CACHET_PORT=$(free_port)
    start_server CACHET_PID "$BENCH_TMP/cachet.log" "$CACHET_PORT" \
      "${SERVER_PIN[@]}" "$CACHET_BIN" --port "$CACHET_PORT" --bind 127.0.0.1 "$@" \
      ${BENCH_CACHET_ARGS:-} || die "cachet-server did not start"
  else
    REDIS_PORT=$(free_port)
    start_server REDIS_PID "$BENCH_TMP/redis.log" "$REDIS_PORT" \
      "${SERVER_PIN[@]}" "$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
      --appendonly no --dir "$BENCH_TMP" "$@" ${BENCH_REDIS_ARGS:-} ||
      die "redis-server did not start"
  fi
}

# bench_start_servers [EXTRA ARGS...]: starts cachet and redis on free loopback ports, both
# with the same extra directives, nothing persisted. Sets CACHET_PORT/REDIS_PORT and the pids.
bench_start_servers() {
  bench_start_server cachet "$@"
  bench_start_server redis "$@"
  log "cachet: $CACHET_BIN on 127.0.0.1:$CACHET_PORT (pid $CACHET_PID)"
  log "redis:  $REDIS_BIN on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
  log "pinned: $(pin_note)"
}

# pin_note: one line saying how servers and load generator are pinned, for the output.
pin_note() {
  if ((${#SERVER_PIN[@]})); then
    echo "server ${SERVER_PIN[*]}, client ${CLIENT_PIN[*]:-unpinned}"
  else
    echo "no ($(nproc) cores: servers and load generator unpinned, sharing them)"
  fi
}

# server_port NAME / server_pid NAME: NAME is cachet or redis.
server_port() { if [[ $1 == cachet ]]; then echo "$CACHET_PORT"; else echo "$REDIS_PORT"; fi; }
server_pid() { if [[ $1 == cachet ]]; then echo "$CACHET_PID"; else echo "$REDIS_PID"; fi; }

# server_order ROUND: the two servers in the order to run them in ROUND (alternates, so that
# neither always runs first on a machine that warms up or slows down).
server_order() { if (($1 % 2)); then echo "redis cachet"; else echo "cachet redis"; fi; }

# run_redis_benchmark NAME [ARGS...]: runs `redis-benchmark -q ARGS` against server NAME and
# prints "TEST<TAB>RPS" per test. A run that fails or passes BENCH_RUN_TIMEOUT (120 s) prints
# nothing for its tests; a server that died ends the benchmark.
run_redis_benchmark() {
  local name=$1 port pid out
  shift
  port=$(server_port "$name")
  pid=$(server_pid "$name")
  out=$(timeout "${BENCH_RUN_TIMEOUT:-120}" "${CLIENT_PIN[@]}" redis-benchmark -h 127.0.0.1 \
    -p "$port" -q "$@" 2>&1) || log "redis-benchmark against $name failed: $(tail -c 300 <<<"$out")"
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$BENCH_TMP/$name.log" >&2 || true
    die "$name (pid $pid) died during the benchmark"
  fi
  tr '\r' '\n' <<<"$out" | awk -F': ' '/requests per second/ {
      split($2, a, " "); printf "%s\t%s\n", $1, a[1] }'
}

# compare_throughput TITLE N_UNPIPELINED N_PIPELINED PIPELINES BENCH_ARGS...: runs
# redis-benchmark BENCH_ARGS on both servers (started by bench_start_servers) for every pipeline
# depth in PIPELINES ("1 16"), BENCH_ROUNDS rounds, alternating which server goes first, and
# prints the table of medians with the cachet/redis ratios, one row per test and depth in the
# order redis-benchmark reports them.
compare_throughput() {
  local title=$1 n1=$2 np=$3 pipelines=$4 round pipeline n suffix name test rps
  shift 4
  local -A samples=()
  local rows=()
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    for pipeline in $pipelines; do
      if ((pipeline == 1)); then n=$n1; suffix=""; else n=$np; suffix=" -P$pipeline"; fi
      for name in $(server_order "$round"); do
        while IFS=$'\t' read -r test rps; do
          [[ -n $test ]] || continue
          if [[ -z ${samples["cachet|$test$suffix"]+x} && -z ${samples["redis|$test$suffix"]+x} ]]
          then
            rows+=("$test$suffix")
          fi
          samples["$name|$test$suffix"]+="$rps "
          log "round $round/$BENCH_ROUNDS  $name  $test$suffix  $rps"
        done < <(run_redis_benchmark "$name" "$@" -n "$n" -P "$pipeline")
      done
    done
  done
  table_begin "$title"
  for test in "${rows[@]}"; do
    # shellcheck disable=SC2086  # the samples are space-separated numbers
    table_row "$test" "$(median ${samples["cachet|$test"]:-})" "$(median ${samples["redis|$test"]:-})"
  done
  table_end
}

# median V...: the median of numbers (mean of the middle two for an even count); "" if none.
median() {
  (($#)) || { echo ""; return 0; }
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
          else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Result table: table_begin TITLE; table_row TEST CACHET REDIS (rps, "" for no data); table_end.
TABLE_ROWS=()
table_begin() {
  TABLE_ROWS=()
  TABLE_TITLE=$1
}
table_row() {
  TABLE_ROWS+=("$1"$'\t'"$2"$'\t'"$3")
  if [[ -n ${BENCH_TSV:-} ]]; then
    printf '%s\t%s\t%s\t%s\n' "$TABLE_TITLE" "$1" "${2:-}" "${3:-}" >>"$BENCH_TSV"
  fi
}
table_end() {
  local row
  printf '\n%s (median of %s rounds, requests per second)\n' "$TABLE_TITLE" "$BENCH_ROUNDS"
  {
    printf 'test\tcachet\tredis\tcachet/redis\n'
    for row in "${TABLE_ROWS[@]}"; do
      awk -F'\t' '{
        c = ($2 == "") ? "n/a" : sprintf("%.0f", $2)
        r = ($3 == "") ? "n/a" : sprintf("%.0f", $3)
        ratio = ($2 == "" || $3 == "" || $3 == 0) ? "n/a" : sprintf("%.2f", $2 / $3)
        printf "%s\t%s\t%s\t%s\n", $1, c, r, ratio }' <<<"$row"
    done
  } | awk -F'\t' '{ printf "  %-22s %12s %12s %13s\n", $1, $2, $3, $4 }'
}

# ---- Process figures, pipelined loads and figure tables (keyspace benchmarks) ----

# rss_kb PID: resident set size of PID in KiB (VmRSS from /proc).
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# cpu_ticks PID: user + system CPU time used by PID (all its threads) in clock ticks, from
# /proc/PID/stat (fields 14 and 15; the command name in field 2 may hold spaces).
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}
# shellcheck disable=SC2034  # used by the benchmarks that source this file
CLK_TCK=$(getconf CLK_TCK)

# redis_info_field PORT FIELD: one field of INFO (e.g. used_memory), "" when missing.
redis_info_field() {
  redis-cli -h 127.0.0.1 -p "$1" info 2>/dev/null | tr -d '\r' |
    awk -F: -v f="$2" '$1 == f && !done { print $2; done = 1 }'
}

# dbsize PORT: DBSIZE of db 0 (keys stored, counting expired keys not reclaimed yet).
dbsize() { redis-cli -h 127.0.0.1 -p "$1" dbsize | tr -d '\r'; }

# gen_set_resp FILE N [TTL...]: writes N pipelined SETs in RESP to FILE: key:%06d names
# (10 bytes up to a million keys), 16-byte values, and per key, by the TTL arguments:
#   (none)          no expiry
#   EX SECONDS      SET ... EX SECONDS
#   PX LO HI        SET ... PX t, t uniform in [LO, HI] ms (fixed seed: the same file each run)
gen_set_resp() {
  local file=$1 n=$2 mode=${3:-} a=${4:-0} b=${5:-0}
  awk -v n="$n" -v mode="$mode" -v a="$a" -v b="$b" 'BEGIN {
    srand(12345)
    for (i = 0; i < n; i++) {
      k = sprintf("key:%06d", i); v = sprintf("val:%012d", i)
      if (mode == "") {
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
      } else {
        t = (mode == "PX") ? sprintf("%d", a + int(rand() * (b - a + 1))) : a
        printf "*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$2\r\n%s\r\n$%d\r\n%s\r\n",
          length(k), k, length(v), v, mode, length(t), t
      }
    }
  }' >"$file"
}

# pipe_load PORT FILE: sends FILE with `redis-cli --pipe`, fails unless every reply came back
# without error; prints the wall time taken in seconds.
pipe_load() {
  local port=$1 file=$2 t0 t1 out
  t0=$(date +%s.%N)
  out=$(timeout "${BENCH_RUN_TIMEOUT:-120}" redis-cli -h 127.0.0.1 -p "$port" --pipe \
    <"$file" 2>&1) ||
    die "pipelined load into port $port failed: $(tail -c 300 <<<"$out")"
  t1=$(date +%s.%N)
  grep -q '^errors: 0,' <<<"$out" || die "pipelined load into port $port: $(tail -n 1 <<<"$out")"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# Figure table (any unit, one figure per row): figs_begin TITLE; figs_row FIGURE CACHET REDIS
# [DECIMALS] ("" for no data, DECIMALS default 0); figs_note LINE (printed under the table);
# figs_end. The last column is cachet/redis.
FIGS_ROWS=()
FIGS_NOTES=()
figs_begin() {
  FIGS_ROWS=()
  FIGS_NOTES=()
  FIGS_TITLE=$1
}
figs_row() {
  FIGS_ROWS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"${4:-0}")
  if [[ -n ${BENCH_TSV:-} ]]; then
    printf '%s\t%s\t%s\t%s\n' "$FIGS_TITLE" "$1" "${2:-}" "${3:-}" >>"$BENCH_TSV"
  fi
}
figs_note() { FIGS_NOTES+=("$1"); }
figs_end() {
  local row note
  printf '\n%s\n' "$FIGS_TITLE"
  {
    printf 'figure\tcachet\tredis\tcachet/redis\n'
    for row in "${FIGS_ROWS[@]}"; do
      awk -F'\t' '{
        f = "%." $4 "f"
        c = ($2 == "") ? "n/a" : sprintf(f, $2)
        r = ($3 == "") ? "n/a" : sprintf(f, $3)
        ratio = ($2 == "" || $3 == "" || $3 == 0) ? "n/a" : sprintf("%.2f", $2 / $3)
        printf "%s\t%s\t%s\t%s\n", $1, c, r, ratio }' <<<"$row"
    done
  } | awk -F'\t' '{ printf "  %-34s %12s %12s %13s\n", $1, $2, $3, $4 }'
  for note in "${FIGS_NOTES[@]}"; do printf '  %s\n' "$note"; done
}

# cachet_threads: the thread count cachet's log announces at start-up ("" if not found).
cachet_threads() {
  awk '{ for (i = 1; i < NF; i++) if ($i == "Threads:") t = $(i + 1) }
    END { sub(/,$/, "", t); print t }' \
    "$BENCH_TMP/cachet.log" 2>/dev/null || true
}
