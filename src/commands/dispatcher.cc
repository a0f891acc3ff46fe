// Command dispatch: Redis's processCommand checks, in Redis's order, then the handler, and
// the client-side caching bookkeeping around it.
#include "cachet/commands/dispatcher.h"

#include <cstdio>
#include <string_view>

#include "cachet/commands/command_stats.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/tracking.h"
#include "cachet/commands/watch_registry.h"
#include "cachet/config/config.h"

namespace cachet::commands {
namespace {

thread_local ClientState* tls_current = nullptr;

const CommandSpec& Top(const CommandSpec& spec) { return spec.parent ? *spec.parent : spec; }

// Commands that act on a transaction instead of being queued in it (Redis's processCommand).
bool RunsInsideMulti(const CommandSpec& spec) {
  std::string_view n = Top(spec).name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

// What a RESP2 client subscribed to anything may run (Redis's processCommand).
bool AllowedInPubSub(const CommandSpec& spec) {
  if (spec.parent) return false;
  std::string_view n = spec.name;
  return n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" ||
         n == "sunsubscribe" || n == "psubscribe" || n == "punsubscribe" || n == "quit" ||
         n == "reset";
}

std::string PubSubContextError(const CommandSpec& spec) {
  std::string_view fmt = errors::kPubSubContext;
  const size_t at = fmt.find("%s");
  std::string out(fmt.substr(0, at));
  out += spec.name;
  out += fmt.substr(at + 2);
  return out;
}

// Redis's maxmemory check in processCommand: evicts when used memory is over maxmemory (for
// every command, as Redis does) and says whether this command must be refused because
// memory is still over it: deny-oom commands, EXEC of a transaction holding one, and anything
// queued inside MULTI (queuing may take unlimited memory) except EXEC, DISCARD, QUIT, RESET.
bool RefusedForMemory(ServerApi& server, const ClientState& client, const CommandSpec& spec) {
  // A no-multi command inside MULTI gets its own error first, as in Redis.
  if (client.in_multi && spec.Has(kNoMulti) && !RunsInsideMulti(spec)) return false;
  if (!server.PerformEvictions()) return false;
  if (spec.Has(kDenyOom)) return true;
  if (!client.in_multi) return false;
  const std::string_view name = Top(spec).name;
  if (name == "exec") {
    for (const QueuedCommand& q : client.queued) {
      if (q.spec->Has(kDenyOom)) return true;
    }
    return false;
  }
  return name != "discard" && name != "quit" && name != "reset";
}

// The keys of one read-only command a tracking client runs inside EXEC.
struct TrackedRead {
  std::vector<std::string> argv;
  std::vector<size_t> idx;
};

}  // namespace

ClientState* CurrentClient() { return tls_current; }

CurrentClientScope::CurrentClientScope(ClientState* client) : previous_(tls_current) {
  tls_current = client;
}
CurrentClientScope::~CurrentClientScope() { tls_current = previous_; }

Dispatcher::Dispatcher(const CommandRegistry& registry, ServerApi& server)
    : registry_(registry),
      server_(server),
      tracking_max_keys_(server.config().IntRef("tracking-table-max-keys")),
      latency_tracking_(server.config().IntRef("latency-tracking")) {}

void Dispatcher::RunHandler(ClientState& client, const CommandSpec& spec,
                            const std::vector<std::string>& argv, protocol::ReplyBuilder& reply) {
  CommandContext ctx{argv, reply, client, server_, spec};
  const uint32_t tracking = client.tracking.load(std::memory_order_relaxed);
  if (!(tracking & kTrackingOn) || (tracking & kTrackingBcast) || !Tracking::WantsKeys(client)) {
    spec.handler(ctx);
    return;
  }
  Tracking& t = server_.tracking();
  // Redis remembers the keys of read-only commands (not pub/sub ones) after they ran; cachet
  // registers them before as well, so that a write on another thread in between is seen.
  if (spec.Has(kReadonly) && !spec.Has(kPubsub)) {
    std::vector<size_t> idx;
    GetKeys(spec, argv, &idx);
    t.BeginRead(&client, argv, idx);
    spec.handler(ctx);
    t.EndRead(&client, argv, idx);
    t.EnforceLimit(static_cast<uint64_t>(tracking_max_keys_.load(std::memory_order_relaxed)));
    return;
  }
  if (Top(spec).name == "exec" && client.in_multi && !client.multi_aborted) {
    // EXEC runs the queued commands itself: their reads are tracked as Redis's call() does.
    std::vector<TrackedRead> reads;
    for (const QueuedCommand& q : client.queued) {
      if (!q.spec->Has(kReadonly) || q.spec->Has(kPubsub)) continue;
      TrackedRead r{q.argv, {}};
      GetKeys(*q.spec, r.argv, &r.idx);
      if (!r.idx.empty()) reads.push_back(std::move(r));
    }
    for (const TrackedRead& r : reads) t.BeginRead(&client, r.argv, r.idx);
    spec.handler(ctx);
    for (const TrackedRead& r : reads) t.EndRead(&client, r.argv, r.idx);
    t.EnforceLimit(static_cast<uint64_t>(tracking_max_keys_.load(std::memory_order_relaxed)));
    return;
  }
  spec.handler(ctx);
}

void Dispatcher::Execute(ClientState& client, const std::vector<std::string>& argv,
                         protocol::ReplyBuilder& reply) {
  CurrentClientScope current(&client);
  SetLatencyTrackingFlag(&latency_tracking_);
  std::string* out = reply.buffer();
  const size_t mark = out->size();

