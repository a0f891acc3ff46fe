// In-process tests of PING, ECHO, HELLO, AUTH, RESET, CLIENT and dispatch errors.
#include "command_fixture.h"

namespace cachet::test {
namespace {

class ConnectionFamilyTest : public CommandTest {};

TEST_F(ConnectionFamilyTest, PingAndEcho) {
  EXPECT_EQ(RunRaw({"ping"}), "+PONG\r\n");
  EXPECT_EQ(RunRaw({"PING", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(RunRaw({"ping", "a", "b"}),
            "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_EQ(RunRaw({"echo", std::string("a\0b", 3)}), std::string("$3\r\na\0b\r\n", 9));
}

TEST_F(ConnectionFamilyTest, UnknownCommandListsArguments) {
  EXPECT_EQ(RunRaw({"foo", "a", "b"}),
            "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
  EXPECT_EQ(RunRaw({"foo"}), "-ERR unknown command 'foo', with args beginning with: \r\n");
  EXPECT_EQ(RunRaw({"client", "nope"}), "-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(RunRaw({"client"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(RunRaw({"client", "getname", "x"}),
            "-ERR wrong number of arguments for 'client|getname' command\r\n");
}

TEST_F(ConnectionFamilyTest, HelloSwitchesProtocol) {
  auto v = Run({"hello", "3"});
  EXPECT_EQ(v.type, '%');
  ASSERT_EQ(v.elements.size(), 14u);
  EXPECT_EQ(v.elements[1].text, "redis");
  EXPECT_EQ(v.elements[5].text, "3");
  EXPECT_EQ(v.elements[7].text, "7");  // id
  EXPECT_EQ(client_.protocol.load(), 3);
  EXPECT_EQ(RunRaw({"hello", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(RunRaw({"hello", "x"}),
            "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"hello", "3", "foo"}), "-ERR Syntax error in HELLO option 'foo'\r\n");
  auto v2 = Run({"hello", "2", "setname", "app"});
  EXPECT_EQ(v2.type, '*');
  EXPECT_EQ(client_.GetName(), "app");
}

TEST_F(ConnectionFamilyTest, AuthWithoutPassword) {
  EXPECT_EQ(RunRaw({"auth", "x"}),
            "-ERR AUTH <password> called without any password configured for the default "
            "user. Are you sure your configuration is correct?\r\n");
  EXPECT_EQ(RunRaw({"auth", "default", "anything"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"auth", "bob", "x"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(RunRaw({"auth", "a", "b", "c"}), "-ERR syntax error\r\n");
}

TEST_F(ConnectionFamilyTest, AuthWithRequirePass) {
  ASSERT_TRUE(server_.config().Set("requirepass", "s3cret").ok);
  client_.authenticated = false;
  EXPECT_EQ(RunRaw({"ping"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(RunRaw({"auth", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_FALSE(client_.authenticated.load());
  EXPECT_EQ(RunRaw({"auth", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"ping"}), "+PONG\r\n");
  // RESET de-authenticates when a password is required.
  EXPECT_EQ(RunRaw({"reset"}), "+RESET\r\n");
  EXPECT_EQ(RunRaw({"ping"}), "-NOAUTH Authentication required.\r\n");
  auto v = Run({"hello", "3", "auth", "default", "s3cret"});
  EXPECT_EQ(v.type, '%');
  EXPECT_TRUE(client_.authenticated.load());
}

TEST_F(ConnectionFamilyTest, ClientNameAndReplyModes) {
  EXPECT_EQ(RunRaw({"client", "getname"}), "$-1\r\n");
  EXPECT_EQ(RunRaw({"client", "setname", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(RunRaw({"client", "setname", "worker-1"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"client", "getname"}), "$8\r\nworker-1\r\n");
  EXPECT_EQ(RunRaw({"client", "id"}), ":7\r\n");
  EXPECT_EQ(RunRaw({"client", "reply", "off"}), "");
  EXPECT_EQ(RunRaw({"ping"}), "");
  EXPECT_EQ(RunRaw({"client", "reply", "on"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"client", "reply", "skip"}), "");
  EXPECT_EQ(RunRaw({"ping"}), "");
  EXPECT_EQ(RunRaw({"ping"}), "+PONG\r\n");
  EXPECT_EQ(RunRaw({"client", "reply", "maybe"}), "-ERR syntax error\r\n");
}

TEST_F(ConnectionFamilyTest, ClientKillParsesFilters) {
  EXPECT_EQ(RunRaw({"client", "kill", "id", "x"}), "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"client", "kill", "type", "foo"}), "-ERR Unknown client type 'foo'\r\n");
  EXPECT_EQ(RunRaw({"client", "kill", "foo", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"client", "kill", "1.2.3.4:5"}), "-ERR No such client\r\n");
  EXPECT_EQ(RunRaw({"client", "kill", "id", "9", "skipme", "no"}), ":0\r\n");
  ASSERT_EQ(server_.killed.size(), 2u);
  EXPECT_EQ(server_.killed[1].ids, std::vector<uint64_t>{9});
  EXPECT_EQ(server_.killed[1].skip_id, 0u);
}

TEST_F(ConnectionFamilyTest, ShutdownOptions) {
  EXPECT_EQ(RunRaw({"shutdown", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"shutdown", "abort"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_TRUE(server_.shutdowns.empty());
  EXPECT_EQ(RunRaw({"shutdown", "nosave", "now"}), "");
  ASSERT_EQ(server_.shutdowns.size(), 1u);
  EXPECT_EQ(server_.shutdowns[0], commands::ShutdownMode::kNoSave);
}

TEST_F(ConnectionFamilyTest, CommandGetKeysErrors) {
  EXPECT_EQ(RunRaw({"command", "getkeys", "foo", "a"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(RunRaw({"command", "getkeys", "ping", "a"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(RunRaw({"command", "list", "filterby", "foo", "x"}), "-ERR syntax error\r\n");
}

}  // namespace
}  // namespace cachet::test

namespace cachet::test {
namespace {

class ClientSetInfoTest : public CommandTest {};

// CLIENT SETINFO (Redis 7.2's) is accepted: client libraries send it on connect.
TEST_F(ClientSetInfoTest, StoresLibraryNameAndVersion) {
  EXPECT_EQ(RunRaw({"client", "setinfo", "lib-name", "redis-py"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"client", "setinfo", "LIB-VER", "5.0.1"}), "+OK\r\n");
  EXPECT_EQ(client_.lib_name, "redis-py");
  EXPECT_EQ(client_.lib_ver, "5.0.1");
  EXPECT_EQ(RunRaw({"client", "setinfo", "lib-name", "a b"}),
            "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(RunRaw({"client", "setinfo", "color", "x"}), "-ERR Unrecognized option 'color'\r\n");
  EXPECT_EQ(RunRaw({"client", "setinfo", "lib-name"}),
            "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

}  // namespace
}  // namespace cachet::test
