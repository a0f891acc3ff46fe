// Integration tests of authentication with requirepass.
#include <gtest/gtest.h>

#include "support/raw_client.h"
#include "support/redis_client.h"
#include "support/resp_reader.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

class AuthTest : public ServerTest {
 protected:
  void SetUp() override { StartServer({"--requirepass", "open sesame"}); }
};

TEST_F(AuthTest, CommandsNeedAuthentication) {
  RedisConnection c = Connect();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "(error) NOAUTH Authentication required.");
  EXPECT_EQ(Call(c.get(), {"ECHO", "x"}), "(error) NOAUTH Authentication required.");
  EXPECT_EQ(Call(c.get(), {"AUTH", "wrong"}),
            "(error) WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(Call(c.get(), {"AUTH", "default", "wrong"}),
            "(error) WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(Call(c.get(), {"PING"}), "(error) NOAUTH Authentication required.");
  EXPECT_EQ(Call(c.get(), {"AUTH", "open sesame"}), "OK");
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  EXPECT_EQ(Call(c.get(), {"ECHO", "x"}), "x");

  // Authentication belongs to the connection: a new one starts over.
  RedisConnection other = Connect();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Call(other.get(), {"PING"}), "(error) NOAUTH Authentication required.");
  EXPECT_EQ(Call(other.get(), {"AUTH", "default", "open sesame"}), "OK");
  EXPECT_EQ(Call(other.get(), {"PING"}), "PONG");
}

TEST_F(AuthTest, HelloAuthenticatesAndSwitchesProtocol) {
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(EncodeCommand({"HELLO", "3"})));
  auto reply = c.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rfind("-NOAUTH HELLO must be called with the client already authenticated", 0),
            0u)
      << EscapeBytes(*reply);
  ASSERT_TRUE(c.Send(EncodeCommand({"HELLO", "3", "AUTH", "default", "nope"})));
  EXPECT_EQ(c.ReadReply(), "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  ASSERT_TRUE(c.Send(EncodeCommand({"HELLO", "3", "AUTH", "default", "open sesame"})));
  reply = c.ReadReply();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->substr(0, 3), "%7\r") << EscapeBytes(*reply);
  ASSERT_TRUE(c.Send(EncodeCommand({"CLIENT", "GETNAME"})));
  EXPECT_EQ(c.ReadReply(), "_\r\n");
}

TEST_F(AuthTest, UnauthenticatedClientsGetStrictProtocolLimits) {
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send("*11\r\n"));
  bool closed = false;
  EXPECT_EQ(c.ReadUntilClosed(std::chrono::seconds(5), &closed),
            "-ERR Protocol error: unauthenticated multibulk length\r\n");
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace cachet::test
