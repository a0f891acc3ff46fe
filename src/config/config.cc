// Config: the values in force, the redis.conf parser, the command line, and CONFIG GET/SET.
#include "cachet/config/config.h"

#include <algorithm>

#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "cachet/config/config_parse.h"
#include "cachet/config/config_table.h"

namespace cachet::config {
namespace {

// Nested includes deeper than this are refused (Redis would recurse until it crashes).
constexpr int kMaxIncludeDepth = 64;

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasGlob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// A name of the table: the directive's index and the spelling listed (name or alias).
struct NameRef {
  size_t index;
  std::string name;
};

// Every name and alias in table order, each with its directive.
const std::vector<NameRef>& AllNames() {
  static const std::vector<NameRef> names = [] {
    std::vector<NameRef> v;
    const auto& t = Config::Table();
    for (size_t i = 0; i < t.size(); ++i) {
      v.push_back({i, t[i].name});
      for (const std::string& a : t[i].aliases) v.push_back({i, a});
    }
    return v;
  }();
  return names;
}

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The directive named name (any case). Commands read config on their hot path: a lower-case
// name is looked up without allocating.
const NameRef* Lookup(std::string_view name) {
  static const std::unordered_map<std::string, const NameRef*, NameHash, std::equal_to<>> index =
      [] {
        std::unordered_map<std::string, const NameRef*, NameHash, std::equal_to<>> m;
        for (const NameRef& r : AllNames()) m.emplace(r.name, &r);
        return m;
      }();
  const bool lower =
      std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  auto it = lower ? index.find(name) : index.find(ToLower(name));
  return it == index.end() ? nullptr : it->second;
}

std::string Banner() {
  return "\n*** FATAL CONFIG FILE ERROR (Redis " + std::string(kRedisVersion) + ") ***\n";
}

std::string CantOpen(const std::string& shown, int err) {
  return "Fatal error, can't open config file '" + shown + "': " + ErrnoText(err);
}

// Appends a file's text the way Redis's loadServerConfig reads it: fgets() chunks of at most
// 1024 bytes, each cut at its first NUL. A directory opens and reads as empty.
bool AppendFile(const std::string& path, std::string* out, int* err) {
  FILE* fp = std::fopen(path.c_str(), "r");
  if (fp == nullptr) {
    *err = errno;
    return false;
  }
  char buf[1024 + 1];
  while (std::fgets(buf, sizeof(buf), fp) != nullptr) out->append(buf, std::strlen(buf));
  std::fclose(fp);
  return true;
}

// What fopen(path, "a") would report, without creating the file: 0 when it would succeed.
int AppendableError(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return 0;
  }
  if (errno != ENOENT) return errno;
  size_t slash = path.rfind('/');
  std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat st;
  if (::stat(parent.c_str(), &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (::access(parent.c_str(), W_OK | X_OK) != 0) return errno;
  return 0;
}

}  // namespace

struct Config::Impl {
  // One directive's value in force.
  struct Slot {
    std::atomic<int64_t> num{0};
    std::string str;                // kString/kSpecial rendering; guarded by Impl::mu
    bool explicit_set = false;      // guarded by Impl::mu
    bool seen_in_file = false;      // writers only
    std::vector<ChangeHook> hooks;  // writers only
  };

  // A parsed value ready to store.
  struct Value {
    int64_t num = 0;
    std::string str;
  };

  const std::vector<Directive>& table = Config::Table();
  std::unique_ptr<Slot[]> slots{new Slot[Config::Table().size()]};
  std::vector<std::string> defaults;  // each directive's rendered default

  // Readers take `mu` shared; writers hold `set_mu` for the whole operation and take `mu`
  // exclusively only while storing.
  mutable std::shared_mutex mu;  // guards Slot::str, Slot::explicit_set, extra_ignored, renames
  mutable std::mutex set_mu;     // serialises writers; taken before mu

