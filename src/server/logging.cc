// spdlog configured to write Redis-style log lines at Redis's levels.
#include "cachet/server/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

namespace cachet::server {
namespace {

// '%*' in the pattern: Redis's level mark (. - * #).
class LevelMarkFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char mark = '*';
    switch (msg.level) {
      case spdlog::level::trace:
        mark = '.';
        break;
      case spdlog::level::debug:
        mark = '-';
        break;
      case spdlog::level::info:
        mark = '*';
        break;
      default:
        mark = '#';
        break;
    }
    dest.push_back(mark);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelMarkFlag>();
  }
};

spdlog::level::level_enum ToSpdLevel(const std::string& level) {
  if (level == "debug") return spdlog::level::trace;
  if (level == "verbose") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

}  // namespace

bool SetupLogging(const std::string& logfile, const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (logfile.empty()) {
      logger = std::make_shared<spdlog::logger>(
          "cachet", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "cachet", std::make_shared<spdlog::sinks::basic_file_sink_mt>(logfile));
    }
  } catch (const spdlog::spdlog_ex& e) {
    std::fprintf(stderr, "Can't open the log file: %s\n", e.what());
    return false;
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelMarkFlag>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(ToSpdLevel(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return true;
}

void SetLogLevel(const std::string& level) { spdlog::default_logger()->set_level(ToSpdLevel(level)); }

}  // namespace cachet::server
