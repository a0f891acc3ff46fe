// Byte-level clients over TCP and unix sockets, for tests that must see the exact wire format.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cachet::test {

using Millis = std::chrono::milliseconds;
inline constexpr Millis kDefaultIoTimeout{5000};

// Connects to 127.0.0.1:port, retrying refused connections until `timeout`. Returns a blocking
// socket (close-on-exec, SIGPIPE-free sends are up to the caller) or -1.
int ConnectTcpFd(int port, Millis timeout = kDefaultIoTimeout);
// Connects to a unix-domain socket, retrying until `timeout`. Returns the socket or -1.
int ConnectUnixFd(const std::string& path, Millis timeout = kDefaultIoTimeout);

// One connection that sends raw bytes and reads whole RESP replies back. Bytes that arrive
// beyond the reply asked for stay buffered for the next read, so pipelined replies are never
// lost. A connection reset by the peer counts as closed.
class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&& other) noexcept;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ConnectTcp(int port, Millis timeout = kDefaultIoTimeout);
  bool ConnectUnix(const std::string& path, Millis timeout = kDefaultIoTimeout);
  void Close();

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // The local TCP port of this connection (what the server shows as the client's addr port),
  // or -1 when it is not a TCP connection.
  int LocalPort() const;

  // Sends every byte. Returns false when the peer is gone (reset, broken pipe) or the send
  // timed out.
  bool Send(std::string_view bytes, Millis timeout = kDefaultIoTimeout);

  // Returns the raw bytes of the next whole reply, or nullopt when the peer closed, the
  // timeout passed, or the stream is not RESP (closed() and malformed() tell which).
  std::optional<std::string> ReadReply(Millis timeout = kDefaultIoTimeout);
  // Reads `count` replies and returns them concatenated; nullopt if any one is missing.
  std::optional<std::string> ReadReplies(size_t count, Millis timeout = kDefaultIoTimeout);
  // Returns every byte received until the peer closes (buffered bytes first). *closed tells
  // whether the close was seen before `timeout`.
  std::string ReadUntilClosed(Millis timeout, bool* closed);
  // Waits up to `wait` for bytes or a close; returns the bytes that arrived (possibly none).
  // With a zero wait it only collects what is already there.
  std::string Drain(Millis wait);

  // True once the peer has closed or reset the connection.
  bool closed() const { return eof_; }
  bool malformed() const { return malformed_; }
  // Bytes received and not yet returned.
  const std::string& buffered() const { return buffer_; }

 private:
  // Receives once into buffer_, waiting until `deadline`. Returns false on timeout or close.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  bool malformed_ = false;
};

// Connects to 127.0.0.1:port, sends `bytes` in one write, and returns the next `replies` whole
// replies concatenated. When the server closes first, returns what it sent before closing.
std::string RawRoundTrip(int port, std::string_view bytes, size_t replies = 1,
                         Millis timeout = kDefaultIoTimeout);

// Encodes a command as a RESP multibulk request.
std::string EncodeCommand(const std::initializer_list<std::string_view>& argv);
template <typename Container>
std::string EncodeCommandArgs(const Container& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& arg : argv) {
    std::string_view a(arg);
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a.data(), a.size());
    out += "\r\n";
  }
  return out;
}

}  // namespace cachet::test
