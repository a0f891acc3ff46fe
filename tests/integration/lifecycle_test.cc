// Integration tests of the server process: start-up flags, config errors, shutdown, sockets.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <string>

#include "support/raw_client.h"
#include "support/redis_client.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class LifecycleTest : public ServerTest {
 protected:
  // Writes `text` to a file in a fresh temporary directory owned by the test's server object.
  std::string WriteConfig(const std::string& text) {
    if (scratch_ == nullptr) scratch_ = std::make_unique<ServerProcess>(binary_);
    std::string path = scratch_->dir() + "/test.conf";
    std::ofstream(path) << text;
    return path;
  }

  std::unique_ptr<ServerProcess> scratch_;  // only lends its temporary directory
};

TEST_F(LifecycleTest, SigtermShutsDownCleanly) {
  StartServer();
  RedisConnection c = Connect();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  server().Signal(SIGTERM);
  std::optional<int> status = server().WaitExit(seconds(10));
  ASSERT_TRUE(status.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*status, 0);
  EXPECT_TRUE(
      std::regex_search(server().ReadLog(), std::regex("shut(ting )?down", std::regex::icase)))
      << server().ReadLog();
}

TEST_F(LifecycleTest, ShutdownNosaveOverTheWire) {
  StartServer();
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(EncodeCommand({"SHUTDOWN", "NOSAVE"})));
  bool closed = false;
  EXPECT_EQ(c.ReadUntilClosed(seconds(10), &closed), "");  // no reply: the server is gone
  EXPECT_TRUE(closed);
  std::optional<int> status = server().WaitExit(seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0);
}

TEST_F(LifecycleTest, ServesOnlyAUnixSocketWithPortZero) {
  ServerOptions options;
  options.tcp = false;
  options.unix_socket = "server.sock";
  StartServer(options);
  RedisConnection c = ConnectRedisUnix(server().unix_socket());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  EXPECT_EQ(Call(c.get(), {"ECHO", "over unix"}), "over unix");
  std::string list = Call(c.get(), {"CLIENT", "LIST"});
  EXPECT_NE(list.find("addr=" + server().unix_socket() + ":0 "), std::string::npos) << list;
}

TEST_F(LifecycleTest, VersionFlagPrintsAndExitsZero) {
  ProcessResult result = RunProcess({binary(), "--version"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::regex_search(result.output, std::regex("v=[0-9]+\\.[0-9]+\\.[0-9]+")))
      << result.output;
}

TEST_F(LifecycleTest, HelpFlagPrintsAndExitsZero) {
  if (testing_redis()) GTEST_SKIP() << "redis-server --help exits 1";
  ProcessResult result = RunProcess({binary(), "--help"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Usage:"), std::string::npos) << result.output;
}

TEST_F(LifecycleTest, BadDirectiveInConfigFileIsFatal) {
  std::string conf = WriteConfig("port 0\nnosuchdirective yes\n");
  // The command-line words only keep a server that wrongly starts off the network.
  ProcessResult result = RunProcess({binary(), conf, "--port", "0", "--bind", "127.0.0.1"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                               "Reading the configuration file, at line 2\n"
                               ">>> 'nosuchdirective yes'\n"
                               "Bad directive or wrong number of arguments\n"),
            std::string::npos)
      << result.output;
}

TEST_F(LifecycleTest, BadValueInConfigFileIsFatal) {
  std::string conf = WriteConfig("# a comment\nport notanumber\n");
  ProcessResult result = RunProcess({binary(), conf, "--port", "0", "--bind", "127.0.0.1"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                               "Reading the configuration file, at line 2\n"
                               ">>> 'port notanumber'\n"
                               "argument couldn't be parsed into an integer\n"),
            std::string::npos)
      << result.output;
}

TEST_F(LifecycleTest, MissingConfigFileIsFatal) {
  ProcessResult result =
      RunProcess({binary(), "/nonexistent/cachet-test.conf", "--port", "0", "--bind", "127.0.0.1"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("Fatal error, can't open config file "
                               "'/nonexistent/cachet-test.conf': No such file or directory"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace cachet::test
