// Logging set-up: spdlog with Redis's levels and line format.
#pragma once

#include <string>

namespace cachet::server {

// Redis levels map onto spdlog's: debug->trace, verbose->debug, notice->info, warning->warn.
// Lines look like Redis's: "<pid>:M 23 Nov 2026 09:14:21.123 * message".
// `logfile` empty logs to stdout. Returns false (with a message on stderr) when the file
// cannot be opened.
bool SetupLogging(const std::string& logfile, const std::string& level);
// Applies a new loglevel at run time (CONFIG SET loglevel).
void SetLogLevel(const std::string& level);

}  // namespace cachet::server
