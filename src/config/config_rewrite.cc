// CONFIG REWRITE: folds the values in force back into the config file, as Redis's rewriteConfig.
#include "cachet/config/config_rewrite.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "cachet/config/config_parse.h"

namespace cachet::config {
namespace {

// Lines Redis's rewrite keeps although no directive of the table has their name.
bool IsKeptNonDirective(const std::string& lower) {
  return lower == "include" || lower == "rename-command" || lower == "user" ||
         lower == "loadmodule" || lower == "sentinel";
}

// String directives Redis declares EMPTY_STRING_IS_NULL: an empty value removes their lines.
bool EmptyIsNull(const std::string& name) {
  static const std::set<std::string> kNames = {"unixsocket",          "pidfile",
                                               "replica-announce-ip", "masteruser",
                                               "cluster-announce-ip", "cluster-announce-hostname",
                                               "server_cpulist",      "bio_cpulist",
                                               "aof_rewrite_cpulist", "bgsave_cpulist",
                                               "bind-source-addr",    "masterauth",
                                               "requirepass"};
  return kNames.count(name) > 0 || name.rfind("tls-", 0) == 0;
}

// Redis's rewriteConfigFormatMemory: the largest unit that divides the size exactly.
std::string FormatMemory(long long bytes) {
  constexpr long long kGb = 1024LL * 1024 * 1024, kMb = 1024LL * 1024, kKb = 1024;
  char buf[64];
  if (bytes && bytes % kGb == 0) {
    std::snprintf(buf, sizeof(buf), "%lldgb", bytes / kGb);
  } else if (bytes && bytes % kMb == 0) {
    std::snprintf(buf, sizeof(buf), "%lldmb", bytes / kMb);
  } else if (bytes && bytes % kKb == 0) {
    std::snprintf(buf, sizeof(buf), "%lldkb", bytes / kKb);
  } else {
    std::snprintf(buf, sizeof(buf), "%lld", bytes);
  }
  return buf;
}

// The process's umask, read without changing it (umask(2) would, for every thread).
mode_t ProcessUmask() {
  mode_t mask = 022;
  if (FILE* fp = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), fp) != nullptr) {
      if (std::strncmp(line, "Umask:", 6) == 0) {
        mask = static_cast<mode_t>(std::strtol(line + 6, nullptr, 8));
        break;
      }
    }
    std::fclose(fp);
  }
  return mask;
}

std::string Trim(std::string_view s) {
  constexpr std::string_view kBlanks = "\r\n\t ";
  size_t b = s.find_first_not_of(kBlanks);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(kBlanks);
  return std::string(s.substr(b, e - b + 1));
}

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Redis's rewriteConfigState.
class RewriteState {
 public:
  explicit RewriteState(std::string_view old_text) {
    std::vector<std::string> raw = SplitOn(old_text, '\n');
    for (const std::string& r : raw) {
      std::string line = Trim(r);
      if (line.empty() || line[0] == '#') {
        if (needs_signature_ && line == kRewriteSignature) needs_signature_ = false;
        lines_.push_back(std::move(line));
        continue;
      }
      auto words = SplitArgs(line);
      std::string name = words && !words->empty() ? ToLower((*words)[0]) : std::string();
      const Directive* d = words ? Config::Find(name) : nullptr;
      bool module_config = words && name.find('.') != std::string::npos;
      if (!words || (!d && !IsKeptNonDirective(name) && !module_config)) {
        lines_.push_back("# ??? " + line);
        continue;
      }
      lines_.push_back(std::move(line));
      option_to_line_[d ? d->name : name].push_back(lines_.size() - 1);
    }
  }

  // Redis's rewriteConfigRewriteLine: the first old line of `option` takes `line`; with none
  // left, `line` is appended when `force`.
  void RewriteLine(const std::string& option, std::string line, bool force) {
    rewritten_.insert(option);
    auto it = option_to_line_.find(option);
    if (it == option_to_line_.end() && !force) return;
    if (it != option_to_line_.end()) {
      size_t at = it->second.front();
      it->second.pop_front();
      if (it->second.empty()) option_to_line_.erase(it);
      lines_[at] = std::move(line);
      return;
    }
    if (needs_signature_) {
      lines_.emplace_back(kRewriteSignature);
      needs_signature_ = false;
    }
    lines_.push_back(std::move(line));
  }

  // Redis's rewriteConfigMarkAsProcessed: the option's remaining old lines will be removed.
  void MarkProcessed(const std::string& option) { rewritten_.insert(option); }

  // Removes the old lines of rewritten options not reused, then joins the lines, each run
  // of empty lines as one.
  std::string Content() {
    for (auto& [option, at] : option_to_line_) {
      if (!rewritten_.count(option)) continue;
      for (size_t i : at) lines_[i].clear();
    }
    std::string out;
    bool was_empty = false;
    for (const std::string& l : lines_) {
      if (l.empty()) {
        if (was_empty) continue;
        was_empty = true;
      } else {
        was_empty = false;
      }
      out += l;
      out += '\n';
    }
    return out;
  }

