// Pub/sub fan-out load generator for bench/pubsub.sh: one publisher, N subscribers.
//
//   pubsub_load PORT SUBSCRIBERS MESSAGES [PAYLOAD_BYTES] [PIPELINE]
//
// Opens SUBSCRIBERS connections subscribed to one channel (each read by its own thread), then
// publishes MESSAGES messages of PAYLOAD_BYTES bytes from one connection, PIPELINE commands
// per write, and waits until every subscriber has received every message. Prints
// "<deliveries per second>" (SUBSCRIBERS * MESSAGES / seconds from the first publish to the
// last delivery) on stdout; exits non-zero when a subscriber is disconnected or a reply is
// not the expected subscriber count. Built by bench/pubsub.sh with the system compiler.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly n bytes into out; false when the peer closed.
bool ReadExactly(int fd, size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, out->data() + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

std::string Command(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PORT SUBSCRIBERS MESSAGES [PAYLOAD_BYTES] [PIPELINE]\n",
                 argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int subscribers = std::atoi(argv[2]);
  const long messages = std::atol(argv[3]);
  const size_t payload_size = argc > 4 ? static_cast<size_t>(std::atol(argv[4])) : 16;
  const long pipeline = argc > 5 ? std::atol(argv[5]) : 32;
  const std::string channel = "bench-channel";
  const std::string payload(payload_size, 'p');
  const std::string frame = "*3\r\n" + Bulk("message") + Bulk(channel) + Bulk(payload);
  const std::string confirm = "*3\r\n" + Bulk("subscribe") + Bulk(channel) + ":1\r\n";

  std::vector<int> fds;
  for (int i = 0; i < subscribers; ++i) {
    int fd = Connect(port);
    std::string got;
    if (fd < 0 || !SendAll(fd, Command({"SUBSCRIBE", channel})) ||
        !ReadExactly(fd, confirm.size(), &got) || got != confirm) {
      std::fprintf(stderr, "subscriber %d could not subscribe\n", i);
      return 1;
    }
    fds.push_back(fd);
  }
  std::atomic<int> failed{0};
  std::atomic<int> done{0};
  std::vector<std::thread> readers;
  const size_t expected = frame.size() * static_cast<size_t>(messages);
  for (int fd : fds) {
    readers.emplace_back([&, fd] {
      std::vector<char> buf(256 * 1024);
      size_t total = 0;
      while (total < expected) {
        ssize_t r = recv(fd, buf.data(), buf.size(), 0);
        if (r <= 0) {
          ++failed;
          return;
        }
        total += static_cast<size_t>(r);
      }
      ++done;
    });
  }

  int pub = Connect(port);
  if (pub < 0) return 1;
  const std::string one = Command({"PUBLISH", channel, payload});
  const std::string reply = ":" + std::to_string(subscribers) + "\r\n";
  const auto start = std::chrono::steady_clock::now();
  std::string batch, got;
  for (long sent = 0; sent < messages;) {
    const long n = std::min(pipeline, messages - sent);
    batch.clear();
    for (long i = 0; i < n; ++i) batch += one;
    if (!SendAll(pub, batch) || !ReadExactly(pub, reply.size() * static_cast<size_t>(n), &got)) {
      std::fprintf(stderr, "publisher lost its connection\n");
      return 1;
    }
    for (long i = 0; i < n; ++i) {
      if (got.compare(static_cast<size_t>(i) * reply.size(), reply.size(), reply) != 0) {
        std::fprintf(stderr, "unexpected PUBLISH reply: %s\n", got.substr(0, 32).c_str());
        return 1;
      }
    }
    sent += n;
  }
  for (auto& t : readers) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int fd : fds) close(fd);
  close(pub);
  if (failed.load() != 0) {
    std::fprintf(stderr, "%d subscriber(s) were disconnected\n", failed.load());
    return 1;
  }
  std::printf("%.0f\n", static_cast<double>(subscribers) * static_cast<double>(messages) / secs);
  return 0;
}
