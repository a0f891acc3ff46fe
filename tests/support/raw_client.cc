// Byte-level clients over TCP and unix sockets, for tests that must see the exact wire format.
#include "support/raw_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "support/resp_reader.h"

namespace cachet::test {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Connects `fd` to `addr`, waiting at most until `deadline`. Returns 0 or an errno value.
int ConnectWithDeadline(int fd, const sockaddr* addr, socklen_t len, Clock::time_point deadline) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = connect(fd, addr, len);
  int err = 0;
  if (rc != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      int n = poll(&pfd, 1, MillisLeft(deadline));
      if (n <= 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t errlen = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
      }
    }
  }
  fcntl(fd, F_SETFL, flags);
  return err;
}

// Retries a connection attempt made by `attempt` (returns a connected fd or -1) until deadline.
template <typename Attempt>
int RetryConnect(Millis timeout, Attempt attempt) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    int fd = attempt(deadline);
    if (fd >= 0) return fd;
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(Millis(10));
  }
}

}  // namespace

int ConnectTcpFd(int port, Millis timeout) {
  return RetryConnect(timeout, [port](Clock::time_point deadline) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ConnectWithDeadline(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr), deadline) != 0) {
      close(fd);
      return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  });
}

int ConnectUnixFd(const std::string& path, Millis timeout) {
  return RetryConnect(timeout, [&path](Clock::time_point deadline) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (ConnectWithDeadline(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr), deadline) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  });
}

RawClient::~RawClient() { Close(); }

RawClient::RawClient(RawClient&& other) noexcept { *this = std::move(other); }

RawClient& RawClient::operator=(RawClient&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    buffer_ = std::move(other.buffer_);
    eof_ = other.eof_;
    malformed_ = other.malformed_;
    other.fd_ = -1;
    other.buffer_.clear();
  }
  return *this;
}

bool RawClient::ConnectTcp(int port, Millis timeout) {
  Close();
  fd_ = ConnectTcpFd(port, timeout);
  return fd_ >= 0;
}

bool RawClient::ConnectUnix(const std::string& path, Millis timeout) {
  Close();
  fd_ = ConnectUnixFd(path, timeout);
  return fd_ >= 0;
}

void RawClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
  eof_ = false;
  malformed_ = false;
}

int RawClient::LocalPort() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (fd_ < 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

bool RawClient::Send(std::string_view bytes, Millis timeout) {
  if (fd_ < 0) return false;
  auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd pfd{fd_, POLLOUT, 0};
    int n = poll(&pfd, 1, MillisLeft(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    ssize_t sent = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool RawClient::Fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  while (true) {
    pollfd pfd{fd_, POLLIN, 0};
    int n = poll(&pfd, 1, MillisLeft(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    char chunk[64 * 1024];
    ssize_t got = recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (got <= 0) {
      eof_ = true;  // orderly close, or reset by the peer
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(got));
    return true;
  }
}

std::optional<std::string> RawClient::ReadReply(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    size_t length = 0;
    ExtentStatus status = ReplyExtent(buffer_, &length);
    if (status == ExtentStatus::kComplete) {
      std::string reply = buffer_.substr(0, length);
      buffer_.erase(0, length);
      return reply;
    }
    if (status == ExtentStatus::kMalformed) {
      malformed_ = true;
      return std::nullopt;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> RawClient::ReadReplies(size_t count, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    auto reply = ReadReply(std::chrono::duration_cast<Millis>(deadline - Clock::now()));
    if (!reply) return std::nullopt;
    out += *reply;
  }
  return out;
}

std::string RawClient::ReadUntilClosed(Millis timeout, bool* closed) {
  auto deadline = Clock::now() + timeout;
  while (Fill(deadline)) {
  }
  *closed = eof_;
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

std::string RawClient::Drain(Millis wait) {
  auto deadline = Clock::now() + wait;
  while (Fill(deadline)) {
    deadline = Clock::now();  // after the first arrival, only take what is already there
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

std::string RawRoundTrip(int port, std::string_view bytes, size_t replies, Millis timeout) {
  RawClient client;
  if (!client.ConnectTcp(port, timeout)) return "";
  if (!client.Send(bytes, timeout)) return "";
  auto deadline = Clock::now() + timeout;
  std::string out;
  for (size_t i = 0; i < replies; ++i) {
    auto reply = client.ReadReply(std::chrono::duration_cast<Millis>(deadline - Clock::now()));
    if (!reply) return out + client.buffered();
    out += *reply;
  }
  return out;
}

std::string EncodeCommand(const std::initializer_list<std::string_view>& argv) {
  return EncodeCommandArgs(argv);
}

}  // namespace cachet::test
