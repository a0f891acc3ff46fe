# Shell helpers shared by scripts/ and bench/: free loopback ports, servers started and stopped
# by pid, waiting for PING, PASS/FAIL bookkeeping. Source it; it sets no shell options.

# Repository root (the parent of this file's folder).
CACHET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# port_in_use PORT: true when any TCP socket on this machine uses PORT locally.
port_in_use() {
  local port=$1
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# free_port: prints a TCP port that nothing uses now, below Linux's ephemeral range
# (32768-60999) so that client connections cannot take it in the meantime.
free_port() {
  local port tries
  for ((tries = 0; tries < 200; tries++)); do
    port=$((20000 + RANDOM % 12000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# Servers started through start_server, stopped by stop_all_servers.
SERVER_PIDS=()

# wait_for_ping PORT [SECONDS] [PID]: waits until 127.0.0.1:PORT answers PONG; fails early
# when PID (the server) has exited.
wait_for_ping() {
  local port=$1 secs=${2:-20} pid=${3:-} deadline
  deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; then
      return 0
    fi
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# start_server VAR LOGFILE PORT CMD [ARGS...]: starts CMD in the background with its output in
# LOGFILE, waits until PORT answers PING, and stores the pid in the variable named VAR.
# Prefix CMD with `taskset -c CPUS` to pin it. Fails (and shows the log) if it never answers.
start_server() {
  local -n _pid_out=$1
  local logfile=$2 port=$3
  shift 3
  "$@" >"$logfile" 2>&1 &
  local pid=$!
  SERVER_PIDS+=("$pid")
  if ! wait_for_ping "$port" 20 "$pid"; then
    log "server did not answer PING on port $port: $*"
    tail -n 20 "$logfile" >&2 || true
    stop_pid "$pid"
    return 1
  fi
  _pid_out=$pid
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 5); reaps it if it is
# a child of this shell.
stop_pid() {
  local pid=$1 secs=${2:-5} i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for ${secs}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_all_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    stop_pid "$pid"
  done
  SERVER_PIDS=()
}

# PASS/FAIL/SKIP bookkeeping; `report_results NAME` prints "NAME: N passed, M failed[, K skipped]"
# and returns non-zero when something failed.
RESULTS_PASSED=0
RESULTS_FAILED=0
RESULTS_SKIPPED=0
pass() { RESULTS_PASSED=$((RESULTS_PASSED + 1)); printf 'PASS  %s\n' "$*"; }
fail() { RESULTS_FAILED=$((RESULTS_FAILED + 1)); printf 'FAIL  %s\n' "$*"; }
skip() { RESULTS_SKIPPED=$((RESULTS_SKIPPED + 1)); printf 'SKIP  %s\n' "$*"; }
report_results() {
  local line="$1: $RESULTS_PASSED passed, $RESULTS_FAILED failed"
  ((RESULTS_SKIPPED == 0)) || line+=", $RESULTS_SKIPPED skipped"
  printf '%s\n' "$line"
  ((RESULTS_FAILED == 0))
}

# fmt_duration SECONDS: "3m07s".
fmt_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
