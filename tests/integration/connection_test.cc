// Integration tests of the connection layer: requests, pipelines, concurrency and CLIENT.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/raw_client.h"
#include "support/redis_client.h"
#include "support/resp_reader.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

using std::chrono::steady_clock;

// Splits CLIENT LIST / CLIENT INFO output into one key=value map per line.
std::vector<std::map<std::string, std::string>> ParseClientList(const std::string& text) {
  std::vector<std::map<std::string, std::string>> clients;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::map<std::string, std::string> fields;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      size_t eq = word.find('=');
      if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    clients.push_back(std::move(fields));
  }
  return clients;
}

// Polls CLIENT LIST over `c` until it shows `count` clients (closed connections are reaped
// asynchronously). Returns the last listing.
std::string WaitForClientCount(redisContext* c, size_t count) {
  auto deadline = steady_clock::now() + std::chrono::seconds(5);
  std::string list;
  while (steady_clock::now() < deadline) {
    list = Call(c, {"CLIENT", "LIST"});
    if (ParseClientList(list).size() == count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return list;
}

class ConnectionTest : public ServerTest {
 protected:
  void SetUp() override { StartServer(); }
};

TEST_F(ConnectionTest, Ping) {
  RedisConnection c = Connect();
  ASSERT_NE(c, nullptr);
  ReplyPtr reply = RunCommand(c.get(), {"PING"});
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(Describe(reply.get()), "PONG");

  reply = RunCommand(c.get(), {"PING", "hello world"});
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->type, REDIS_REPLY_STRING);
  EXPECT_EQ(Describe(reply.get()), "hello world");

  EXPECT_EQ(Call(c.get(), {"ECHO", std::string("bin\0ary\r\n", 9)}),
            std::string("bin\0ary\r\n", 9));
  EXPECT_EQ(Call(c.get(), {"PING", "a", "b"}),
            "(error) ERR wrong number of arguments for 'ping' command");
}

TEST_F(ConnectionTest, RawPingBytes) {
  EXPECT_EQ(RawRoundTrip(server().port(), "*1\r\n$4\r\nPING\r\n"), "+PONG\r\n");
  EXPECT_EQ(RawRoundTrip(server().port(), "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), "$0\r\n\r\n");
}

TEST_F(ConnectionTest, TenThousandPipelinedCommandsInOneWrite) {
  constexpr int kCommands = 10000;
  std::string request;
  std::string expected;
  for (int i = 0; i < kCommands; ++i) {
    if (i % 3 == 0) {
      request += EncodeCommand({"PING"});
      expected += "+PONG\r\n";
    } else {
      std::string value = "value-" + std::to_string(i);
      request += EncodeCommand({"ECHO", value});
      expected += "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n";
    }
  }
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(request, std::chrono::seconds(30)));
  auto replies = c.ReadReplies(kCommands, std::chrono::seconds(30));
  ASSERT_TRUE(replies.has_value()) << "connection closed: " << c.closed();
  EXPECT_EQ(*replies, expected);
  EXPECT_EQ(c.Drain(std::chrono::milliseconds(0)), "") << "more replies than commands";
}

TEST_F(ConnectionTest, TwoHundredConcurrentConnections) {
  constexpr int kClients = 200;
  constexpr int kRounds = 25;
  std::latch all_connected(kClients + 1);
  std::latch may_finish(kClients + 1);
  std::atomic<int> connect_failures{0};
  std::atomic<int> wrong_replies{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      RedisConnection c = ConnectRedis(server().port(), std::chrono::seconds(10));
      if (c == nullptr) ++connect_failures;
      all_connected.arrive_and_wait();  // every connection is open at the same time
      for (int i = 0; c != nullptr && i < kRounds; ++i) {
        std::string payload = "client-" + std::to_string(t) + "-" + std::to_string(i);
        if (Call(c.get(), {"PING"}) != "PONG") ++wrong_replies;
        if (Call(c.get(), {"ECHO", payload}) != payload) ++wrong_replies;
        if (Call(c.get(), {"PING", payload}) != payload) ++wrong_replies;
      }
      may_finish.arrive_and_wait();  // keep the connection open until all are counted
    });
  }
  all_connected.arrive_and_wait();
  {
    // No ASSERT here: the threads must be released below whatever happens.
    RedisConnection observer = Connect();
    std::string list = WaitForClientCount(observer.get(), kClients + 1);
    EXPECT_EQ(ParseClientList(list).size(), static_cast<size_t>(kClients + 1)) << list;
  }
  may_finish.arrive_and_wait();
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(connect_failures.load(), 0);
  EXPECT_EQ(wrong_replies.load(), 0);
}