  // Below, guarded by set_mu.
  bool reading_file = false;  // Redis's reading_config_file, quirks included
  int include_depth = 0;
  std::function<bool(std::string_view)> command_exists;
  std::set<std::string> removed_commands, added_commands;  // the command table as renamed

  // Below, guarded by mu.
  std::vector<std::string> extra_ignored;  // non-directive lines cachet does not act on
  std::vector<std::pair<std::string, std::string>> renames;

  size_t Index(std::string_view name) const {
    const NameRef* r = Lookup(name);
    return r ? r->index : table.size();
  }

  // The rendered value; strings need `mu` held (shared) by the caller.
  std::string RenderLocked(size_t i) const {
    const Directive& d = table[i];
    if (d.type == ConfigType::kString || d.type == ConfigType::kSpecial) return slots[i].str;
    return RenderNumeric(d, slots[i].num.load(std::memory_order_relaxed));
  }

  std::string Render(size_t i) const {
    std::shared_lock lock(mu);
    return RenderLocked(i);
  }

  // Parses the words of directive i. Called with set_mu held and mu free, so checks may
  // read other directives.
  Status Parse(const Config& cfg, size_t i, const std::vector<std::string>& words, bool reading,
               Value* out) const {
    const Directive& d = table[i];
    switch (d.type) {
      case ConfigType::kString: {
        out->str = words.empty() ? std::string() : words[0];
        if (auto nul = out->str.find('\0'); nul != std::string::npos) out->str.resize(nul);
        if (d.check_string) return d.check_string(out->str, cfg);
        return Status::Ok();
      }
      case ConfigType::kSpecial: {
        std::string current = Render(i);
        SpecialContext ctx{cfg, current, reading, !slots[i].seen_in_file};
        SpecialValue sv;
        Status s = d.parse(words, ctx, &sv);
        if (!s) return s;
        out->str = std::move(sv.rendered);
        out->num = sv.num;
        return Status::Ok();
      }
      default:
        return ParseNumeric(d, words, &out->num);
    }
  }

  void Store(size_t i, Value v) {
    std::unique_lock lock(mu);
    slots[i].str = std::move(v.str);
    slots[i].num.store(v.num, std::memory_order_relaxed);
  }

  Value Snapshot(size_t i) const {
    std::shared_lock lock(mu);
    return {slots[i].num.load(std::memory_order_relaxed), slots[i].str};
  }

  void NoteIgnored(std::string what) {
    std::unique_lock lock(mu);
    for (const std::string& e : extra_ignored) {
      if (e == what) return;
    }
    extra_ignored.push_back(std::move(what));
  }

  std::string ResolvePath(std::string_view path) const {
    if (!path.empty() && path[0] == '/') return std::string(path);
    std::string dir = Render(Index("dir"));
    if (dir.empty() || dir.back() != '/') dir.push_back('/');
    return dir + std::string(path);
  }

  // Redis's rename-command against the installed command table.
  Status Rename(const std::string& from, const std::string& to) {
    {
      std::unique_lock lock(mu);
      renames.emplace_back(from, to);
    }
    if (!command_exists) {
      NoteIgnored("rename-command");
      return Status::Ok();
    }
    std::string src = ToLower(from), dst = ToLower(to);
    auto exists = [&](const std::string& n) {
      return added_commands.count(n) || (command_exists(n) && !removed_commands.count(n));
    };
    if (!exists(src)) return Status::Error("No such command in rename-command");
    if (added_commands.count(src)) {
      added_commands.erase(src);
    } else {
      removed_commands.insert(src);
    }
    if (!dst.empty()) {
      if (exists(dst)) return Status::Error("Target command name already exists");
      added_commands.insert(dst);
    }
    return Status::Ok();
  }

