// Integration tests of client limits: maxclients, idle timeout, query buffer limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/raw_client.h"
#include "support/redis_client.h"
#include "support/resp_reader.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

class LimitsTest : public ServerTest {};

// Number of lines CLIENT LIST shows over `c`.
size_t ClientCount(RawClient& c) {
  if (!c.Send(EncodeCommand({"CLIENT", "LIST"}))) return 0;
  auto reply = c.ReadReply();
  RespValue list;
  size_t length = 0;
  if (!reply || ParseReply(*reply, &list, &length) != ExtentStatus::kComplete) return 0;
  return static_cast<size_t>(std::count(list.text.begin(), list.text.end(), '\n'));
}

TEST_F(LimitsTest, MaxclientsRefusesTheConnectionOverTheLimit) {
  StartServer({"--maxclients", "5"});
  std::vector<RawClient> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(ConnectRaw());
    ASSERT_TRUE(clients.back().Send("PING\r\n"));
    ASSERT_EQ(clients.back().ReadReply(), "+PONG\r\n") << "client " << i;
  }
  // The start-up probe connection is reaped asynchronously; wait until only ours remain.
  auto deadline = steady_clock::now() + seconds(5);
  while (ClientCount(clients[0]) != 5 && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_EQ(ClientCount(clients[0]), 5u);

  RawClient sixth = ConnectRaw();
  bool closed = false;
  EXPECT_EQ(sixth.ReadUntilClosed(seconds(5), &closed), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(closed);

  // Once one leaves, a newcomer gets in.
  clients.pop_back();
  deadline = steady_clock::now() + seconds(5);
  bool admitted = false;
  while (!admitted && steady_clock::now() < deadline) {
    RawClient again = ConnectRaw();
    again.Send("PING\r\n");
    admitted = again.ReadReply() == std::optional<std::string>("+PONG\r\n");
    if (!admitted) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

TEST_F(LimitsTest, IdleClientsAreClosedAfterTimeout) {
  StartServer({"--timeout", "1"});
  RawClient idle = ConnectRaw();
  ASSERT_TRUE(idle.Send("PING\r\n"));
  ASSERT_EQ(idle.ReadReply(), "+PONG\r\n");
  auto idle_since = steady_clock::now();

  // A client that keeps talking stays connected meanwhile.
  RawClient busy = ConnectRaw();
  bool closed = false;
  std::string received;
  while (steady_clock::now() - idle_since < seconds(5)) {
    ASSERT_TRUE(busy.Send("PING\r\n"));
    ASSERT_EQ(busy.ReadReply(), "+PONG\r\n");
    received += idle.ReadUntilClosed(milliseconds(200), &closed);
    if (closed) break;
  }
  auto idle_for = steady_clock::now() - idle_since;
  EXPECT_TRUE(closed) << "idle client still connected after 5 s";
  EXPECT_EQ(received, "");
  EXPECT_GE(idle_for, milliseconds(900));
  EXPECT_LE(idle_for, milliseconds(3500));
  ASSERT_TRUE(busy.Send("PING\r\n"));
  EXPECT_EQ(busy.ReadReply(), "+PONG\r\n");
}

TEST_F(LimitsTest, QueryBufferLimitClosesTheClient) {
  StartServer({"--client-query-buffer-limit", "1mb"});
  RawClient c = ConnectRaw();
  // A 2 MB bulk announced, 1.5 MB of it sent: the buffered request outgrows the limit.
  std::string request = "*2\r\n$4\r\nECHO\r\n$2097152\r\n";
  c.Send(request);
  const std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 24 && c.Send(chunk, seconds(5)); ++i) {
  }
  bool closed = false;
  EXPECT_EQ(c.ReadUntilClosed(seconds(5), &closed), "");
  EXPECT_TRUE(closed);
  // Other clients are unaffected.
  EXPECT_EQ(RawRoundTrip(server().port(), "PING\r\n"), "+PONG\r\n");
}

TEST_F(LimitsTest, RequestsWithinTheQueryBufferLimitAreServed) {
  StartServer({"--client-query-buffer-limit", "1mb"});
  RawClient c = ConnectRaw();
  const std::string value(512 * 1024, 'y');
  ASSERT_TRUE(c.Send(EncodeCommand({"ECHO", value})));
  EXPECT_EQ(c.ReadReply(), "$524288\r\n" + value + "\r\n");
}

}  // namespace
}  // namespace cachet::test
