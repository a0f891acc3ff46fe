// gtest fixture for tests that run the real server binary and talk to it over sockets.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/raw_client.h"
#include "support/redis_client.h"
#include "support/server_process.h"

namespace cachet::test {

// Runs TestServerBinary(): the cachet-server of this build, or whatever $CACHET_TEST_SERVER
// names (redis-server, to check the tests themselves against the reference).
class ServerTest : public ::testing::Test {
 protected:
  // Starts the server with extra command-line words; the test fails if it does not come up.
  void StartServer(const std::vector<std::string>& args = {});
  void StartServer(const ServerOptions& options);

  ServerProcess& server() { return *server_; }
  const std::string& binary() const { return binary_; }
  // True when the binary under test is redis-server rather than cachet-server.
  bool testing_redis() const { return IsRedisServerBinary(binary_); }

  // A hiredis connection to the server; the test fails if it cannot connect.
  RedisConnection Connect();
  // A raw connection to the server; the test fails if it cannot connect.
  RawClient ConnectRaw();

  void TearDown() override;

  std::string binary_ = TestServerBinary();
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace cachet::test
