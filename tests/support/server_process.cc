// Starting and stopping a server binary (cachet-server or redis-server) for tests.
#include "support/server_process.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#ifndef CACHET_SERVER_BIN
#define CACHET_SERVER_BIN ""
#endif

namespace cachet::test {
namespace {

using Clock = std::chrono::steady_clock;

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/cachet-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

// Forks and execs argv with stdout and stderr on `out_fd` and `dir` as working directory.
// Everything the child does between fork and exec is async-signal-safe.
pid_t SpawnProcess(const std::vector<std::string>& argv, int out_fd, const std::string& dir) {
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const char* cdir = dir.empty() ? nullptr : dir.c_str();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  dup2(out_fd, STDOUT_FILENO);
  dup2(out_fd, STDERR_FILENO);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  if (cdir != nullptr && chdir(cdir) != 0) _exit(127);
  close_range(3, ~0U, 0);  // no test socket may leak into the server
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(cargv[0], cargv.data());
  static const char kExecFailed[] = "exec failed: the binary cannot be run\n";
  ssize_t ignored = write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
  (void)ignored;
  _exit(127);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string ResolveBinary(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) {
    std::error_code ignored;  // absolute, because servers run in a directory of their own
    std::filesystem::path absolute = std::filesystem::absolute(name, ignored);
    return absolute.empty() ? name : absolute.string();
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string FindRedisServer() {
  const char* env = std::getenv("REDIS_SERVER_BIN");
  if (env != nullptr && *env != '\0') return ResolveBinary(env);
  return ResolveBinary("redis-server");
}

std::string TestServerBinary() {
  const char* env = std::getenv("CACHET_TEST_SERVER");
  if (env != nullptr && *env != '\0') return ResolveBinary(env);
  return CACHET_SERVER_BIN;
}

bool IsRedisServerBinary(const std::string& binary) {
  return std::filesystem::path(binary).filename().string().find("redis-server") !=
         std::string::npos;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  IgnoreSigpipe();
  ProcessResult result;
  if (argv.empty()) return result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  std::vector<std::string> resolved = argv;
  resolved[0] = ResolveBinary(argv[0]);
  pid_t pid = SpawnProcess(resolved, fds[1], "");
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return result;
  }
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fds[0], POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    char chunk[4096];
    ssize_t got = read(fds[0], chunk, sizeof(chunk));
    if (got <= 0) break;
    result.output.append(chunk, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      result.exit_code = DecodeStatus(status);
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  result.exit_code = -1;
  return result;
}

ServerProcess::ServerProcess(std::string binary)
    : binary_(ResolveBinary(binary)), is_redis_(IsRedisServerBinary(binary)) {
  IgnoreSigpipe();
  dir_ = MakeTempDir();
  log_path_ = dir_ + "/server.log";
}

ServerProcess::~ServerProcess() {
  Stop();
  const char* keep = std::getenv("CACHET_TEST_KEEP_DIRS");
  if (!dir_.empty() && (keep == nullptr || *keep == '\0')) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool ServerProcess::Start(const std::vector<std::string>& args) {
  ServerOptions options;
  options.args = args;
  return Start(options);
}

bool ServerProcess::Start(const ServerOptions& options) {
  if (dir_.empty() || binary_.empty()) return false;
  unix_socket_.clear();
  if (!options.unix_socket.empty()) {
    unix_socket_ =
        options.unix_socket[0] == '/' ? options.unix_socket : dir_ + "/" + options.unix_socket;
  }
  constexpr int kAttempts = 4;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    port_ = options.tcp ? FreePort() : 0;
    if (port_ < 0) return false;
    std::vector<std::string> argv = {binary_};
    if (!options.config_file.empty()) argv.push_back(options.config_file);
    argv.insert(argv.end(), {"--port", std::to_string(port_), "--bind", "127.0.0.1"});
    if (is_redis_) argv.insert(argv.end(), {"--save", "", "--appendonly", "no"});
    if (!unix_socket_.empty()) argv.insert(argv.end(), {"--unixsocket", unix_socket_});
    argv.insert(argv.end(), options.args.begin(), options.args.end());
    if (!Spawn(argv)) return false;
    if (!options.wait_ready) return true;
    if (WaitReady(options.ready_timeout)) return true;
    bool lost_port = !running() && ReadLog().find("ddress already in use") != std::string::npos;
    Stop();
    if (!lost_port || !options.tcp) return false;
  }
  return false;
}

bool ServerProcess::Spawn(const std::vector<std::string>& argv) {
  exit_status_.reset();
  int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  pid_ = SpawnProcess(argv, fd, dir_);
  close(fd);
  return pid_ > 0;
}

bool ServerProcess::WaitReady(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (!running()) return false;
    RawClient client;
    bool connected = port_ > 0 ? client.ConnectTcp(port_, Millis(200))
                               : client.ConnectUnix(unix_socket_, Millis(200));
    if (connected && client.Send("*1\r\n$4\r\nPING\r\n", Millis(1000)) &&
        client.ReadReply(Millis(2000))) {
      return true;
    }
    std::this_thread::sleep_for(Millis(10));
  }
  return false;
}

bool ServerProcess::running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = DecodeStatus(status);
    return false;
  }
  return r == 0;
}

void ServerProcess::Signal(int signal) {
  if (running()) kill(pid_, signal);
}

std::optional<int> ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(Millis(5));
  }
  return exit_status_;
}

int ServerProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (running()) {
    kill(pid_, SIGTERM);
    if (!WaitExit(grace)) {
      kill(pid_, SIGKILL);
      int status = 0;
      if (waitpid(pid_, &status, 0) == pid_) exit_status_ = DecodeStatus(status);
    }
  }
  return exit_status_.value_or(-1);
}

bool ServerProcess::WaitForLog(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (ReadLog().find(text) != std::string::npos) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(10));
  }
}

std::string ServerProcess::ReadLog() const { return ReadFile(log_path_); }

}  // namespace cachet::test
