#!/usr/bin/env python3
# Regenerates the oracle fixtures of tests/config from the real redis-server (7.0.15).
#
#   python3 tests/config/data/gen_oracle_fixtures.py [/etc/redis/redis.conf]
#
# Writes, next to this script:
#   oracle_defaults.tsv      CONFIG GET * of a server started with DEFAULT_ARGS
#   oracle_hidden.tsv        the hidden directives, asked by exact name
#   redis_examples.conf      Debian's redis.conf with every "# directive value" example that
#                            redis-server accepts uncommented
#   redis_examples.dump.tsv  CONFIG GET * after loading redis_examples.conf plus EXAMPLE_ARGS
#   oracle_load_errors.txt   config texts / command lines and what redis-server printed
#   oracle_config_set.txt    CONFIG SET / CONFIG GET steps and the replies
# Every server listens on a unix socket only (port 0) and is stopped by pid.
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REDIS_CONF = sys.argv[1] if len(sys.argv) > 1 else "/etc/redis/redis.conf"
SOCK_NAME = "oracle.sock"
# The same arguments are given to cachet by the tests (the socket path is only a string).
DEFAULT_ARGS = ["--port", "0", "--unixsocket", "/tmp/cachet-oracle.sock"]
EXAMPLE_ARGS = ["--port", "0", "--unixsocket", "/tmp/cachet-oracle.sock", "--daemonize", "no",
                "--logfile", "", "--pidfile", ""]
HIDDEN = ["use-exit-on-panic", "rdb-key-save-delay", "key-load-delay", "watchdog-period",
          "loading-process-events-interval-bytes"]
SPECIAL_WORDS = ["include", "rename-command", "user", "loadmodule", "sentinel"]


