// Starting and stopping a server binary (cachet-server or redis-server) for tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/raw_client.h"

namespace cachet::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and read back), or -1.
int FreePort();

// Path of redis-server: $REDIS_SERVER_BIN when set, else the first one on $PATH; "" if none.
std::string FindRedisServer();
// The binary integration tests run: $CACHET_TEST_SERVER when set (a path, or a name looked up
// on $PATH), else the cachet-server this build produced.
std::string TestServerBinary();
// True when `binary` is a redis-server (by its file name), which lets tests skip what only
// cachet promises.
bool IsRedisServerBinary(const std::string& binary);
// Looks `name` up on $PATH when it holds no '/' ("" if absent); makes a path absolute.
std::string ResolveBinary(const std::string& name);

struct ServerOptions {
  // Extra words appended to the command line, e.g. {"--maxclients", "5"}.
  std::vector<std::string> args;
  // When set, passed as the first argument: a configuration file.
  std::string config_file;
  // Listen on a free TCP port on 127.0.0.1; false passes "--port 0" (no TCP listener).
  bool tcp = true;
  // When set, "--unixsocket <path>" is passed; readiness is checked over it when tcp is false.
  std::string unix_socket;
  // Wait until the server answers a PING before Start returns.
  bool wait_ready = true;
  std::chrono::milliseconds ready_timeout{15000};
};

// Result of a process run to completion.
struct ProcessResult {
  int exit_code = -1;  // the exit status, 128 + signal when killed, -1 when it did not finish
  std::string output;  // stdout and stderr together
};

// Runs argv[0] with the arguments in argv, waiting up to `timeout` (then killing it).
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// One server process owned by a test. Runs in its own temporary directory (its working
// directory, where any file it writes lands) with stdout and stderr captured to a log file
// there. redis-server additionally gets --save "" --appendonly no so it writes nothing.
// Stop() and the destructor signal only this process's pid. The process is also killed if the
// thread that started it exits first (PR_SET_PDEATHSIG), so servers never outlive a crashed
// test.
class ServerProcess {
 public:
  explicit ServerProcess(std::string binary);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server with the options. Returns false when it exits or does not answer in
  // time; ReadLog() then says why. A start that lost its free port to another process is
  // retried on a fresh port.
  bool Start(const ServerOptions& options);
  bool Start(const std::vector<std::string>& args = {});

  // Sends SIGTERM to the process, waits up to `grace`, then SIGKILLs it. Returns the exit
  // status as ProcessResult::exit_code encodes it; repeated calls return the same status.
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));
  // Sends `signal` to the process, if it is running.
  void Signal(int signal);
  // Waits for the process to exit on its own; returns its exit status, nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // True while the process has not been reaped.
  bool running();

  // Polls the log until it contains `text`, up to `timeout`.
  bool WaitForLog(const std::string& text, std::chrono::milliseconds timeout);
  std::string ReadLog() const;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& binary() const { return binary_; }
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  const std::string& unix_socket() const { return unix_socket_; }
  bool is_redis() const { return is_redis_; }

 private:
  bool Spawn(const std::vector<std::string>& argv);
  bool WaitReady(std::chrono::milliseconds timeout);

  std::string binary_;
  bool is_redis_ = false;
  std::string dir_;
  std::string log_path_;
  std::string unix_socket_;
  pid_t pid_ = -1;
  int port_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace cachet::test
