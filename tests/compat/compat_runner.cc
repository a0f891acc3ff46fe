// compat_runner: replays case files on redis-server and cachet-server, comparing raw replies.
// The case-file format is described in tests/compat/README.md.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "case_file.h"
#include "normalise.h"
#include "support/raw_client.h"
#include "support/resp_reader.h"
#include "support/server_process.h"

namespace cachet::compat {
namespace {

using test::EscapeBytes;
using test::Millis;
using test::RawClient;
using test::RespValue;
using test::ServerProcess;

constexpr int kSkipped = 77;  // ctest SKIP_RETURN_CODE
constexpr Millis kReplyTimeout{10000};
constexpr Millis kCloseTimeout{5000};
constexpr Millis kNoReplyWait{150};
constexpr size_t kLogTail = 2000;

struct Options {
  std::string redis_bin;
  std::string cachet_bin;
  bool self_test = false;
  bool verbose = false;
  std::vector<std::string> files;
};

// What one server did in answer to one step, before normalisation.
struct Outcome {
  std::string before;  // anything that arrived unasked before the step was sent
  std::string bytes;   // the reply bytes
  std::string marker;  // "<closed>", "<timeout>", ... when the exchange did not end in a reply
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Render(const Outcome& o, const CompareRules& rules) {
  std::string out;
  if (!o.before.empty()) out += "<unsolicited: " + o.before + ">";
  out += Normalise(o.bytes, rules);
  return out + o.marker;
}

std::string Quote(const std::string& s) { return "\"" + EscapeBytes(s) + "\""; }

std::string Tail(const std::string& s) {
  return s.size() <= kLogTail ? s : "..." + s.substr(s.size() - kLogTail);
}

// One logical connection of a group: a socket to each server, and the protocol it speaks.
struct Connection {
  RawClient client[2];
  int proto = 2;
};

class Runner {
 public:
  explicit Runner(const Options& options) : options_(options) {
    labels_[0] = "redis";
    labels_[1] = options.self_test ? "redis#2" : "cachet";
    binaries_[0] = options.redis_bin;
    binaries_[1] = options.self_test ? options.redis_bin : options.cachet_bin;
  }