  // Reads the file (or the files a glob names) for an include or the top-level config.
  // `shown` is the name used in the can't-open message.
  Status ReadConfigSource(const std::string& path, const std::string& shown,
                          std::string* text) const {
    if (HasGlob(path)) {
      std::string pattern = ResolvePath(path);
      std::string prefix = pattern.substr(0, pattern.size() - path.size());
      glob_t g;
      if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t k = 0; k < g.gl_pathc; ++k) {
          int err = 0;
          std::string found = g.gl_pathv[k];
          if (!AppendFile(found, text, &err)) {
            ::globfree(&g);
            std::string display =
                found.compare(0, prefix.size(), prefix) == 0 ? found.substr(prefix.size()) : found;
            return Status::LogError(CantOpen(display, err));
          }
        }
        ::globfree(&g);
      }
      return Status::Ok();
    }
    int err = 0;
    if (!AppendFile(ResolvePath(path), text, &err)) return Status::LogError(CantOpen(shown, err));
    return Status::Ok();
  }

  // Redis's loadServerConfigFromString. Called with set_mu held.
  Status LoadText(Config& cfg, const std::string& text_in) {
    std::string_view text(text_in);
    if (auto nul = text.find('\0'); nul != std::string_view::npos) text = text.substr(0, nul);
    std::vector<std::string> lines = SplitOn(text, '\n');
    reading_file = true;
    for (size_t li = 0; li < lines.size(); ++li) {
      std::string& line = lines[li];
      size_t b = line.find_first_not_of(" \t\r\n");
      size_t e = line.find_last_not_of(" \t\r\n");
      line = b == std::string::npos ? "" : line.substr(b, e - b + 1);
      if (line.empty() || line[0] == '#') continue;
      auto fail = [&](const std::string& reason) {
        return Status::Error(Banner() + "Reading the configuration file, at line " +
                             std::to_string(li + 1) + "\n>>> '" + line + "'\n" + reason);
      };
      auto words = SplitArgs(line);
      if (!words) return fail("Unbalanced quotes in configuration line");
      if (words->empty()) continue;
      std::string name = ToLower((*words)[0]);
      const size_t argc = words->size();

      if (const NameRef* ref = Lookup(name)) {
        const Directive& d = table[ref->index];
        if (!(d.flags & kMultiArg) && argc != 2) return fail("wrong number of arguments");
        std::vector<std::string> args(words->begin() + 1, words->end());
        Value v;
        Status s = Parse(cfg, ref->index, args, reading_file, &v);
        if (!s) return fail(s.error);
        Store(ref->index, std::move(v));
        {
          std::unique_lock lock(mu);
          slots[ref->index].explicit_set = true;
        }
        if (reading_file) slots[ref->index].seen_in_file = true;
        continue;
      }
      if ((name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
           name == "lua-replicate-commands") &&
          argc == 2) {
        continue;  // deprecated, silently accepted
      }
      if (name == "include" && argc == 2) {
        if (include_depth >= kMaxIncludeDepth) return fail("include nesting too deep");
        std::string included;
        Status s = ReadConfigSource((*words)[1], (*words)[1], &included);
        if (!s) return s;
        ++include_depth;
        s = LoadText(cfg, included);
        --include_depth;
        if (!s) return s;
      } else if (name == "rename-command" && argc == 3) {
        Status s = Rename((*words)[1], (*words)[2]);
        if (!s) return fail(s.error);
      } else if (name == "user" && argc >= 2) {
        NoteIgnored("user");
      } else if (name == "loadmodule" && argc >= 2) {
        NoteIgnored("loadmodule");
      } else if (name.find('.') != std::string::npos) {
        if (argc != 2) return fail("Module config specified without value");
        NoteIgnored(name);
      } else if (name == "sentinel") {
        if (argc != 1) return fail("sentinel directive while not in sentinel mode");
      } else {
        return fail("Bad directive or wrong number of arguments");
      }
    }

    std::string logfile = Render(Index("logfile"));
    if (!logfile.empty()) {
      if (int err = AppendableError(ResolvePath(logfile))) {
        return Status::Error(Banner() + "Can't open the log file: " + ErrnoText(err));
      }
    }
    if (slots[Index("cluster-enabled")].num.load() && !Render(Index("replicaof")).empty()) {
      return Status::Error(Banner() + "replicaof directive not allowed in cluster mode");
    }
    reading_file = false;
    return Status::Ok();
  }
};

