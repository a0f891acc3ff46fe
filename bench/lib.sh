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

# bench_start_servers [EXTRA ARGS...]: starts cachet and redis on free loopback ports, both
# with the same extra directives, nothing persisted. Sets CACHET_PORT/REDIS_PORT and the pids.
bench_start_servers() {
  CACHET_PORT=$(free_port)
  start_server CACHET_PID "$BENCH_TMP/cachet.log" "$CACHET_PORT" \
    "${SERVER_PIN[@]}" "$CACHET_BIN" --port "$CACHET_PORT" --bind 127.0.0.1 "$@" ||
    die "cachet-server did not start"
  REDIS_PORT=$(free_port)
  start_server REDIS_PID "$BENCH_TMP/redis.log" "$REDIS_PORT" \
    "${SERVER_PIN[@]}" "$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
    --appendonly no "$@" || die "redis-server did not start"
  log "cachet: $CACHET_BIN on 127.0.0.1:$CACHET_PORT (pid $CACHET_PID)"
  log "redis:  $REDIS_BIN on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
  if ((${#SERVER_PIN[@]})); then
    log "pinned: server ${SERVER_PIN[*]}, client ${CLIENT_PIN[*]}"
  else
    log "pinned: no ($(nproc) cores)"
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
