// What commands may ask of the running server, implemented by the server layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cachet::config {
class Config;
}
namespace cachet::storage {
class Keyspace;
}

namespace cachet::commands {

struct ClientState;
class WatchRegistry;

// Filter for CLIENT LIST / CLIENT KILL. Empty fields match everything.
struct ClientFilter {
  std::vector<uint64_t> ids;
  std::string addr;
  std::string laddr;
  std::string type;  // normal | master | replica | slave | pubsub
  std::string user;
  int64_t max_age_s = 0;  // kill clients older than this (0: no filter)
  uint64_t skip_id = 0;   // never match this client (SKIPME yes)
};

enum class ShutdownMode { kDefault, kNoSave, kSave };

class ServerApi {
 public:
  virtual ~ServerApi() = default;
  virtual config::Config& config() = 0;
  // The keyspace every database lives in.
  virtual storage::Keyspace& keyspace() = 0;
  // Who WATCHes which keys (fed by the keyspace's observer).
  virtual WatchRegistry& watches() = 0;
  // One CLIENT LIST line per matching client (each ends in '\n'), in id order.
  virtual std::string ClientList(const ClientFilter& filter) = 0;
  // The CLIENT INFO line of one client.
  virtual std::string ClientInfoLine(const ClientState& client) = 0;
  // Closes every matching client (after its pending replies); returns how many.
  virtual int KillClients(const ClientFilter& filter) = 0;
  // Begins a graceful shutdown: stop accepting, close clients, exit 0.
  virtual void RequestShutdown(ShutdownMode mode) = 0;
  virtual uint64_t connected_clients() const = 0;
};

}  // namespace cachet::commands