TEST_F(ConnectionTest, InlineCommands) {
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send("PING\r\n"));
  EXPECT_EQ(c.ReadReply(), "+PONG\r\n");
  ASSERT_TRUE(c.Send("ECHO \"hello world\"\r\n"));
  EXPECT_EQ(c.ReadReply(), "$11\r\nhello world\r\n");
  ASSERT_TRUE(c.Send("ECHO 'single \\'quoted\\''\r\n"));
  EXPECT_EQ(c.ReadReply(), "$15\r\nsingle 'quoted'\r\n");
  ASSERT_TRUE(c.Send("ECHO \"\\x41\\x00\\x42\"\r\n"));
  EXPECT_EQ(c.ReadReply(), std::string("$3\r\nA\0B\r\n", 9));
  // A bare LF ends a line too; empty lines are skipped.
  ASSERT_TRUE(c.Send("\r\n\r\n  \r\nPING\n"));
  EXPECT_EQ(c.ReadReply(), "+PONG\r\n");
  // Inline and multibulk requests mix freely in one write.
  ASSERT_TRUE(c.Send("PING inline\r\n*2\r\n$4\r\nECHO\r\n$4\r\nbulk\r\nPING\r\n"));
  EXPECT_EQ(c.ReadReplies(3), "$6\r\ninline\r\n$4\r\nbulk\r\n+PONG\r\n");
  ASSERT_TRUE(c.Send("nosuchcommand a b\r\n"));
  EXPECT_EQ(c.ReadReply(),
            "-ERR unknown command 'nosuchcommand', with args beginning with: 'a' 'b' \r\n");
}

TEST_F(ConnectionTest, RequestsSplitAcrossWrites) {
  RawClient c = ConnectRaw();
  const std::string request = "*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\nPING\r\n";
  for (char byte : request) {
    ASSERT_TRUE(c.Send(std::string_view(&byte, 1)));
    // Give the server a chance to read the byte on its own, so it sees every split point.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(c.ReadReplies(2), "$10\r\n0123456789\r\n+PONG\r\n");
  EXPECT_EQ(c.Drain(std::chrono::milliseconds(0)), "");
}

TEST_F(ConnectionTest, LargeBulkArgumentRoundTrips) {
  const std::string value(3 * 1024 * 1024 + 7, 'v');
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(EncodeCommand({"ECHO", value}), std::chrono::seconds(30)));
  auto reply = c.ReadReply(std::chrono::seconds(30));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n");
}

TEST_F(ConnectionTest, ProtocolErrorClosesTheConnectionAfterTheReply) {
  struct Case {
    std::string request;
    std::string reply;
  };
  const std::vector<Case> cases = {
      {"*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
      {"PING \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      // Commands before the bad one in the same write are answered first.
      {"PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$-3\r\n",
       "+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(EscapeBytes(tc.request));
    RawClient c = ConnectRaw();
    ASSERT_TRUE(c.Send(tc.request));
    bool closed = false;
    EXPECT_EQ(c.ReadUntilClosed(std::chrono::seconds(5), &closed), tc.reply);
    EXPECT_TRUE(closed);
  }
  // The server itself carries on.
  EXPECT_EQ(RawRoundTrip(server().port(), "PING\r\n"), "+PONG\r\n");
}

TEST_F(ConnectionTest, TooBigInlineRequestIsAProtocolError) {
  RawClient c = ConnectRaw();
  // No newline within 64 KiB: the server gives up on the line.
  c.Send(std::string(70 * 1024, 'a'), std::chrono::seconds(10));
  bool closed = false;
  EXPECT_EQ(c.ReadUntilClosed(std::chrono::seconds(5), &closed),
            "-ERR Protocol error: too big inline request\r\n");
  EXPECT_TRUE(closed);
}

TEST_F(ConnectionTest, Hello3ReturnsTheServerMap) {
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(EncodeCommand({"HELLO", "3"})));
  auto bytes = c.ReadReply();
  ASSERT_TRUE(bytes.has_value());
  RespValue hello;
  size_t length = 0;
  ASSERT_EQ(ParseReply(*bytes, &hello, &length), ExtentStatus::kComplete);
  ASSERT_EQ(hello.type, '%') << EscapeBytes(*bytes);
  ASSERT_EQ(hello.elements.size(), 14u) << EscapeBytes(*bytes);

  std::vector<std::string> keys;
  std::map<std::string, RespValue> fields;
  for (size_t i = 0; i < hello.elements.size(); i += 2) {
    EXPECT_EQ(hello.elements[i].type, '$');
    keys.push_back(hello.elements[i].text);
    fields[hello.elements[i].text] = hello.elements[i + 1];
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"server", "version", "proto", "id", "mode", "role",
                                            "modules"}));
  EXPECT_EQ(fields["server"].type, '$');
  EXPECT_FALSE(fields["server"].text.empty());
  EXPECT_EQ(fields["version"].type, '$');
  EXPECT_TRUE(fields["version"].text.find_first_not_of("0123456789.") == std::string::npos &&
              std::count(fields["version"].text.begin(), fields["version"].text.end(), '.') == 2)
      << fields["version"].text;
  EXPECT_EQ(SerializeReply(fields["proto"]), ":3\r\n");
  EXPECT_EQ(fields["id"].type, ':');
  EXPECT_EQ(SerializeReply(fields["mode"]), "$10\r\nstandalone\r\n");
  EXPECT_EQ(SerializeReply(fields["role"]), "$6\r\nmaster\r\n");
  EXPECT_EQ(SerializeReply(fields["modules"]), "*0\r\n");

  // The id is this connection's CLIENT ID, and replies are RESP3 from now on.
  ASSERT_TRUE(c.Send(EncodeCommand({"CLIENT", "ID"})));
  EXPECT_EQ(c.ReadReply(), ":" + fields["id"].text + "\r\n");
  ASSERT_TRUE(c.Send(EncodeCommand({"CLIENT", "GETNAME"})));
  EXPECT_EQ(c.ReadReply(), "_\r\n");
}