  // Runs one case file on a fresh pair of servers. Returns the number of mismatches, or -1
  // when the file or a server could not be set up.
  int RunFile(const std::string& path) {
    CaseFile file;
    std::string error;
    if (!LoadCaseFile(path, &file, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return -1;
    }
    file_ = &file;
    aborted_ = false;
    for (int i = 0; i < 2; ++i) {
      servers_[i] = std::make_unique<ServerProcess>(binaries_[i]);
      if (!servers_[i]->Start(file.server_args)) {
        std::fprintf(stderr, "%s: %s (%s) did not start; its log:\n%s\n", path.c_str(),
                     labels_[i].c_str(), binaries_[i].c_str(),
                     Tail(servers_[i]->ReadLog()).c_str());
        return -1;
      }
    }
    int mismatches = 0;
    size_t steps = 0;
    for (const Group& group : file.groups) {
      if (!RunGroup(group, &mismatches, &steps)) break;
    }
    for (int i = 0; i < 2; ++i) servers_[i].reset();
    std::printf("%s: %zu groups, %zu steps, %d mismatches\n", path.c_str(), file.groups.size(),
                steps, mismatches);
    return aborted_ ? std::max(mismatches, 1) : mismatches;
  }

 private:
  // Runs one group; returns false when a server died and the file cannot go on.
  bool RunGroup(const Group& group, int* mismatches, size_t* steps) {
    group_ = &group;
    connections_.clear();
    for (int i = 0; i < 2; ++i) Housekeeping(i);
    std::string current = "default";
    for (const Step& step : group.steps) {
      Connection& conn = connections_[current];
      if (step.kind == Step::Kind::kConnection) {
        current = step.name;
        continue;
      }
      if (step.kind == Step::Kind::kReconnect) {
        for (int i = 0; i < 2; ++i) conn.client[i].Close();
        continue;
      }
      ++*steps;
      Outcome outcome[2];
      for (int i = 0; i < 2; ++i) outcome[i] = Execute(step, i, &conn);
      CompareRules rules = step.rules;
      if (step.kind == Step::Kind::kProto) rules.ignore_fields.push_back("id");
      std::string rendered[2] = {Render(outcome[0], rules), Render(outcome[1], rules)};
      if (options_.verbose) {
        std::printf("%s:%d: %s\n  -> %s\n", file_->path.c_str(), step.line, step.source.c_str(),
                    Quote(rendered[0]).c_str());
      }
      if (rendered[0] != rendered[1]) {
        ++*mismatches;
        Report(step, outcome, rendered, rules);
        return CheckAlive();  // the connections may be out of step: skip the rest of the group
      }
      if (!CheckAlive()) return false;
    }
    // Whatever is still arriving after the last step is a difference too.
    for (auto& [name, conn] : connections_) {
      std::string extra[2];
      for (int i = 0; i < 2; ++i) {
        if (conn.client[i].connected()) extra[i] = conn.client[i].Drain(Millis(0));
      }
      if (extra[0] != extra[1]) {
        ++*mismatches;
        std::printf(
            "MISMATCH %s:%d [%s] bytes after the last step on connection '%s'\n"
            "  %-8s %s\n  %-8s %s\n",
            file_->path.c_str(), group.line, group.name.c_str(), name.c_str(), labels_[0].c_str(),
            Quote(extra[0]).c_str(), labels_[1].c_str(), Quote(extra[1]).c_str());
      }
    }
    return true;
  }

  // Empties the keyspace over a connection of its own, so each group starts from nothing.
  void Housekeeping(int side) {
    RawClient admin;
    if (!admin.ConnectTcp(servers_[side]->port())) return;
    if (!file_->password.empty()) {
      admin.Send(test::EncodeCommand({"AUTH", file_->password}));
      admin.ReadReply(kReplyTimeout);
    }
    admin.Send(test::EncodeCommand({"FLUSHALL"}));
    auto reply = admin.ReadReply(kReplyTimeout);
    if ((!reply || reply->rfind("-", 0) == 0) && !warned_flush_[side]) {
      warned_flush_[side] = true;
      std::fprintf(stderr, "warning: FLUSHALL on %s answered %s\n", labels_[side].c_str(),
                   reply ? Quote(*reply).c_str() : "nothing");
    }
  }

  // Opens the side's socket of `conn` if it is not open, speaking conn->proto.
  bool EnsureConnected(int side, Connection* conn) {
    RawClient& c = conn->client[side];
    if (c.connected()) return true;
    if (!c.ConnectTcp(servers_[side]->port())) return false;
    if (conn->proto != 2) {
      c.Send(test::EncodeCommand({"HELLO", std::to_string(conn->proto)}));
      c.ReadReply(kReplyTimeout);
    }
    return true;
  }

  Outcome Execute(const Step& step, int side, Connection* conn) {
    Outcome out;
    RawClient& c = conn->client[side];
    if (c.connected()) {
      out.before = c.Drain(Millis(0));
      if (c.closed()) {
        out.before += "<closed before this step>";
        c.Close();
      }
    }
    if (step.kind == Step::Kind::kProto) conn->proto = step.proto;
    if (!EnsureConnected(side, conn)) {
      out.marker = "<cannot connect>";
      return out;
    }

    std::string request;
    switch (step.kind) {
      case Step::Kind::kCommand:
        request = test::EncodeCommandArgs(step.argv);
        break;
      case Step::Kind::kProto:
        request = test::EncodeCommand({"HELLO", std::to_string(step.proto)});
        break;
      default:
        request = step.bytes;
    }
    if (!c.Send(request)) out.marker = "<send failed>";

    bool expect_close = step.rules.expect_close || (step.kind == Step::Kind::kCommand &&
                                                    EqualsIgnoreCase(step.argv[0], "quit"));
    if (step.kind == Step::Kind::kRaw) {
      bool closed = false;
      out.bytes = c.ReadUntilClosed(kCloseTimeout, &closed);
      out.marker += closed ? "<closed>" : "<still open>";
      c.Close();
      return out;
    }
    if (step.rules.no_reply) {
      out.bytes = c.Drain(kNoReplyWait);
    } else {
      size_t count = step.kind == Step::Kind::kRawReplies ? step.replies : 1;
      auto replies = c.ReadReplies(count, kReplyTimeout);
      if (replies) {
        out.bytes = *replies;
      } else {
        out.bytes = c.buffered();
        out.marker += c.closed() ? "<closed>" : c.malformed() ? "<not RESP>" : "<timeout>";
      }
    }
    if (expect_close && !c.closed()) {
      bool closed = false;
      out.bytes += c.ReadUntilClosed(kCloseTimeout, &closed);
      out.marker += closed ? "<closed>" : "<still open>";
    }
    if (c.closed() || expect_close) c.Close();
    return out;
  }

  void Report(const Step& step, const Outcome* outcome, const std::string* rendered,
              const CompareRules& rules) {
    std::printf("MISMATCH %s:%d [%s] %s\n", file_->path.c_str(), step.line, group_->name.c_str(),
                step.source.c_str());
    for (int i = 0; i < 2; ++i) {
      std::string raw =
          (outcome[i].before.empty() ? "" : "<unsolicited: " + outcome[i].before + ">") +
          outcome[i].bytes;
      std::printf("  %-8s %s%s\n", labels_[i].c_str(), Quote(raw).c_str(),
                  outcome[i].marker.c_str());
    }
    if (HasRules(rules)) {
      for (int i = 0; i < 2; ++i) {
        std::printf("  %-8s (normalised) %s\n", labels_[i].c_str(), Quote(rendered[i]).c_str());
      }
    }
  }

  // Returns false, after saying why, when either server has exited.
  bool CheckAlive() {
    for (int i = 0; i < 2; ++i) {
      if (!servers_[i]->running()) {
        std::printf("ABORT %s: %s exited with status %d; its log:\n%s\n", file_->path.c_str(),
                    labels_[i].c_str(), servers_[i]->Stop(), Tail(servers_[i]->ReadLog()).c_str());
        aborted_ = true;
        return false;
      }
    }
    return true;
  }

  const Options& options_;
  std::string labels_[2];
  std::string binaries_[2];
  std::unique_ptr<ServerProcess> servers_[2];
  const CaseFile* file_ = nullptr;
  const Group* group_ = nullptr;
  std::map<std::string, Connection> connections_;
  bool warned_flush_[2] = {false, false};
  bool aborted_ = false;
};

void Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--redis PATH] [--cachet PATH] [--self-test] [-v] CASE_FILE...\n"
               "  --redis PATH   the reference redis-server (default $REDIS_SERVER_BIN, then "
               "PATH)\n"
               "  --cachet PATH  the server under test (default $CACHET_SERVER_BIN)\n"
               "  --self-test    run redis-server on both sides, to check the runner and cases\n"
               "  -v             print every step and its reply\n"
               "Exits 0 when every reply matched, 1 on a mismatch, 2 on a setup error and 77\n"
               "when no redis-server is available.\n",
               argv0);
}

}  // namespace
}  // namespace cachet::compat

