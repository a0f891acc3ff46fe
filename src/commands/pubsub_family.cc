// Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB.
#include <strings.h>

#include "cachet/commands/errors.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/registry.h"

namespace cachet::commands {
namespace {

constexpr std::string_view kSsubscribeDenyBlocking =
    "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client";

// The count a (un)subscribe reply carries: channels and patterns together, shard channels
// apart (Redis 7.0's clientSubscriptionsCount / clientShardSubscriptionsCount).
int64_t SubscriptionCount(const ClientState& c, Subscription kind) {
  if (kind == Subscription::kShardChannel) return c.ssub_count.load(std::memory_order_relaxed);
  return c.sub_count.load(std::memory_order_relaxed) + c.psub_count.load(std::memory_order_relaxed);
}

// One (un)subscribe confirmation: [kind, name or null, count], a push in RESP3.
void ReplySubscription(CommandContext& ctx, std::string_view kind, const std::string* name,
                       Subscription sub) {
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(kind);
  if (name) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(SubscriptionCount(ctx.client, sub));
}

void SubscribeGeneric(CommandContext& ctx, Subscription sub, std::string_view kind) {
  PubSubHub& hub = ctx.server.pubsub();
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    hub.Subscribe(&ctx.client, sub, ctx.argv[j]);
    ReplySubscription(ctx, kind, &ctx.argv[j], sub);
  }
}

void UnsubscribeGeneric(CommandContext& ctx, Subscription sub, std::string_view kind) {
  PubSubHub& hub = ctx.server.pubsub();
  if (ctx.argv.size() == 1) {
    std::vector<std::string> names = hub.SubscriptionsOf(&ctx.client, sub);
    if (names.empty()) {
      ReplySubscription(ctx, kind, nullptr, sub);
      return;
    }
    for (const std::string& name : names) {
      hub.Unsubscribe(&ctx.client, sub, name);
      ReplySubscription(ctx, kind, &name, sub);
    }
    return;
  }
  for (size_t j = 1; j < ctx.argv.size(); ++j) {
    hub.Unsubscribe(&ctx.client, sub, ctx.argv[j]);
    ReplySubscription(ctx, kind, &ctx.argv[j], sub);
  }
}

// SUBSCRIBE channel [channel ...]
void SubscribeCmd(CommandContext& ctx) {
  SubscribeGeneric(ctx, Subscription::kChannel, "subscribe");
}

// UNSUBSCRIBE [channel [channel ...]]
void UnsubscribeCmd(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Subscription::kChannel, "unsubscribe");
}

// PSUBSCRIBE pattern [pattern ...]
void PsubscribeCmd(CommandContext& ctx) {
  SubscribeGeneric(ctx, Subscription::kPattern, "psubscribe");
}

// PUNSUBSCRIBE [pattern [pattern ...]]
void PunsubscribeCmd(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Subscription::kPattern, "punsubscribe");
}

// SSUBSCRIBE shardchannel [shardchannel ...]
void SsubscribeCmd(CommandContext& ctx) {
  // Inside EXEC Redis 7.0 refuses it (a DENY_BLOCKING client); SUBSCRIBE is allowed there for
  // backward compatibility.
  if (ctx.client.in_exec) {
    ctx.reply.Error(kSsubscribeDenyBlocking);
    return;
  }
  SubscribeGeneric(ctx, Subscription::kShardChannel, "ssubscribe");
}

// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
void SunsubscribeCmd(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Subscription::kShardChannel, "sunsubscribe");
}

// PUBLISH channel message
void PublishCmd(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.pubsub().Publish(ctx.argv[1], ctx.argv[2]));
}

// SPUBLISH shardchannel message
void SpublishCmd(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.pubsub().PublishShard(ctx.argv[1], ctx.argv[2]));
}

// Redis's addReplySubcommandSyntaxError.
void ReplySubcommandSyntaxError(CommandContext& ctx) {
  ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(ctx.argv[1].c_str()).substr(0, 128) + "'. Try PUBSUB HELP.");
}

void ReplyChannels(CommandContext& ctx, Subscription sub) {
  if (ctx.argv.size() > 3) return ReplySubcommandSyntaxError(ctx);
  const std::string* pattern = ctx.argv.size() == 3 ? &ctx.argv[2] : nullptr;
  std::vector<std::string> names = ctx.server.pubsub().ActiveChannels(sub, pattern);
  ctx.reply.ArrayHeader(names.size());
  for (const std::string& n : names) ctx.reply.Bulk(n);
}

void ReplyNumSub(CommandContext& ctx, Subscription sub) {
  PubSubHub& hub = ctx.server.pubsub();
  ctx.reply.ArrayHeader((ctx.argv.size() - 2) * 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    ctx.reply.Bulk(ctx.argv[j]);
    ctx.reply.Integer(hub.Subscribers(sub, ctx.argv[j]));
  }
}

// PUBSUB CHANNELS [pattern]
void PubsubChannelsCmd(CommandContext& ctx) { ReplyChannels(ctx, Subscription::kChannel); }

// PUBSUB SHARDCHANNELS [pattern]
void PubsubShardChannelsCmd(CommandContext& ctx) {
  ReplyChannels(ctx, Subscription::kShardChannel);
}

// PUBSUB NUMSUB [channel [channel ...]]
void PubsubNumSubCmd(CommandContext& ctx) { ReplyNumSub(ctx, Subscription::kChannel); }

// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
void PubsubShardNumSubCmd(CommandContext& ctx) { ReplyNumSub(ctx, Subscription::kShardChannel); }

// PUBSUB NUMPAT
void PubsubNumPatCmd(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub().PatternCount()));
}

constexpr const char* kPubsubHelp[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
};

