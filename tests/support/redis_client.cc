// hiredis connections for tests: connecting with a timeout, running commands, reading replies.
#include "support/redis_client.h"

#include <signal.h>
#include <sys/time.h>

#include <mutex>

namespace cachet::test {
namespace {

timeval ToTimeval(Millis timeout) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

RedisConnection Finish(redisContext* c, Millis timeout) {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });  // hiredis writes with write(2)
  if (c == nullptr) return nullptr;
  if (c->err != 0) {
    redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, ToTimeval(timeout));
  return RedisConnection(c);
}

}  // namespace

RedisConnection ConnectRedis(int port, Millis timeout) {
  return Finish(redisConnectWithTimeout("127.0.0.1", port, ToTimeval(timeout)), timeout);
}

RedisConnection ConnectRedisUnix(const std::string& path, Millis timeout) {
  return Finish(redisConnectUnixWithTimeout(path.c_str(), ToTimeval(timeout)), timeout);
}

ReplyPtr RunCommand(redisContext* c, const std::vector<std::string>& argv) {
  if (c == nullptr) return nullptr;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  void* reply = redisCommandArgv(c, static_cast<int>(argv.size()), args.data(), lens.data());
  return ReplyPtr(static_cast<redisReply*>(reply));
}

std::string Describe(const redisReply* reply) {
  if (reply == nullptr) return "(no reply)";
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return std::string(reply->str, reply->len);
    case REDIS_REPLY_ERROR:
      return "(error) " + std::string(reply->str, reply->len);
    case REDIS_REPLY_INTEGER:
      return "(integer) " + std::to_string(reply->integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < reply->elements; ++i) {
        if (i > 0) out += ", ";
        out += Describe(reply->element[i]);
      }
      return out + "]";
    }
    default:
      return "(unknown reply type " + std::to_string(reply->type) + ")";
  }
}

std::string Call(redisContext* c, const std::vector<std::string>& argv) {
  return Describe(RunCommand(c, argv).get());
}

}  // namespace cachet::test