int main(int argc, char** argv) {
  using cachet::compat::Options;
  Options options;
  const char* env_cachet = std::getenv("CACHET_SERVER_BIN");
  if (env_cachet != nullptr) options.cachet_bin = env_cachet;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--redis" || arg == "--cachet") && i + 1 < argc) {
      (arg == "--redis" ? options.redis_bin : options.cachet_bin) = argv[++i];
    } else if (arg == "--self-test") {
      options.self_test = true;
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "-h" || arg == "--help") {
      cachet::compat::Usage(argv[0]);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      cachet::compat::Usage(argv[0]);
      return 2;
    } else {
      options.files.push_back(arg);
    }
  }
  if (options.files.empty()) {
    cachet::compat::Usage(argv[0]);
    return 2;
  }
  options.redis_bin = options.redis_bin.empty() ? cachet::test::FindRedisServer()
                                                : cachet::test::ResolveBinary(options.redis_bin);
  if (options.redis_bin.empty()) {
    std::printf("redis-server not found (set REDIS_SERVER_BIN); skipping\n");
    return cachet::compat::kSkipped;
  }
  if (!options.self_test) {
    options.cachet_bin = cachet::test::ResolveBinary(options.cachet_bin);
    if (options.cachet_bin.empty()) {
      std::fprintf(stderr, "no server under test: pass --cachet PATH or set CACHET_SERVER_BIN\n");
      return 2;
    }
  }
  for (const std::string& bin : {options.redis_bin, options.cachet_bin}) {
    if (!bin.empty() && access(bin.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "%s: not an executable file\n", bin.c_str());
      return 2;
    }
  }
  cachet::compat::Runner runner(options);
  bool setup_failed = false;
  int mismatches = 0;
  for (const std::string& file : options.files) {
    int result = runner.RunFile(file);
    if (result < 0) {
      setup_failed = true;
    } else {
      mismatches += result;
    }
  }
  if (setup_failed) return 2;
  return mismatches == 0 ? 0 : 1;
}
