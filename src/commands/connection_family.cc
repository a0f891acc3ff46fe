// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cachet/commands/errors.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/watch_registry.h"
#include "cachet/config/config.h"
#include "cachet/version.h"

namespace cachet::commands {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Constant-time comparison so a wrong password's timing says nothing of the right one.
bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Checks a username/password pair against the default user. Returns true when accepted.
bool CheckCredentials(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user != "default") return false;  // the only user until ACLs exist
  std::string required = ctx.server.config().GetString("requirepass");
  if (required.empty()) return true;  // the default user is "nopass"
  return SecretEquals(pass, required);
}

// PING [message]
void PingCmd(CommandContext& ctx) {
  if (ctx.argv.size() > 2) {
    ctx.reply.Error(errors::WrongArity("ping"));
  } else if (ctx.argv.size() == 1) {
    ctx.reply.SimpleString("PONG");
  } else {
    ctx.reply.Bulk(ctx.argv[1]);
  }
}

// ECHO message
void EchoCmd(CommandContext& ctx) { ctx.reply.Bulk(ctx.argv[1]); }

// QUIT
void QuitCmd(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.close_after_reply = true;
}

// RESET
void ResetCmd(CommandContext& ctx) {
  ClientState& c = ctx.client;
  c.in_multi = false;
  c.multi_aborted = false;
  c.queued.clear();
  ctx.server.watches().UnwatchAll(&c);
  c.reply_mode = ReplyMode::kOn;
  c.protocol.store(2);
  ctx.reply.set_protocol(2);
  c.db.store(0);
  {
    std::lock_guard lock(c.mu);
    c.name.clear();
  }
  c.authenticated.store(ctx.server.config().GetString("requirepass").empty());
  ctx.reply.SimpleString("RESET");
}

// AUTH [username] password
void AuthCmd(CommandContext& ctx) {
  if (ctx.argv.size() > 3) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  bool ok;
  if (ctx.argv.size() == 2) {
    if (ctx.server.config().GetString("requirepass").empty()) {
      ctx.reply.Error(errors::kAuthNoPassword);
      return;
    }
    ok = CheckCredentials(ctx, "default", ctx.argv[1]);
  } else {
    ok = CheckCredentials(ctx, ctx.argv[1], ctx.argv[2]);
  }
  if (!ok) {
    ctx.reply.Error(errors::kWrongPass);
    return;
  }
  ctx.client.authenticated.store(true);
  ctx.reply.Ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void HelloCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t ver = 0;
  size_t next = 1;
  if (argv.size() >= 2) {
    const std::string& v = argv[next++];
    char* end = nullptr;
    errno = 0;
    long long parsed = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE || std::isspace(static_cast<unsigned char>(v[0]))) {
      ctx.reply.Error(errors::kProtocolVersionNotInteger);
      return;
    }
    ver = parsed;
    if (ver < 2 || ver > 3) {
      ctx.reply.Error(errors::kProtocolVersion);
      return;
    }
  }
  // Options take effect as they are parsed, as in Redis 7.0: a later bad option leaves an
  // earlier AUTH or SETNAME applied.
  for (size_t j = next; j < argv.size(); ++j) {
    size_t more = argv.size() - 1 - j;
    if (EqualsNoCase(argv[j], "auth") && more >= 2) {
      if (!CheckCredentials(ctx, argv[j + 1], argv[j + 2])) {
        ctx.reply.Error(errors::kWrongPass);
        return;
      }
      ctx.client.authenticated.store(true);
      j += 2;
    } else if (EqualsNoCase(argv[j], "setname") && more >= 1) {
      if (!IsValidClientName(argv[j + 1])) {
        ctx.reply.Error(errors::kInvalidClientName);
        return;
      }
      {
        std::lock_guard lock(ctx.client.mu);
        ctx.client.name = argv[j + 1];
      }
      j += 1;
    } else {
      ctx.reply.Error("ERR Syntax error in HELLO option '" + argv[j] + "'");
      return;
    }
  }
  if (!ctx.client.authenticated.load()) {
    ctx.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
    return;
  }
  if (ver) {
    ctx.client.protocol.store(static_cast<int>(ver));
    ctx.reply.set_protocol(static_cast<int>(ver));
  }
  auto& r = ctx.reply;
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisVersion);
  r.Bulk("proto");
  r.Integer(ctx.client.protocol.load());
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.client.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.EmptyArray();
}

}  // namespace

bool IsValidClientName(std::string_view name) {
  for (unsigned char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

void RegisterConnectionFamily(CommandRegistry& registry) {
  registry.Register({.name = "ping", .arity = -1, .flags = "fast", .acl = "fast connection",
                     .tips = "request_policy:all_shards response_policy:all_succeeded",
                     .handler = PingCmd, .summary = "Ping the server", .since = "1.0.0",
                     .group = "connection", .complexity = "O(1)"});
  registry.Register({.name = "echo", .arity = 2, .flags = "loading stale fast", .acl = "fast connection",
                     .handler = EchoCmd, .summary = "Echo the given string", .since = "1.0.0",
                     .group = "connection", .complexity = "O(1)"});
  registry.Register({.name = "quit", .arity = -1,
                     .flags = "noscript loading stale fast no_auth allow_busy",
                     .acl = "fast connection", .handler = QuitCmd,
                     .summary = "Close the connection", .since = "1.0.0", .group = "connection",
                     .complexity = "O(1)"});
  registry.Register({.name = "reset", .arity = 1,
                     .flags = "noscript loading stale fast no_auth allow_busy",
                     .acl = "fast connection", .handler = ResetCmd,
                     .summary = "Reset the connection", .since = "6.2.0", .group = "connection",
                     .complexity = "O(1)"});
  registry.Register({.name = "auth", .arity = -2,
                     .flags = "noscript loading stale fast no_auth allow_busy",
                     .acl = "fast connection", .handler = AuthCmd,
                     .summary = "Authenticate to the server", .since = "1.0.0",
                     .group = "connection", .complexity = "O(N) where N is the number of passwords defined for the user"});
  registry.Register({.name = "hello", .arity = -1,
                     .flags = "noscript loading stale fast no_auth allow_busy",
                     .acl = "fast connection", .handler = HelloCmd,
                     .summary = "Handshake with Redis", .since = "6.0.0", .group = "connection",
                     .complexity = "O(1)"});
}

}  // namespace cachet::commands