 private:
  std::vector<std::string> lines_;
  std::map<std::string, std::deque<size_t>> option_to_line_;
  std::set<std::string> rewritten_;
  bool needs_signature_ = true;
};

void RewriteSpecial(const Directive& d, const std::string& value, RewriteState& st) {
  const std::string& name = d.name;
  if (name == "save") {
    if (value.empty()) {
      st.RewriteLine(name, "save \"\"", true);
    } else {
      std::vector<std::string> w = SplitOn(value, ' ');
      for (size_t i = 0; i + 1 < w.size(); i += 2) {
        st.RewriteLine(name, "save " + w[i] + " " + w[i + 1], true);
      }
    }
    st.MarkProcessed(name);
  } else if (name == "bind") {
    if (value == d.default_value) {
      st.MarkProcessed(name);
      return;
    }
    st.RewriteLine(name, "bind " + (value.empty() ? std::string("\"\"") : value), true);
  } else if (name == "client-output-buffer-limit") {
    std::vector<std::string> cur = SplitOn(value, ' ');
    std::vector<std::string> def = SplitOn(d.default_value, ' ');
    for (size_t i = 0; i + 3 < cur.size() && i + 3 < def.size(); i += 4) {
      bool force = cur[i + 1] != def[i + 1] || cur[i + 2] != def[i + 2] || cur[i + 3] != def[i + 3];
      std::string line =
          name + " " + cur[i] + " " + FormatMemory(std::strtoll(cur[i + 1].c_str(), nullptr, 10)) +
          " " + FormatMemory(std::strtoll(cur[i + 2].c_str(), nullptr, 10)) + " " + cur[i + 3];
      st.RewriteLine(name, std::move(line), force);
    }
  } else if (name == "notify-keyspace-events") {
    st.RewriteLine(name, name + " " + Repr(value), !value.empty());
  } else if (name == "latency-tracking-info-percentiles") {
    st.RewriteLine(name, name + " " + (value.empty() ? std::string("\"\"") : value), true);
  } else if (name == "replicaof") {
    if (value.empty()) {
      st.MarkProcessed(name);
      return;
    }
    st.RewriteLine(name, name + " " + value, true);
  } else if (name == "dir") {
    st.RewriteLine(name, name + " " + Repr(value), true);
  } else {  // oom-score-adj-values and any other word list
    st.RewriteLine(name, name + " " + (value.empty() ? std::string("\"\"") : value),
                   value != d.default_value);
  }
}

void RewriteDirective(const Directive& d, const Config& config, RewriteState& st) {
  const std::string value = config.Get(d.name).value_or("");
  const bool differs = value != d.default_value;
  switch (d.type) {
    case ConfigType::kBool:
    case ConfigType::kInt:
    case ConfigType::kEnum:
      st.RewriteLine(d.name, d.name + " " + value, differs);
      return;
    case ConfigType::kMemory: {
      int64_t n = config.GetInt(d.name);
      std::string shown = (d.flags & kPercent) && n < 0 ? std::to_string(-n) + "%"
                                                        : FormatMemory(static_cast<long long>(n));
      st.RewriteLine(d.name, d.name + " " + shown, differs);
      return;
    }
    case ConfigType::kString:
      if (value.empty() && EmptyIsNull(d.name)) {
        st.MarkProcessed(d.name);
        return;
      }
      st.RewriteLine(d.name, d.name + " " + Repr(value), differs);
      return;
    case ConfigType::kSpecial:
      RewriteSpecial(d, value, st);
      return;
  }
}

}  // namespace

std::string RewriteConfigText(std::string_view old_text, const Config& config) {
  RewriteState st(old_text);
  for (const Directive& d : Config::Table()) RewriteDirective(d, config, st);
  return st.Content();
}

Status RewriteConfigFile(const Config& config) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  const std::string& path = config.config_file();
  if (path.empty()) return Status::Error("The server is running without a config file");

  std::string old_text;
  if (FILE* fp = std::fopen(path.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), fp)) > 0) old_text.append(buf, n);
    bool failed = std::ferror(fp) != 0;
    int err = errno;
    std::fclose(fp);
    if (failed) return Status::Error(ErrnoText(err));
  } else if (errno != ENOENT) {
    return Status::Error(ErrnoText(errno));
  }
  const std::string content = RewriteConfigText(old_text, config);

  std::string tmp = path + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd == -1) return Status::Error(ErrnoText(errno));
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::Error(ErrnoText(err));
  };
  size_t off = 0;
  while (off < content.size()) {
    ssize_t w = ::write(fd, content.data() + off, content.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) == -1) return fail(errno);
  if (::fchmod(fd, 0644 & ~ProcessUmask()) == -1) return fail(errno);
  if (::rename(tmp.c_str(), path.c_str()) == -1) return fail(errno);
  ::close(fd);
  return Status::Ok();
}

}  // namespace cachet::config