Config::Config() : impl_(std::make_unique<Impl>()) {
  const auto& t = impl_->table;
  impl_->defaults.resize(t.size());
  char cwd[PATH_MAX];
  std::string dir = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) != nullptr) dir = resolved;
  for (size_t i = 0; i < t.size(); ++i) {
    Impl::Slot& s = impl_->slots[i];
    s.num.store(t[i].default_num, std::memory_order_relaxed);
    if (t[i].type == ConfigType::kString || t[i].type == ConfigType::kSpecial) {
      s.str = t[i].name == "dir" ? dir : t[i].default_value;
    }
    impl_->defaults[i] = impl_->RenderLocked(i);
  }
}

Config::~Config() = default;

Status Config::LoadFile(const std::string& path) {
  std::lock_guard lock(impl_->set_mu);
  config_file_ = AbsolutePath(path);
  std::string text;
  Status s = impl_->ReadConfigSource(config_file_, config_file_, &text);
  if (!s) return s;
  return impl_->LoadText(*this, text);
}

Status Config::ApplyArgs(const std::vector<std::string>& args) {
  if (args.empty()) return Status::Ok();
  std::lock_guard lock(impl_->set_mu);
  size_t j = 0;
  bool has_file = false;
  if (args[0].empty() || args[0][0] != '-') {
    config_file_ = AbsolutePath(args[0]);
    has_file = true;
    j = 1;
  }
  // Redis's main(): each "--name" opens a new line; other words are quoted arguments. A
  // "--name" whose value has not come yet takes the next word even if it starts with "--".
  bool from_stdin = false;
  bool handled_last = true;
  std::string options;
  const size_t n = args.size();
  for (; j < n; ++j) {
    const std::string& a = args[j];
    bool is_option = a.size() >= 2 && a[0] == '-' && a[1] == '-';
    if (a == "-" && (j == 0 || j == n - 1)) {
      from_stdin = true;
    } else if (handled_last && is_option) {
      if (!options.empty()) options += "\n";
      options += a.substr(2);
      options += " ";
      auto split = SplitArgs(a);
      if (split && split->size() == 1) {
        handled_last = false;
        bool next_is_option =
            j != n - 1 && args[j + 1].size() >= 2 && args[j + 1][0] == '-' && args[j + 1][1] == '-';
        std::string lower = ToLower(a);
        if (next_is_option && lower == "--save") {
          options += "\"\"";
          handled_last = true;
        } else if (j == n - 1 && lower == "--save") {
          options += "\"\"";
        } else if (next_is_option && lower == "--sentinel") {
          handled_last = true;
        }
      } else {
        handled_last = true;
      }
    } else {
      options += Repr(a);
      options += " ";
      handled_last = true;
    }
  }
  std::string text;
  if (has_file) {
    Status s = impl_->ReadConfigSource(config_file_, config_file_, &text);
    if (!s) return s;
  }
  if (from_stdin) {
    text.append(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  text += "\n";
  text += options;
  return impl_->LoadText(*this, text);
}

Status Config::LoadString(const std::string& text, const std::string& /*origin*/) {
  std::lock_guard lock(impl_->set_mu);
  return impl_->LoadText(*this, text);
}

std::vector<std::pair<std::string, std::string>> Config::GetMatching(
    std::string_view pattern) const {
  return GetMatching(std::vector<std::string>{std::string(pattern)});
}

std::vector<std::pair<std::string, std::string>> Config::GetMatching(
    const std::vector<std::string>& patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unordered_set<std::string> taken;  // lowercased names already answered
  std::shared_lock lock(impl_->mu);
  for (const std::string& pattern : patterns) {
    if (!HasGlob(pattern)) {
      std::string key = ToLower(pattern);
      if (taken.count(key)) continue;
      if (const NameRef* r = Lookup(pattern)) {
        out.emplace_back(pattern, impl_->RenderLocked(r->index));
        taken.insert(key);
      }
      continue;
    }
    for (const NameRef& r : AllNames()) {
      if (impl_->table[r.index].flags & kHidden) continue;
      if (taken.count(r.name)) continue;
      if (StringMatch(pattern, r.name, true)) {
        out.emplace_back(r.name, impl_->RenderLocked(r.index));
        taken.insert(r.name);
      }
    }
  }
  return out;
}

std::optional<std::string> Config::Get(std::string_view name) const {
  const NameRef* r = Lookup(name);
  if (!r) return std::nullopt;
  return impl_->Render(r->index);
}

Status Config::Set(std::string_view name, std::string_view value, bool local_client) {
  return Set({{std::string(name), std::string(value)}}, local_client);
}

Status Config::Set(const std::vector<std::pair<std::string, std::string>>& pairs,
                   bool local_client) {
  std::lock_guard lock(impl_->set_mu);
  Impl& im = *impl_;
  const size_t count = pairs.size();
  std::vector<const NameRef*> refs(count, nullptr);
  const std::string* unknown = nullptr;
  std::string err_arg, errstr;
  bool invalid = false;
  int64_t protected_mode = im.slots[im.Index("enable-protected-configs")].num.load();
  bool protected_ok =
      protected_mode == kAllowedYes || (protected_mode == kAllowedLocal && local_client);
  for (size_t i = 0; i < count; ++i) {
    const NameRef* r = Lookup(pairs[i].first);
    if (!r) {
      if (!invalid) {
        unknown = &pairs[i].first;
        invalid = true;
      }
      continue;
    }
    if (invalid) continue;
    const Directive& d = im.table[r->index];
    if ((d.flags & kImmutable) || ((d.flags & kProtected) && !protected_ok)) {
      errstr = (d.flags & kImmutable) ? "can't set immutable config" : "can't set protected config";
      err_arg = pairs[i].first;
      invalid = true;
      continue;
    }
    for (size_t k = 0; k < i; ++k) {
      // Redis 7.0 compares the names' entries: a directive and its alias are not duplicates.
      if (refs[k] == r) {
        errstr = "duplicate parameter";
        err_arg = pairs[i].first;
        invalid = true;
        break;
      }
    }
    refs[i] = r;
  }
  auto failure = [&]() {
    if (unknown) {
      return Status::Error("Unknown option or number of arguments for CONFIG SET - '" + *unknown +
                           "'");
    }
    if (!errstr.empty()) {
      return Status::Error("CONFIG SET failed (possibly related to argument '" + err_arg + "') - " +
                           errstr);
    }
    return Status::Error("CONFIG SET failed (possibly related to argument '" + err_arg + "')");
  };
  if (invalid) return failure();

  std::vector<Impl::Value> old(count);
  for (size_t i = 0; i < count; ++i) old[i] = im.Snapshot(refs[i]->index);
  auto restore = [&](size_t upto) {
    for (size_t k = 0; k < upto; ++k) im.Store(refs[k]->index, old[k]);
  };
  std::vector<bool> changed(count, false);
  for (size_t i = 0; i < count; ++i) {
    size_t idx = refs[i]->index;
    const Directive& d = im.table[idx];
    std::vector<std::string> words;
    if (d.flags & kMultiArg) {
      words = SplitOn(pairs[i].second, ' ');
    } else {
      words.push_back(pairs[i].second);
    }
    std::string before = im.Render(idx);
    Impl::Value v;
    Status s = im.Parse(*this, idx, words, false, &v);
    if (!s) {
      restore(i);
      err_arg = refs[i]->name;
      errstr = s.error;
      return failure();
    }
    im.Store(idx, std::move(v));
    changed[i] = im.Render(idx) != before;
  }
  // A directive named twice (by its name and an alias) runs its hooks once, at its last pair.
  for (size_t i = 0; i < count; ++i) {
    for (size_t k = 0; k < i; ++k) {
      if (changed[k] && refs[k]->index == refs[i]->index) {
        changed[k] = false;
        changed[i] = true;
      }
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (!changed[i]) continue;
    for (const ChangeHook& hook : im.slots[refs[i]->index].hooks) {
      Status s = hook(*this);
      if (s) continue;
      restore(count);
      for (size_t k = 0; k < count; ++k) {
        if (!changed[k]) continue;
        for (const ChangeHook& h : im.slots[refs[k]->index].hooks) h(*this);
      }
      err_arg = refs[i]->name;
      errstr = s.error;
      return failure();
    }
  }
  return Status::Ok();
}

Status Config::Validate(std::string_view name, std::string_view value, bool local_client) const {
  std::lock_guard lock(impl_->set_mu);
  const Impl& im = *impl_;
  const NameRef* r = Lookup(name);
  if (!r) {
    return Status::Error("Unknown option or number of arguments for CONFIG SET - '" +
                         std::string(name) + "'");
  }
  const Directive& d = im.table[r->index];
  int64_t protected_mode = im.slots[im.Index("enable-protected-configs")].num.load();
  bool protected_ok =
      protected_mode == kAllowedYes || (protected_mode == kAllowedLocal && local_client);
  if ((d.flags & kImmutable) || ((d.flags & kProtected) && !protected_ok)) {
    return Status::Error(
        "CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
        ((d.flags & kImmutable) ? "can't set immutable config" : "can't set protected config"));
  }
  std::vector<std::string> words;
  if (d.flags & kMultiArg) {
    words = SplitOn(value, ' ');
  } else {
    words.emplace_back(value);
  }
  Impl::Value v;
  Status s = im.Parse(*this, r->index, words, false, &v);
  if (!s) {
    return Status::Error("CONFIG SET failed (possibly related to argument '" + r->name + "') - " +
                         s.error);
  }
  return Status::Ok();
}

void Config::OnChange(std::string_view name, ChangeHook hook) {
  std::lock_guard lock(impl_->set_mu);
  if (const NameRef* r = Lookup(name)) impl_->slots[r->index].hooks.push_back(std::move(hook));
}

int64_t Config::GetInt(std::string_view name) const {
  const NameRef* r = Lookup(name);
  return r ? impl_->slots[r->index].num.load(std::memory_order_relaxed) : 0;
}

std::string Config::GetString(std::string_view name) const {
  const NameRef* r = Lookup(name);
  return r ? impl_->Render(r->index) : std::string();
}

const std::atomic<int64_t>& Config::IntRef(std::string_view name) const {
  static const std::atomic<int64_t> kZero{0};
  const NameRef* r = Lookup(name);
  return r ? impl_->slots[r->index].num : kZero;
}

bool Config::IsExplicit(std::string_view name) const {
  const NameRef* r = Lookup(name);
  if (!r) return false;
  std::shared_lock lock(impl_->mu);
  return impl_->slots[r->index].explicit_set;
}

std::vector<std::string> Config::IgnoredInUse() const {
  std::vector<std::string> out;
  std::shared_lock lock(impl_->mu);
  const auto& t = impl_->table;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!(t[i].flags & kIgnored) || !impl_->slots[i].explicit_set) continue;
    if (impl_->RenderLocked(i) != impl_->defaults[i]) out.push_back(t[i].name);
  }
  out.insert(out.end(), impl_->extra_ignored.begin(), impl_->extra_ignored.end());
  return out;
}

std::string Config::ResolvePath(std::string_view path) const { return impl_->ResolvePath(path); }

void Config::SetCommandLookup(std::function<bool(std::string_view)> exists) {
  std::lock_guard lock(impl_->set_mu);
  impl_->command_exists = std::move(exists);
}

std::vector<std::pair<std::string, std::string>> Config::RenamedCommands() const {
  std::shared_lock lock(impl_->mu);
  return impl_->renames;
}

const Directive* Config::Find(std::string_view name) {
  const NameRef* r = Lookup(name);
  return r ? &Table()[r->index] : nullptr;
}

}  // namespace cachet::config
