// gtest fixture for tests that run the real server binary and talk to it over sockets.
#include "support/server_test.h"

namespace cachet::test {

void ServerTest::StartServer(const std::vector<std::string>& args) {
  ServerOptions options;
  options.args = args;
  StartServer(options);
}

void ServerTest::StartServer(const ServerOptions& options) {
  ASSERT_FALSE(binary_.empty()) << "no server binary to test";
  server_ = std::make_unique<ServerProcess>(binary_);
  ASSERT_TRUE(server_->Start(options)) << binary_ << " did not start; its log:\n"
                                       << server_->ReadLog();
}

RedisConnection ServerTest::Connect() {
  RedisConnection c = server_->port() > 0 ? ConnectRedis(server_->port())
                                          : ConnectRedisUnix(server_->unix_socket());
  EXPECT_NE(c, nullptr) << "cannot connect to the server";
  return c;
}

RawClient ServerTest::ConnectRaw() {
  RawClient c;
  bool ok =
      server_->port() > 0 ? c.ConnectTcp(server_->port()) : c.ConnectUnix(server_->unix_socket());
  EXPECT_TRUE(ok) << "cannot connect to the server";
  return c;
}

void ServerTest::TearDown() {
  if (server_ != nullptr && HasFailure()) {
    std::string log = server_->ReadLog();
    if (log.size() > 4000) log = "..." + log.substr(log.size() - 4000);
    std::cerr << "server log (" << server_->log_path() << "):\n" << log << "\n";
  }
  server_.reset();
}

}  // namespace cachet::test