TEST_F(ConnectionTest, ClientIdIsUniqueAndStable) {
  RedisConnection a = Connect();
  RedisConnection b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ReplyPtr id_a = RunCommand(a.get(), {"CLIENT", "ID"});
  ReplyPtr id_b = RunCommand(b.get(), {"CLIENT", "ID"});
  ASSERT_NE(id_a, nullptr);
  ASSERT_NE(id_b, nullptr);
  ASSERT_EQ(id_a->type, REDIS_REPLY_INTEGER);
  ASSERT_EQ(id_b->type, REDIS_REPLY_INTEGER);
  EXPECT_GT(id_a->integer, 0);
  EXPECT_NE(id_a->integer, id_b->integer);
  EXPECT_EQ(Call(a.get(), {"CLIENT", "ID"}), Describe(id_a.get()));
}

TEST_F(ConnectionTest, ClientKillIdClosesTheOtherConnection) {
  RawClient victim = ConnectRaw();
  ASSERT_TRUE(victim.Send(EncodeCommand({"CLIENT", "ID"})));
  auto id_reply = victim.ReadReply();
  ASSERT_TRUE(id_reply.has_value());
  ASSERT_EQ(id_reply->front(), ':');
  std::string id = id_reply->substr(1, id_reply->size() - 3);

  RedisConnection killer = Connect();
  ASSERT_NE(killer, nullptr);
  EXPECT_EQ(Call(killer.get(), {"CLIENT", "KILL", "ID", id}), "(integer) 1");
  bool closed = false;
  EXPECT_EQ(victim.ReadUntilClosed(std::chrono::seconds(5), &closed), "");
  EXPECT_TRUE(closed);
  // A filter that matches nothing counts zero; the old address form reports an error.
  EXPECT_EQ(Call(killer.get(), {"CLIENT", "KILL", "ID", id}), "(integer) 0");
  EXPECT_EQ(Call(killer.get(), {"CLIENT", "KILL", "127.0.0.1:1"}), "(error) ERR No such client");
  EXPECT_EQ(Call(killer.get(), {"PING"}), "PONG");
}

TEST_F(ConnectionTest, ClientListHasALinePerConnection) {
  std::vector<RedisConnection> conns;
  std::map<int, std::string> name_by_port;
  std::map<std::string, long long> id_by_name;
  for (std::string name : {"first", "second", "third"}) {
    RedisConnection c = Connect();
    ASSERT_NE(c, nullptr);
    ASSERT_EQ(Call(c.get(), {"CLIENT", "SETNAME", name}), "OK");
    ReplyPtr id = RunCommand(c.get(), {"CLIENT", "ID"});
    ASSERT_NE(id, nullptr);
    id_by_name[name] = id->integer;
    sockaddr_storage addr{};  // the local port is what CLIENT LIST shows in addr=
    socklen_t len = sizeof(addr);
    ASSERT_EQ(getsockname(c->fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    name_by_port[ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)] = name;
    conns.push_back(std::move(c));
  }

  std::string list = WaitForClientCount(conns[0].get(), 3);
  auto clients = ParseClientList(list);
  ASSERT_EQ(clients.size(), 3u) << list;
  EXPECT_EQ(list.back(), '\n');
  for (auto& fields : clients) {
    for (const char* key : {"id", "addr", "name", "cmd"}) {
      EXPECT_TRUE(fields.count(key)) << key << " missing in: " << list;
    }
    const std::string& addr = fields["addr"];
    ASSERT_EQ(addr.rfind("127.0.0.1:", 0), 0u) << addr;
    int port = std::stoi(addr.substr(addr.find(':') + 1));
    ASSERT_TRUE(name_by_port.count(port)) << addr;
    const std::string& name = name_by_port[port];
    EXPECT_EQ(fields["name"], name);
    EXPECT_EQ(fields["id"], std::to_string(id_by_name[name]));
    EXPECT_EQ(fields["cmd"], name == "first" ? "client|list" : "client|id");
  }
}

}  // namespace
}  // namespace cachet::test
