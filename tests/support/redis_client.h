// hiredis connections for tests: connecting with a timeout, running commands, reading replies.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "support/raw_client.h"

namespace cachet::test {

struct RedisContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct RedisReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisConnection = std::unique_ptr<redisContext, RedisContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

// Connects to 127.0.0.1:port; `timeout` bounds the connect and every later command. Returns
// null when the connection could not be made.
RedisConnection ConnectRedis(int port, Millis timeout = kDefaultIoTimeout);
// The same over a unix-domain socket.
RedisConnection ConnectRedisUnix(const std::string& path, Millis timeout = kDefaultIoTimeout);

// Sends one command given as words and returns its reply; null when the connection failed
// (c->errstr says why).
ReplyPtr RunCommand(redisContext* c, const std::vector<std::string>& argv);

// Renders a reply the way redis-cli does, compactly, for assertions: strings and status
// replies as their text, "(error) ERR ...", "(integer) 5", "(nil)", arrays as "[a, b]".
// A null reply renders as "(no reply)".
std::string Describe(const redisReply* reply);

// RunCommand followed by Describe (named Call: gtest fixtures already have a Run).
std::string Call(redisContext* c, const std::vector<std::string>& argv);

}  // namespace cachet::test
