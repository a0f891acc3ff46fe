// cachet-server's front door: command line, config loading, daemonizing, then the server.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cachet/config/config.h"
#include "cachet/server/logging.h"
#include "cachet/server/server.h"
#include "cachet/version.h"

namespace {

constexpr const char* kUsage =
    "Usage: cachet-server [/path/to/cachet.conf] [options] [-]\n"
    "       cachet-server - (read config from stdin)\n"
    "       cachet-server -v or --version\n"
    "       cachet-server -h or --help\n\n"
    "Examples:\n"
    "       cachet-server (run the server with default conf)\n"
    "       cachet-server /etc/redis/6379.conf\n"
    "       cachet-server --port 7777\n"
    "       cachet-server /etc/mycache.conf --loglevel verbose --maxmemory 10mb\n\n"
    "Every redis.conf directive is accepted in the file and as --directive value.\n";

void Daemonize() {
  if (fork() != 0) std::_Exit(0);  // the parent exits; the child goes on
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

void WritePidFile(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    spdlog::warn("Failed to write PID file: {}", std::strerror(errno));
    return;
  }
  out << getpid() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cachet: a Redis-compatible cache server"};
  app.set_help_flag();  // our own usage text, as redis-server prints it
  bool show_version = false, show_help = false;
  app.add_flag("-v,--version", show_version, "Print the version and exit");
  app.add_flag("-h,--help", show_help, "Print usage and exit");
  app.allow_extras();
  app.prefix_command();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (show_version) {
    std::printf("cachet-server v=%s redis_version=%s bits=%zu\n", cachet::kVersion,
                cachet::kRedisVersion, sizeof(void*) * 8);
    return 0;
  }
  if (show_help) {
    std::fputs(kUsage, stdout);
    return 0;
  }

  // The first non-option word is the config file; the rest are directives (Redis's rules,
  // including line numbers in errors that follow on from the file's).
  std::vector<std::string> rest = app.remaining();
  cachet::config::Config config;
  if (!rest.empty()) {
    auto st = config.ApplyArgs(rest);
    if (!st.ok) {
      std::fprintf(stderr, "%s\n", st.error.c_str());
      return 1;
    }
  }

  const bool daemonize = config.GetBool("daemonize");
  if (daemonize) Daemonize();
  if (!cachet::server::SetupLogging(config.GetString("logfile"), config.GetString("loglevel")))
    return 1;

  const int pid = static_cast<int>(getpid());
  spdlog::warn("oO0OoO0OoO0Oo cachet is starting oO0OoO0OoO0Oo");
  spdlog::warn("cachet version={}, redis_version={}, bits={}, pid={}, just started",
               cachet::kVersion, cachet::kRedisVersion, sizeof(void*) * 8, pid);
  if (config.config_file().empty()) {
    spdlog::warn("Warning: no config file specified, using the default config. In order to "
                 "specify a config file use cachet-server /path/to/cachet.conf");
  } else {
    spdlog::warn("Configuration loaded");
  }
  for (const auto& name : config.IgnoredInUse()) {
    spdlog::info("Directive '{}' is accepted for compatibility and ignored by cachet", name);
  }

  const std::string pidfile = config.GetString("pidfile");
  if (daemonize || !pidfile.empty()) {
    WritePidFile(pidfile.empty() ? "/var/run/redis.pid" : pidfile);
  }

  cachet::server::Server server(config);
  if (!server.Start()) {
    if (!pidfile.empty()) unlink(pidfile.c_str());
    return 1;
  }
  spdlog::info("cachet {} (Redis {} compatible) standalone, PID: {}, Port: {}, Threads: {}, "
               "Config: {}",
               cachet::kVersion, cachet::kRedisVersion, pid, config.GetInt("port"),
               server.worker_count(),
               config.config_file().empty() ? "(none)" : config.config_file());
  spdlog::warn("Server initialized");
  spdlog::info("Ready to accept connections");
  return server.Wait();
}