def esc(s):
    """Escapes \\, newline, tab and other control bytes (as \\xHH) so records stay on a line."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


class Oracle:
    """A redis-server on a private unix socket, in its own directory."""

    def __init__(self, conf_text=None, args=(), cli_prefix=()):
        self.dir = tempfile.mkdtemp(prefix="cachet-oracle-")
        self.sock = os.path.join(self.dir, SOCK_NAME)
        cmd = ["redis-server"]
        if conf_text is not None:
            path = os.path.join(self.dir, "oracle.conf")
            with open(path, "w") as f:
                f.write(conf_text)
            cmd.append(path)
        # The real socket and directory come last so that they win over the file.
        cmd += list(args) + ["--unixsocket", self.sock, "--dir", self.dir]
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.cli_prefix = list(cli_prefix)
        for _ in range(100):
            if os.path.exists(self.sock) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.sock):
            out = self.proc.stdout.read().decode(errors="replace")
            raise RuntimeError("oracle did not start: " + out)

    def cli(self, *words):
        out = subprocess.run(["redis-cli", "-s", self.sock] + self.cli_prefix + list(words),
                             capture_output=True)
        return out.stdout.decode(errors="replace")

    def raw(self, *words):
        """One command; returns the reply as text: a status, an error, or bulk lines."""
        out = subprocess.run(["redis-cli", "--no-raw", "-s", self.sock] + self.cli_prefix +
                             list(words), capture_output=True)
        return out.stdout.decode(errors="replace").rstrip("\n")

    def stop(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def pairs_from_cli(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return sorted(zip(lines[0::2], lines[1::2]))


def write_tsv(name, pairs, header):
    with open(os.path.join(HERE, name), "w") as f:
        for h in header:
            f.write("# " + h + "\n")
        for k, v in pairs:
            f.write(esc(k) + "\t" + esc(v) + "\n")


def run_fails(conf_text, args=()):
    """Starts redis-server; returns (accepted, output). Accepted = still running after 1.5s."""
    d = tempfile.mkdtemp(prefix="cachet-oracle-")
    try:
        cmd = ["redis-server"]
        if conf_text is not None:
            with open(os.path.join(d, "c.conf"), "w") as f:
                f.write(conf_text)
            cmd.append(os.path.join(d, "c.conf"))
        cmd += list(args)
        p = subprocess.Popen(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        try:
            out, err = p.communicate(timeout=1.5)
            return False, out.decode(errors="replace"), err.decode(errors="replace")
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            return True, "", ""
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_args(d):
    return ["--port", "0", "--unixsocket", os.path.join(d, "s.sock"), "--daemonize", "no",
            "--logfile", "", "--pidfile", "", "--dir", d]


def accepted(conf_text):
    d = tempfile.mkdtemp(prefix="cachet-oracle-")
    try:
        ok, _, _ = run_fails(conf_text, check_args(d))
        return ok
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    # 1. Defaults.
    o = Oracle(args=DEFAULT_ARGS)
    names = pairs_from_cli(o.cli("config", "get", "*"))
    hidden = [(n, o.cli("config", "get", n).split("\n")[1]) for n in HIDDEN]
    o.stop()
    write_tsv("oracle_defaults.tsv", names,
              ["CONFIG GET * of redis-server 7.0.15 started with: " + " ".join(DEFAULT_ARGS),
               "(its dir was a fresh temporary directory). Generated by gen_oracle_fixtures.py."])
    write_tsv("oracle_hidden.tsv", hidden,
              ["Hidden directives of redis-server 7.0.15 (CONFIG GET by exact name only)."])
    known = {n for n, _ in names} | set(HIDDEN) | set(SPECIAL_WORDS)

    # 2. Debian's redis.conf with every accepted example uncommented, in place.
    src = open(REDIS_CONF).read().split("\n")
    example = re.compile(r"^#\s?(([a-z][a-z0-9_-]*)(\s.*)?)$")
    out_lines = list(src)
    uncommented = []
    for i, line in enumerate(src):
        m = example.match(line)
        if not m or m.group(2) not in known:
            continue
        if accepted(m.group(1) + "\n"):
            out_lines[i] = m.group(1)
            uncommented.append(i)
    # Examples that only conflict with earlier ones are commented back, one at a time.
    while True:
        d = tempfile.mkdtemp(prefix="cachet-oracle-")
        ok, out, err = run_fails("\n".join(out_lines), check_args(d))
        shutil.rmtree(d, ignore_errors=True)
        if ok:
            break
        m = re.search(r"at line (\d+)", out + err)
        if not m:
            raise RuntimeError("examples rejected: " + out + err)
        n = int(m.group(1)) - 1
        if n not in uncommented:
            raise RuntimeError("an active line was rejected: " + out_lines[n])
        out_lines[n] = "# " + out_lines[n]
        uncommented.remove(n)
    header = [
        "# Debian's redis.conf (Redis 7.0.15) with every commented \"# directive value\" example",
        "# that redis-server accepts uncommented in place; generated by gen_oracle_fixtures.py.",
        "# redis_examples.dump.tsv is redis-server's CONFIG GET * after loading this file with",
        "# the arguments: " + " ".join(a if a else '""' for a in EXAMPLE_ARGS),
        "",
    ]
    text = "\n".join(header + out_lines)
    with open(os.path.join(HERE, "redis_examples.conf"), "w") as f:
        f.write(text)
    rename = re.search(r"^rename-command CONFIG (\S+)", text, re.M)
    password = re.findall(r"^requirepass (\S+)", text, re.M)
    prefix = (["--no-auth-warning", "-a", password[-1]] if password else [])
    o = Oracle(conf_text=text, args=EXAMPLE_ARGS, cli_prefix=prefix)
    config_cmd = rename.group(1) if rename else "config"
    dump = pairs_from_cli(o.cli(config_cmd, "get", "*"))
    o.stop()
    write_tsv("redis_examples.dump.tsv", dump,
              ["CONFIG GET * of redis-server 7.0.15 after loading redis_examples.conf with: " +
               " ".join(a if a else '""' for a in EXAMPLE_ARGS),
               "(dir was then overridden to a fresh temporary directory)."])

    # 3. Load errors: what redis-server prints for each config text or command line.
    with open(os.path.join(HERE, "oracle_load_errors.txt"), "w") as f:
        f.write("# conf: a config file's text (escaped); argv: a command line (tab-separated,\n"
                "# {conf} is the file's path); want: what redis-server printed on stderr, whole.\n")
        for case in LOAD_CASES:
            if isinstance(case, tuple):
                conf, argv = case
            else:
                conf, argv = case, ["{conf}"]
            d = tempfile.mkdtemp(prefix="cachet-oracle-")
            path = os.path.join(d, "c.conf")
            argv_real = [path if a == "{conf}" else a for a in argv]
            if conf is not None:
                with open(path, "w") as cf:
                    cf.write(conf)
            ok, _, err = run_fails(None, argv_real)
            shutil.rmtree(d, ignore_errors=True)
            if ok:
                raise RuntimeError("expected an error for " + repr(case))
            f.write("conf: " + esc(conf if conf is not None else "") + "\n")
            f.write("argv: " + "\t".join(esc(a) for a in argv) + "\n")
            f.write("want: " + esc(err) + "\n\n")

    # 4. CONFIG SET / GET steps against one server started with DEFAULT_ARGS.
    o = Oracle(args=DEFAULT_ARGS)
    with open(os.path.join(HERE, "oracle_config_set.txt"), "w") as f:
        f.write("# Steps replayed in order on a server started with: " + " ".join(DEFAULT_ARGS) +
                "\n# set: name<TAB>value[<TAB>name<TAB>value...]; get: pattern; want: the reply"
                " as redis-cli --no-raw prints it.\n")
        for step in SET_STEPS:
            if step[0] == "set":
                reply = o.raw("config", "set", *step[1:])
            else:
                reply = o.raw("config", "get", step[1])
            f.write(step[0] + ": " + "\t".join(esc(w) for w in step[1:]) + "\n")
            f.write("want: " + esc(reply) + "\n\n")
    o.stop()


# Config texts (run as "redis-server <file>") or (text, argv) pairs that redis-server rejects.
LOAD_CASES = [
    "port 1 2\n",
    "port\n",
    "foo bar\n",
    "\"\"\n",
    "daemonize maybe\n",
    "databases x\n",
    "databases 0\n",
    "port 01\n",
    "port +1\n",
    "port -0\n",
    "port 65536\n",
    "hz \" 5\"\n",
    "loglevel loud\n",
    "loglevel notice notice\n",
    "maxmemory-policy lru\n",
    "unixsocketperm 8\n",
    "unixsocketperm 1000\n",
    "unixsocketperm -1\n",
    "maxmemory 1x\n",
    "maxmemory -1\n",
    "maxmemory 1kbb\n",
    "maxmemory-clients abc\n",
    "maxmemory-clients 101%\n",
    "proto-max-bulk-len 1000\n",
    "maxclients 0\n",
    "maxclients 4294967296\n",
    "slowlog-log-slower-than -2\n",
    "io-threads 129\n",
    "socket-mark-id -1\n",
    "tcp-backlog 99999999999\n",
    "port \"abc\n",
    "\"a\"b c\n",
    "port 'abc\n",
    "a\"b\" c\n",
    "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
    "sentinel foo\n",
    "foo.bar\n",
    "lua-replicate-commands\n",
    "list-max-ziplist-entries 1 2\n",
    "include\n",
    "oom-score-adj-values\n",
    "oom-score-adj-values 1 2 3000\n",
    "replicaof\n",
    "replicaof 1 x\n",
    "replicaof h 65536\n",
    "dir /nonexistent-cachet-dir\n",
    "dir /etc/passwd\n",
    "notify-keyspace-events KEA x\n",
    "notify-keyspace-events KEAy\n",
    "save 1\n",
    "save 0 1\n",
    "save 60 -1\n",
    "save 60 x\n",
    "client-output-buffer-limit normal 1 2\n",
    "client-output-buffer-limit master 1 2 3\n",
    "client-output-buffer-limit normal 1x 2 3\n",
    "client-output-buffer-limit normal 1 2 -1\n",
    "latency-tracking-info-percentiles 1 x\n",
    "latency-tracking-info-percentiles 101\n",
    "latency-tracking-info-percentiles nan\n",
    "proc-title-template \"{foo}\"\n",
    "proc-title-template \"{title\"\n",
    "proc-title-template \"{title}\"\n",
    "dbfilename a/b\n",
    "appendfilename \"\"\n",
    "appendfilename a/b\n",
    "appenddirname \"\"\n",
    "appenddirname a/b\n",
    "cluster-announce-hostname \"a b\"\n",
    "activedefrag yes\n",
    "shutdown-on-sigint save nosave\n",
    "shutdown-on-sigint\n",
    "shutdown-on-sigterm now later\n",
    "logfile /nonexistent-cachet-dir/x.log\n",
    "slaveof 127.0.0.1 6380\ncluster-enabled yes\n",
    "# comment\n\n   \t\nhz 5\n  port  abc  \n",
    "hz 5\r\nport abc\r\n",
    "user default on\nrename-command nosuchcommand x\n",
    # Command lines: the options are parsed after the file, continuing its line numbers.
    (None, ["--port", "abc"]),
    ("hz 5\nhz 6\n", ["{conf}", "--hz", "7", "--port", "abc"]),
    ("hz 5\nhz 6", ["{conf}", "--port", "abc"]),
    (None, ["--port", "0", "--loglevel", "--foo"]),
    (None, ["--port", "0 1"]),
    (None, ["--port", "0", "--requirepass", "a\"b\\\n\x01", "--loglevel", "x"]),
    (None, ["--port", "0", "--save", "--loglevel", "x"]),
    (None, ["--port", "0", "--loglevel x"]),
    (None, ["--port", "0", "extra"]),
]

SET_STEPS = [
    ("set", "foo", "bar"),
    ("set", "port", "abc"),
    ("set", "MAXMEMORY", "abc"),
    ("set", "hash-max-ziplist-entries", "abc"),
    ("set", "HASH-MAX-ZIPLIST-ENTRIES", "abc"),
    ("set", "DAEMONIZE", "yes"),
    ("set", "unixsocketperm", "1"),
    ("set", "dir", "/tmp"),
    ("set", "dbfilename", "x"),
    ("set", "maxclients", "-1"),
    ("set", "slowlog-max-len", "-1"),
    ("set", "proto-max-bulk-len", "99999999999999999999999"),
    ("set", "maxmemory", ""),
    ("get", "maxmemory"),
    ("set", "maxmemory", "kb"),
    ("set", "maxmemory", "1B"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "1k"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "1Kb"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "2m"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "2MB"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "3g"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "3gB"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "99999999999999999999999"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "18446744073709551615"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "17179869184gb"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "17179869185gb"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "1 mb"),
    ("set", "maxmemory", "1.5mb"),
    ("set", "maxmemory", "0"),
    ("set", "hz", "1000"),
    ("get", "hz"),
    ("set", "hz", "0"),
    ("get", "hz"),
    ("set", "hz", "10"),
    ("set", "activedefrag", "yes"),
    ("set", "notify-keyspace-events", "KEA"),
    ("get", "notify-keyspace-events"),
    ("set", "notify-keyspace-events", "gxKn"),
    ("get", "notify-keyspace-events"),
    ("set", "notify-keyspace-events", "Amn"),
    ("get", "notify-keyspace-events"),
    ("set", "notify-keyspace-events", "x$lshzetdE"),
    ("get", "notify-keyspace-events"),
    ("set", "notify-keyspace-events", "Q"),
    ("set", "notify-keyspace-events", ""),
    ("get", "PORT"),
    ("get", "PO*"),
    ("get", "*max-*-entries*"),
    ("get", "unixsocketperm"),
    ("get", "use-exit-on-panic"),
    ("get", "*exit-on*"),
    ("set", "maxmemory-clients", "10%"),
    ("get", "maxmemory-clients"),
    ("set", "maxmemory-clients", "101%"),
    ("set", "maxmemory-clients", "-1%"),
    ("set", "maxmemory-clients", "1mb"),
    ("get", "maxmemory-clients"),
    ("set", "maxmemory-clients", "0"),
    ("set", "port", "1", "port", "2"),
    ("set", "maxmemory", "1mb", "hz", "x"),
    ("get", "maxmemory"),
    ("set", "maxmemory", "1mb", "daemonize", "no", "nosuch", "1"),
    ("set", "nosuch", "1", "daemonize", "no"),
    ("set", "maxmemory", "2mb", "hz", "20"),
    ("get", "maxmemory"),
    ("get", "hz"),
    ("set", "maxmemory", "0", "hz", "10"),
    ("set", "bind", "127.0.0.1  ::1"),
    ("get", "bind"),
    ("set", "bind", ""),
    ("get", "bind"),
    ("set", "bind", "* -::*"),
    ("set", "shutdown-on-sigint", "nosave now"),
    ("get", "shutdown-on-sigint"),
    ("set", "shutdown-on-sigint", "save nosave"),
    ("set", "shutdown-on-sigint", "force now nosave"),
    ("get", "shutdown-on-sigint"),
    ("set", "shutdown-on-sigint", "default save"),
    ("get", "shutdown-on-sigint"),
    ("set", "shutdown-on-sigint", ""),
    ("set", "shutdown-on-sigint", "default"),
    ("set", "loglevel", "notice notice"),
    ("set", "loglevel", "WARNING"),
    ("get", "loglevel"),
    ("set", "loglevel", "notice"),
    ("set", "socket-mark-id", "1"),
    ("set", "propagation-error-behavior", "x"),
    ("set", "replica-ignore-disk-write-errors", "x"),
    ("set", "oom-score-adj", "relative"),
    ("get", "oom-score-adj"),
    ("set", "oom-score-adj", "no"),
    ("set", "oom-score-adj-values", "1 2 3000"),
    ("set", "oom-score-adj-values", "1 2"),
    ("get", "oom-score-adj-values"),
    ("set", "client-output-buffer-limit", "pubsub 1mb 2k 3"),
    ("get", "client-output-buffer-limit"),
    ("set", "client-output-buffer-limit", "replica 1 2 -1"),
    ("set", "client-output-buffer-limit", "Replica 1gb 2 3 normal 4 5 6"),
    ("get", "client-output-buffer-limit"),
    ("set", "client-output-buffer-limit",
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
    ("set", "save", "100 1 200 2"),
    ("get", "save"),
    ("set", "save", "100"),
    ("set", "save", ""),
    ("get", "save"),
    ("set", "latency-tracking-info-percentiles", "1e1 50.5000 0"),
    ("get", "latency-tracking-info-percentiles"),
    ("set", "latency-tracking-info-percentiles", ""),
    ("get", "latency-tracking-info-percentiles"),
    ("set", "latency-tracking-info-percentiles", "50 99 99.9"),
    ("set", "replicaof", "no one"),
    ("set", "slaveof", "no one"),
    ("set", "proc-title-template", "{title}"),
    ("set", "proc-title-template", "{unixsocket}"),
    ("get", "proc-title-template"),
    ("set", "proc-title-template", "{{x} {title}"),
    ("get", "proc-title-template"),
    ("set", "proc-title-template", "{title} {listen-addr} {server-mode}"),
    ("set", "cluster-announce-hostname", "a_b"),
    ("set", "cluster-announce-hostname", "a" * 300),
    ("set", "cluster-announce-hostname", "host-1.example"),
    ("get", "cluster-announce-hostname"),
    ("set", "masterauth", "secret"),
    ("get", "masterauth"),
    ("set", "masterauth", ""),
    ("set", "lua-time-limit", "100"),
    ("get", "busy-reply-threshold"),
    ("set", "busy-reply-threshold", "-1"),
    ("set", "slave-read-only", "maybe"),
    ("set", "list-max-ziplist-size", "-5"),
    ("get", "list-max-listpack-size"),
    ("set", "timeout", "2147483648"),
    ("set", "stream-node-max-entries", "9223372036854775807"),
    ("get", "stream-node-max-entries"),
    ("set", "stream-node-max-entries", "9223372036854775808"),
    ("set", "cluster-link-sendbuf-limit", "18446744073709551615"),
    ("get", "cluster-link-sendbuf-limit"),
    ("set", "hash-max-listpack-value", "1gb"),
    ("get", "hash-max-ziplist-value"),
    ("set", "repl-backlog-size", "0"),
    ("set", "dbfilename", ""),
    ("set", "appendonly", "maybe"),
    ("set", "enable-protected-configs", "yes"),
]


if __name__ == "__main__":
    main()
