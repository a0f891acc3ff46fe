// CLIENT subcommands: ID, SETNAME, GETNAME, SETINFO, INFO, LIST, KILL, REPLY, TRACKING,
// CACHING, GETREDIR, TRACKINGINFO, HELP.
#include <strings.h>

#include <cerrno>
#include <cstdlib>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/tracking.h"

namespace cachet::commands {
namespace {

bool Is(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool ParseI64(const std::string& s, int64_t* out) {
  if (s.empty() || s[0] == ' ' || s[0] == '+') return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

bool ValidClientType(std::string_view t) {
  return Is(t, "normal") || Is(t, "master") || Is(t, "replica") || Is(t, "slave") ||
         Is(t, "pubsub");
}

// Writes a CLIENT LIST/INFO text: verbatim in RESP3, bulk in RESP2.
void ReplyClientText(CommandContext& ctx, const std::string& text) {
  ctx.reply.Verbatim(text, "txt");
}

// CLIENT ID
void ClientIdCmd(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

// CLIENT SETNAME connection-name
void ClientSetNameCmd(CommandContext& ctx) {
  const std::string& name = ctx.argv[2];
  if (!IsValidClientName(name)) {
    ctx.reply.Error(errors::kInvalidClientName);
    return;
  }
  {
    std::lock_guard lock(ctx.client.mu);
    ctx.client.name = name;
  }
  ctx.reply.Ok();
}

// CLIENT GETNAME
void ClientGetNameCmd(CommandContext& ctx) {
  std::string name = ctx.client.GetName();
  if (name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(name);
  }
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>  (Redis 7.2's addition, which current
// client libraries send on connect)
void ClientSetInfoCmd(CommandContext& ctx) {
  const std::string& attr = ctx.argv[2];
  const std::string& value = ctx.argv[3];
  bool is_name = Is(attr, "lib-name");
  if (!is_name && !Is(attr, "lib-ver")) {
    ctx.reply.Error("ERR Unrecognized option '" + attr + "'");
    return;
  }
  if (!IsValidClientName(value)) {
    ctx.reply.Error(std::string("ERR ") + (is_name ? "lib-name" : "lib-ver") +
                    " cannot contain spaces, newlines or special characters.");
    return;
  }
  {
    std::lock_guard lock(ctx.client.mu);
    (is_name ? ctx.client.lib_name : ctx.client.lib_ver) = value;
  }
  ctx.reply.Ok();
}

// CLIENT INFO
void ClientInfoCmd(CommandContext& ctx) {
  ReplyClientText(ctx, ctx.server.ClientInfoLine(ctx.client));
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
void ClientListCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  ClientFilter filter;
  if (argv.size() == 4 && Is(argv[2], "type")) {
    if (!ValidClientType(argv[3])) {
      ctx.reply.Error("ERR Unknown client type '" + argv[3] + "'");
      return;
    }
    filter.type = argv[3];
  } else if (argv.size() > 3 && Is(argv[2], "id")) {
    for (size_t j = 3; j < argv.size(); ++j) {
      int64_t id;
      if (!ParseI64(argv[j], &id) || id < 1) {
        ctx.reply.Error("ERR Invalid client ID");
        return;
      }
      filter.ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (argv.size() != 2) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  ReplyClientText(ctx, ctx.server.ClientList(filter));
}

// CLIENT KILL ip:port | CLIENT KILL <filter> <value> [<filter> <value> ...]
void ClientKillCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  ClientFilter filter;
  if (argv.size() == 3) {
    // Old form: kill by address, reply OK or "No such client".
    filter.addr = argv[2];
    if (ctx.server.KillClients(filter) == 0) {
      ctx.reply.Error(errors::kNoSuchClient);
    } else {
      ctx.reply.Ok();
    }
    return;
  }
  bool skipme = true;
  for (size_t i = 2; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
    const std::string& opt = argv[i];
    const std::string& val = argv[i + 1];
    if (Is(opt, "id")) {
      int64_t id;
      if (!ParseI64(val, &id) || id <= 0) {
        ctx.reply.Error("ERR client-id should be greater than 0");
        return;
      }
      filter.ids.push_back(static_cast<uint64_t>(id));
    } else if (Is(opt, "type")) {
      if (!ValidClientType(val)) {
        ctx.reply.Error("ERR Unknown client type '" + val + "'");
        return;
      }
      filter.type = val;
    } else if (Is(opt, "addr")) {
      filter.addr = val;
    } else if (Is(opt, "laddr")) {
      filter.laddr = val;
    } else if (Is(opt, "user")) {
      if (val != "default") {
        ctx.reply.Error("ERR No such user '" + val + "'");
        return;
      }
      filter.user = val;
    } else if (Is(opt, "skipme")) {
      if (Is(val, "yes")) {
        skipme = true;
      } else if (Is(val, "no")) {
        skipme = false;
      } else {
        ctx.reply.Error(errors::kSyntax);
        return;
      }
    } else if (Is(opt, "maxage")) {
      int64_t age;
      if (!ParseI64(val, &age) || age < 0) {
        ctx.reply.Error(errors::kSyntax);
        return;
      }
      filter.max_age_s = age;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  if (skipme) filter.skip_id = ctx.client.id;
  ctx.reply.Integer(ctx.server.KillClients(filter));
}

// CLIENT REPLY ON|OFF|SKIP
void ClientReplyCmd(CommandContext& ctx) {
  const std::string& mode = ctx.argv[2];
  if (Is(mode, "on")) {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.reply.Ok();
  } else if (Is(mode, "off")) {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (Is(mode, "skip")) {
    if (ctx.client.reply_mode != ReplyMode::kOff) ctx.client.reply_mode = ReplyMode::kSkipNext;
  } else {
    ctx.reply.Error(errors::kSyntax);
  }
}

// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST]
//     [OPTIN] [OPTOUT] [NOLOOP]
void ClientTrackingCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t redir = 0;
  uint32_t options = 0;
  std::vector<std::string> prefixes;
  for (size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (Is(argv[j], "redirect") && more) {
      ++j;
      if (redir != 0) {
        ctx.reply.Error("ERR A client can only redirect to a single other client");
        return;
      }
      if (!ParseInt64(argv[j], &redir)) {
        ctx.reply.Error(errors::kNotInteger);
        return;
      }
      // The redirect client must exist now, though it may go away later.
      if (redir <= 0 || !ctx.server.pubsub().ClientExists(static_cast<uint64_t>(redir))) {
        ctx.reply.Error("ERR The client ID you want redirect to does not exist");
        return;
      }
    } else if (Is(argv[j], "bcast")) {
      options |= kTrackingBcast;
    } else if (Is(argv[j], "optin")) {
      options |= kTrackingOptin;
    } else if (Is(argv[j], "optout")) {
      options |= kTrackingOptout;
    } else if (Is(argv[j], "noloop")) {
      options |= kTrackingNoloop;
    } else if (Is(argv[j], "prefix") && more) {
      prefixes.push_back(argv[++j]);
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  ClientState& c = ctx.client;
  Tracking& tracking = ctx.server.tracking();
  if (Is(argv[2], "on")) {
    const uint32_t flags = c.tracking.load(std::memory_order_relaxed);
    if (!(options & kTrackingBcast) && !prefixes.empty()) {
      ctx.reply.Error("ERR PREFIX option requires BCAST mode to be enabled");
      return;
    }
    if ((flags & kTrackingOn) && !!(flags & kTrackingBcast) != !!(options & kTrackingBcast)) {
      ctx.reply.Error(
          "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if ((options & kTrackingBcast) && (options & (kTrackingOptin | kTrackingOptout))) {
      ctx.reply.Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
      return;
    }
    if ((options & kTrackingOptin) && (options & kTrackingOptout)) {
      ctx.reply.Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if (((options & kTrackingOptin) && (flags & kTrackingOptout)) ||
        ((options & kTrackingOptout) && (flags & kTrackingOptin))) {
      ctx.reply.Error(
          "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if (options & kTrackingBcast) {
      std::string error;
      const size_t ok = Tracking::CheckPrefixCollisions(c, prefixes, &error);
      if (!error.empty()) {
        ctx.reply.Error(error);
        // Redis 7.0 goes on (and replies +OK too) when the overlap is between two new
        // prefixes past the first.
        if (ok == 0) return;
      }
    }
    tracking.Enable(&c, static_cast<uint64_t>(redir), options, prefixes);
  } else if (Is(argv[2], "off")) {
    tracking.Disable(&c);
  } else {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  ctx.reply.Ok();
}

// CLIENT CACHING YES|NO
void ClientCachingCmd(CommandContext& ctx) {
  ClientState& c = ctx.client;
  const uint32_t flags = c.tracking.load(std::memory_order_relaxed);
  if (!(flags & kTrackingOn)) {
    ctx.reply.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled");
    return;
  }
  const std::string& opt = ctx.argv[2];
  if (Is(opt, "yes")) {
    if (!(flags & kTrackingOptin)) {
      ctx.reply.Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (Is(opt, "no")) {
    if (!(flags & kTrackingOptout)) {
      ctx.reply.Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  c.tracking.fetch_or(kTrackingCaching, std::memory_order_relaxed);
  ctx.reply.Ok();
}

// The redirect id CLIENT GETREDIR / TRACKINGINFO report: -1 when tracking is off.
int64_t RedirectId(const ClientState& c) {
  if (!(c.tracking.load(std::memory_order_relaxed) & kTrackingOn)) return -1;
  return static_cast<int64_t>(c.tracking_redirect.load(std::memory_order_relaxed));
}

// CLIENT GETREDIR
void ClientGetRedirCmd(CommandContext& ctx) { ctx.reply.Integer(RedirectId(ctx.client)); }

// CLIENT TRACKINGINFO
void ClientTrackingInfoCmd(CommandContext& ctx) {
  const ClientState& c = ctx.client;
  const uint32_t f = c.tracking.load(std::memory_order_relaxed);
  std::vector<std::string_view> flags;
  flags.push_back(f & kTrackingOn ? "on" : "off");
  if (f & kTrackingBcast) flags.push_back("bcast");
  if (f & kTrackingOptin) {
    flags.push_back("optin");
    if (f & kTrackingCaching) flags.push_back("caching-yes");
  }
  if (f & kTrackingOptout) {
    flags.push_back("optout");
    if (f & kTrackingCaching) flags.push_back("caching-no");
  }
  if (f & kTrackingNoloop) flags.push_back("noloop");
  if (f & kTrackingBrokenRedir) flags.push_back("broken_redirect");
  auto& r = ctx.reply;
  r.MapHeader(3);
  r.Bulk("flags");
  r.SetHeader(flags.size());
  for (std::string_view s : flags) r.Bulk(s);
  r.Bulk("redirect");
  r.Integer(RedirectId(c));
  r.Bulk("prefixes");
  r.ArrayHeader(c.tracking_prefixes.size());
  for (const std::string& p : c.tracking_prefixes) r.Bulk(p);
}

constexpr const char* kClientHelp[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
};

// CLIENT HELP
void ClientHelpCmd(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kClientHelp));
  for (const char* line : kClientHelp) ctx.reply.SimpleString(line);
}

CommandSpec Sub(std::string name, int arity, std::string flags, std::string acl, Handler h,
                std::string summary, std::string since, std::string tips = "") {
  return CommandSpec{.name = "client|" + name, .arity = arity, .flags = std::move(flags),
                     .acl = std::move(acl), .tips = std::move(tips), .handler = h,
                     .summary = std::move(summary), .since = std::move(since),
                     .group = "connection", .complexity = "O(1)"};
}

CommandSpec WithComplexity(CommandSpec spec, std::string complexity) {
  spec.complexity = std::move(complexity);
  return spec;
}

}  // namespace

void RegisterClientFamily(CommandRegistry& registry) {
  const std::string kConn = "noscript loading stale";
  const std::string kAdmin = "admin noscript loading stale";
  const std::string kAclConn = "slow connection";
  const std::string kAclAdmin = "admin slow dangerous connection";
  CommandSpec client{.name = "client", .arity = -2, .flags = "", .acl = "slow",
                     .summary = "A container for client connection commands", .since = "2.4.0",
                     .group = "connection", .complexity = "Depends on subcommand."};
  client.subcommands = {
      Sub("id", 2, kConn, kAclConn, ClientIdCmd, "Returns the client ID for the current connection",
          "5.0.0"),
      Sub("setname", 3, kConn, kAclConn, ClientSetNameCmd, "Set the current connection name",
          "2.6.9"),
      Sub("getname", 2, kConn, kAclConn, ClientGetNameCmd, "Get the current connection name",
          "2.6.9"),
      Sub("setinfo", 4, kConn, kAclConn, ClientSetInfoCmd,
          "Set client or connection specific info", "7.2.0"),
      Sub("info", 2, kConn, kAclConn, ClientInfoCmd,
          "Returns information about the current client connection.", "6.2.0",
          "nondeterministic_output"),
      Sub("list", -2, kAdmin, kAclAdmin, ClientListCmd, "Get the list of client connections",
          "2.4.0", "nondeterministic_output"),
      Sub("kill", -3, kAdmin, kAclAdmin, ClientKillCmd, "Kill the connection of a client",
          "2.4.0"),
      Sub("reply", 3, kConn, kAclConn, ClientReplyCmd,
          "Instruct the server whether to reply to commands", "3.2.0"),
      Sub("help", 2, "loading stale", kAclConn, ClientHelpCmd, "Show helpful text about the different subcommands",
          "5.0.0"),
      WithComplexity(Sub("tracking", -3, kConn, kAclConn, ClientTrackingCmd,
                         "Enable or disable server assisted client side caching support",
                         "6.0.0"),
                     "O(1). Some options may introduce additional complexity."),
      Sub("caching", 3, kConn, kAclConn, ClientCachingCmd,
          "Instruct the server about tracking or not keys in the next request", "6.0.0"),
      Sub("getredir", 2, kConn, kAclConn, ClientGetRedirCmd,
          "Get tracking notifications redirection client ID if any", "6.0.0"),
      Sub("trackinginfo", 2, kConn, kAclConn, ClientTrackingInfoCmd,
          "Return information about server assisted client side caching for the current "
          "connection",
          "6.2.0"),
  };
  registry.Register(std::move(client));
}

}  // namespace cachet::commands
