// Start-up as a drop-in: Debian's redis.conf unchanged, daemonize with a pid file, IPv6 binds.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "support/redis_client.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class StartupTest : public ServerTest {};

// Debian's /etc/redis/redis.conf loads unchanged (the overrides only keep the test local and
// in the foreground: the file itself says daemonize yes and logs under /var/log).
TEST_F(StartupTest, DebianRedisConfLoadsUnchanged) {
  std::ifstream probe("/etc/redis/redis.conf");
  if (!probe) GTEST_SKIP() << "redis-server's /etc/redis/redis.conf is not installed";
  ServerOptions options;
  options.config_file = "/etc/redis/redis.conf";
  options.args = {"--daemonize", "no", "--logfile", "", "--pidfile", "", "--dir", "."};
  StartServer(options);
  RedisConnection c = Connect();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  EXPECT_EQ(Call(c.get(), {"SET", "k", "v"}), "OK");
  EXPECT_EQ(Call(c.get(), {"GET", "k"}), "v");
}

// daemonize yes: the launching process exits 0, the daemon writes pidfile, serves, and removes
// the pid file when SIGTERM stops it.
TEST_F(StartupTest, DaemonizeWritesPidFile) {
  if (testing_redis()) GTEST_SKIP() << "exercises cachet's own start-up";
  ServerProcess scratch(binary());  // lends a temporary directory and nothing else
  const std::string pidfile = scratch.dir() + "/cachet.pid";
  const std::string logfile = scratch.dir() + "/cachet.log";
  const int port = FreePort();
  ProcessResult r = RunProcess({binary(), "--port", std::to_string(port), "--bind", "127.0.0.1",
                                "--daemonize", "yes", "--pidfile", pidfile, "--logfile",
                                logfile});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  pid_t pid = 0;
  for (int i = 0; i < 100 && pid == 0; ++i) {
    std::ifstream in(pidfile);
    if (!(in >> pid)) pid = 0;
    if (pid == 0) std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_GT(pid, 0) << "no pid file";
  RedisConnection c;
  for (int i = 0; i < 100 && !c; ++i) {
    c = ConnectRedis(port, milliseconds(500));
    if (!c) std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  c.reset();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(gone) << "daemon still running after SIGTERM";
  if (!gone) kill(pid, SIGKILL);
  EXPECT_FALSE(std::ifstream(pidfile).good()) << "pid file left behind";
  std::ifstream log(logfile);
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Ready to accept connections"), std::string::npos) << text;
}

// Several bind addresses, IPv6 among them; a '-' address that cannot be bound is skipped.
TEST_F(StartupTest, BindsSeveralAddressesIncludingIpv6) {
  ServerOptions options;
  options.args = {"--bind", "127.0.0.1", "-::1", "-192.0.2.1"};
  StartServer(options);
  RedisConnection c = Connect();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  RedisConnection v6(redisConnectWithTimeout("::1", server().port(), timeval{2, 0}));
  if (!v6 || v6->err) GTEST_SKIP() << "no IPv6 loopback on this machine";
  EXPECT_EQ(Call(v6.get(), {"PING"}), "PONG");
}

}  // namespace
}  // namespace cachet::test
