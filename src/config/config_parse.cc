// Redis's text primitives for the config layer: string2ll, memtoull, sdscatrepr and
// getAbsolutePath, reproduced byte for byte; sdssplitargs and stringmatchlen are shared with
// the protocol and storage layers.
#include "cachet/config/config_parse.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "cachet/config/config.h"
#include "cachet/protocol/request_parser.h"
#include "cachet/storage/glob.h"

namespace cachet::config {
namespace {

// isspace() in the C locale.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int Lower(int c) { return std::tolower(static_cast<unsigned char>(c)); }

}  // namespace

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  // A C string ends at its first NUL; Redis never sees past it.
  if (auto nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  std::vector<std::string> words;
  if (!protocol::SplitInlineArgs(line, &words)) return std::nullopt;
  return words;
}

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    if (s[j] == sep) {
      out.emplace_back(s.substr(start, j - start));
      start = j + 1;
    }
  }
  out.emplace_back(s.substr(start));
  return out;
}

std::optional<int64_t> String2ll(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  size_t p = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    p++;
    if (p == s.size()) return std::nullopt;
  }
  if (s[p] < '1' || s[p] > '9') return std::nullopt;
  uint64_t v = 0;
  for (; p < s.size(); ++p) {
    if (s[p] < '0' || s[p] > '9') return std::nullopt;
    if (v > ULLONG_MAX / 10) return std::nullopt;
    v *= 10;
    uint64_t d = static_cast<uint64_t>(s[p] - '0');
    if (v > ULLONG_MAX - d) return std::nullopt;
    v += d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(LLONG_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(LLONG_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> String2d(std::string_view s) {
  if (s.empty() || IsSpace(s[0])) return std::nullopt;
  std::string buf(s);
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != buf.size()) return std::nullopt;
  if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL || std::fpclassify(d) == FP_ZERO)) {
    return std::nullopt;
  }
  if (std::isnan(d)) return std::nullopt;
  return d;
}

bool StringMatch(std::string_view pattern, std::string_view str, bool nocase) {
  return storage::GlobMatch(pattern, str, nocase);
}

std::string Repr(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out.push_back(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        }
        break;
    }
  }
  out.push_back('"');
  return out;
}

std::string AbsolutePath(std::string_view path) {
  size_t b = path.find_first_not_of(" \r\n\t");
  size_t e = path.find_last_not_of(" \r\n\t");
  std::string rel = b == std::string_view::npos ? "" : std::string(path.substr(b, e - b + 1));
  if (!rel.empty() && rel[0] == '/') return rel;
  char cwd[1024];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return rel;
  std::string abs = cwd;
  if (!abs.empty() && abs.back() != '/') abs.push_back('/');
  while (rel.size() >= 3 && rel.compare(0, 3, "../") == 0) {
    rel.erase(0, 3);
    if (abs.size() > 1) {
      size_t slash = abs.rfind('/', abs.size() - 2);
      abs.resize(slash + 1);
    }
  }
  return abs + rel;
}

std::string ErrnoText(int err) { return std::strerror(err); }

std::optional<uint64_t> ParseMemory(std::string_view s) {
  if (auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
  if (!s.empty() && s[0] == '-') return std::nullopt;
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) digits++;
  std::string unit(s.substr(digits));
  for (char& c : unit) c = static_cast<char>(Lower(c));
  uint64_t mul;
  if (unit.empty() || unit == "b") {
    mul = 1;
  } else if (unit == "k") {
    mul = 1000;
  } else if (unit == "kb") {
    mul = 1024;
  } else if (unit == "m") {
    mul = 1000 * 1000;
  } else if (unit == "mb") {
    mul = 1024 * 1024;
  } else if (unit == "g") {
    mul = 1000ULL * 1000 * 1000;
  } else if (unit == "gb") {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (digits >= 128) return std::nullopt;
  // strtoull saturates at 2^64-1 and reads "" as 0, and Redis 7.0 multiplies without an
  // overflow check (the product wraps modulo 2^64); all three are kept.
  std::string buf(s.substr(0, digits));
  uint64_t val = std::strtoull(buf.c_str(), nullptr, 10);
  return val * mul;
}

std::optional<int64_t> NotifyFlagsFromString(std::string_view classes) {
  int64_t flags = 0;
  for (char c : classes) {
    switch (c) {
      case 'A':
        flags |= kNotifyAll;
        break;
      case 'g':
        flags |= kNotifyGeneric;
        break;
      case '$':
        flags |= kNotifyString;
        break;
      case 'l':
        flags |= kNotifyList;
        break;
      case 's':
        flags |= kNotifySet;
        break;
      case 'h':
        flags |= kNotifyHash;
        break;
      case 'z':
        flags |= kNotifyZset;
        break;
      case 'x':
        flags |= kNotifyExpired;
        break;
      case 'e':
        flags |= kNotifyEvicted;
        break;
      case 'K':
        flags |= kNotifyKeyspace;
        break;
      case 'E':
        flags |= kNotifyKeyevent;
        break;
      case 't':
        flags |= kNotifyStream;
        break;
      case 'm':
        flags |= kNotifyKeyMiss;
        break;
      case 'd':
        flags |= kNotifyModule;
        break;
      case 'n':
        flags |= kNotifyNew;
        break;
      default:
        return std::nullopt;
    }
  }
  return flags;
}

std::string NotifyFlagsToString(int64_t flags) {
  std::string res;
  if ((flags & kNotifyAll) == kNotifyAll) {
    res += 'A';
  } else {
    if (flags & kNotifyGeneric) res += 'g';
    if (flags & kNotifyString) res += '$';
    if (flags & kNotifyList) res += 'l';
    if (flags & kNotifySet) res += 's';
    if (flags & kNotifyHash) res += 'h';
    if (flags & kNotifyZset) res += 'z';
    if (flags & kNotifyExpired) res += 'x';
    if (flags & kNotifyEvicted) res += 'e';
    if (flags & kNotifyStream) res += 't';
    if (flags & kNotifyModule) res += 'd';
    if (flags & kNotifyNew) res += 'n';
  }
  if (flags & kNotifyKeyspace) res += 'K';
  if (flags & kNotifyKeyevent) res += 'E';
  if (flags & kNotifyKeyMiss) res += 'm';
  return res;
}

}  // namespace cachet::config