// PUBSUB HELP
void PubsubHelpCmd(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kPubsubHelp));
  for (const char* line : kPubsubHelp) ctx.reply.SimpleString(line);
}

CommandSpec Sub(std::string name, int arity, std::string flags, std::string acl, Handler h,
                std::string summary, std::string since, std::string complexity) {
  return CommandSpec{.name = "pubsub|" + name,
                     .arity = arity,
                     .flags = std::move(flags),
                     .acl = std::move(acl),
                     .handler = h,
                     .summary = std::move(summary),
                     .since = std::move(since),
                     .group = "pubsub",
                     .complexity = std::move(complexity)};
}

CommandSpec Cmd(std::string name, int arity, std::string flags, std::string acl, Handler h,
                std::string summary, std::string since, std::string complexity) {
  return CommandSpec{.name = std::move(name),
                     .arity = arity,
                     .flags = std::move(flags),
                     .acl = std::move(acl),
                     .handler = h,
                     .summary = std::move(summary),
                     .since = std::move(since),
                     .group = "pubsub",
                     .complexity = std::move(complexity)};
}

// The shard channel commands declare their channels as key specs marked not_key (for cluster
// routing), as Redis 7.0 does.
CommandSpec WithShardChannels(CommandSpec spec, int last) {
  spec.first_key = 1;
  spec.last_key = last;
  spec.step = 1;
  spec.key_specs = {KeyRange("not_key", last == -1 ? -1 : 0, 1)};
  return spec;
}

}  // namespace

void RegisterPubSubFamily(CommandRegistry& registry) {
  const std::string kSubFlags = "pubsub noscript loading stale";
  const std::string kPubFlags = "pubsub loading stale fast";
  registry.Register(Cmd("subscribe", -2, kSubFlags, "pubsub slow", SubscribeCmd,
                        "Listen for messages published to the given channels", "2.0.0",
                        "O(N) where N is the number of channels to subscribe to."));
  registry.Register(Cmd("unsubscribe", -1, kSubFlags, "pubsub slow", UnsubscribeCmd,
                        "Stop listening for messages posted to the given channels", "2.0.0",
                        "O(N) where N is the number of clients already subscribed to a channel."));
  registry.Register(Cmd("psubscribe", -2, kSubFlags, "pubsub slow", PsubscribeCmd,
                        "Listen for messages published to channels matching the given patterns",
                        "2.0.0",
                        "O(N) where N is the number of patterns the client is already subscribed "
                        "to."));
  registry.Register(Cmd("punsubscribe", -1, kSubFlags, "pubsub slow", PunsubscribeCmd,
                        "Stop listening for messages posted to channels matching the given "
                        "patterns",
                        "2.0.0",
                        "O(N+M) where N is the number of patterns the client is already "
                        "subscribed and M is the number of total patterns subscribed in the "
                        "system (by any client)."));
  registry.Register(Cmd("publish", 3, kPubFlags, "pubsub fast", PublishCmd,
                        "Post a message to a channel", "2.0.0",
                        "O(N+M) where N is the number of clients subscribed to the receiving "
                        "channel and M is the total number of subscribed patterns (by any "
                        "client)."));
  registry.Register(
      WithShardChannels(Cmd("ssubscribe", -2, kSubFlags, "pubsub slow", SsubscribeCmd,
                            "Listen for messages published to the given shard channels", "7.0.0",
                            "O(N) where N is the number of shard channels to subscribe to."),
                        -1));
  registry.Register(WithShardChannels(
      Cmd("sunsubscribe", -1, kSubFlags, "pubsub slow", SunsubscribeCmd,
          "Stop listening for messages posted to the given shard channels", "7.0.0",
          "O(N) where N is the number of clients already subscribed to a shard channel."),
      -1));
  registry.Register(WithShardChannels(
      Cmd("spublish", 3, kPubFlags, "pubsub fast", SpublishCmd, "Post a message to a shard channel",
          "7.0.0",
          "O(N) where N is the number of clients subscribed to the receiving shard channel."),
      1));

  const std::string kIntroFlags = "pubsub loading stale";
  CommandSpec pubsub{.name = "pubsub",
                     .arity = -2,
                     .flags = "",
                     .acl = "slow",
                     .summary = "A container for Pub/Sub commands",
                     .since = "2.8.0",
                     .group = "pubsub",
                     .complexity = "Depends on subcommand."};
  pubsub.subcommands = {
      Sub("channels", -2, kIntroFlags, "pubsub slow", PubsubChannelsCmd, "List active channels",
          "2.8.0",
          "O(N) where N is the number of active channels, and assuming constant time pattern "
          "matching (relatively short channels and patterns)"),
      Sub("numpat", 2, kIntroFlags, "pubsub slow", PubsubNumPatCmd,
          "Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)"),
      Sub("numsub", -2, kIntroFlags, "pubsub slow", PubsubNumSubCmd,
          "Get the count of subscribers for channels", "2.8.0",
          "O(N) for the NUMSUB subcommand, where N is the number of requested channels"),
      Sub("shardchannels", -2, kIntroFlags, "pubsub slow", PubsubShardChannelsCmd,
          "List active shard channels", "7.0.0",
          "O(N) where N is the number of active shard channels, and assuming constant time "
          "pattern matching (relatively short shard channels)."),
      Sub("shardnumsub", -2, kIntroFlags, "pubsub slow", PubsubShardNumSubCmd,
          "Get the count of subscribers for shard channels", "7.0.0",
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
          "channels"),
      Sub("help", 2, "loading stale", "slow", PubsubHelpCmd,
          "Show helpful text about the different subcommands", "6.2.0", "O(1)"),
  };
  registry.Register(std::move(pubsub));
}

}  // namespace cachet::commands