  const CommandSpec* spec = registry_.Find(argv[0]);
  if (spec && !spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, argv[1]);
    if (!sub) {
      reply.Error(errors::UnknownSubcommand(argv[1], argv[0]));
      spec = nullptr;
    } else {
      spec = sub;
    }
  } else if (!spec) {
    reply.Error(errors::UnknownCommand(argv[0], argv.data() + 1, argv.size() - 1));
  }

  if (!spec) {
    if (client.in_multi) client.multi_aborted = true;
  } else {
    client.last_command.store(spec->name.c_str(), std::memory_order_relaxed);
    // Refusals count in the command's rejected_calls (Redis's rejectCommand).
    if (!spec->ArityOk(argv.size())) {
      reply.Error(errors::WrongArity(spec->name));
      RecordRejected(*spec);
      if (client.in_multi) client.multi_aborted = true;
    } else if (!client.authenticated.load(std::memory_order_relaxed) && !spec->Has(kNoAuth)) {
      reply.Error(errors::kNoAuth);
      RecordRejected(*spec);
      if (client.in_multi) client.multi_aborted = true;
    } else if (RefusedForMemory(server_, client, *spec)) {
      RecordRejected(*spec);
      if (client.in_multi && Top(*spec).name == "exec") {
        // Redis's execCommandAbort: the transaction is discarded, with the reason.
        reply.Error(errors::kExecAbortOom);
        client.in_multi = false;
        client.multi_aborted = false;
        client.queued.clear();
        server_.watches().UnwatchAll(&client);
      } else {
        reply.Error(errors::kOom);
        if (client.in_multi) client.multi_aborted = true;
      }
    } else if (client.protocol.load(std::memory_order_relaxed) == 2 && client.InPubSub() &&
               !AllowedInPubSub(*spec)) {
      reply.Error(PubSubContextError(*spec));
      RecordRejected(*spec);
      if (client.in_multi) client.multi_aborted = true;
    } else if (client.in_multi && !RunsInsideMulti(*spec)) {
      if (spec->Has(kNoMulti)) {
        reply.Error("ERR Command not allowed inside a transaction");
        RecordRejected(*spec);
        client.multi_aborted = true;
      } else {
        client.queued.push_back({argv, spec});
        reply.SimpleString("QUEUED");
      }
    } else if (!spec->handler) {
      // A container called without a subcommand whose arity allows it.
      reply.Error(errors::WrongArity(spec->name));
      RecordRejected(*spec);
    } else if (spec->name == "ping" && client.protocol.load(std::memory_order_relaxed) == 2 &&
               client.InPubSub()) {
      // PING in RESP2 subscribed mode answers ["pong", message or ""] (Redis's pingCommand).
      const uint64_t start = MonotonicNs();
      const bool failed = argv.size() > 2;
      if (failed) {
        reply.Error(errors::WrongArity("ping"));
      } else {
        reply.ArrayHeader(2);
        reply.Bulk("pong");
        reply.Bulk(argv.size() == 2 ? std::string_view(argv[1]) : std::string_view());
      }
      CountCommandProcessed();
      RecordCall(*spec, MonotonicNs() - start, failed);
    } else {
      if (spec->name == "reset") {
        // RESET leaves tracking and every subscription, silently (clearClientConnectionState).
        server_.tracking().Disable(&client);
        server_.pubsub().UnsubscribeAll(&client);
      }
      RunHandler(client, *spec, argv, reply);
    }
  }

  // CLIENT REPLY OFF / SKIP: what this command wrote is discarded.
  switch (client.reply_mode) {
    case ReplyMode::kOn:
      break;
    case ReplyMode::kOff:
      out->resize(mark);
      break;
    case ReplyMode::kSkipThis:
      out->resize(mark);
      client.reply_mode = ReplyMode::kOn;
      break;
    case ReplyMode::kSkipNext:
      out->resize(mark);
      client.reply_mode = ReplyMode::kSkipThis;
      break;
  }

  const uint32_t tracking = client.tracking.load(std::memory_order_relaxed);
  // CLIENT CACHING applies to the next command only; MULTI keeps it for the transaction.
  if ((tracking & kTrackingCaching) && !client.in_multi &&
      (spec == nullptr || Top(*spec).name != "client")) {
    client.tracking.fetch_and(~static_cast<uint32_t>(kTrackingCaching), std::memory_order_relaxed);
  }
  Tracking& t = server_.tracking();
  // Invalidations this command caused for its own client follow its reply.
  t.FlushCurrent(&client);
  t.BroadcastPending();
}

}  // namespace cachet::commands
