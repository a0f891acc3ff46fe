// Builds RESP2 or RESP3 replies into a caller-owned buffer from one set of calls.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace cachet::protocol {

// Writes replies for one connection. The same calls produce RESP2 or RESP3 depending on
// protocol(); RESP3-only types degrade as Redis degrades them for RESP2 clients.
class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out, int protocol = 2) : out_(out), protocol_(protocol) {}

  int protocol() const { return protocol_; }
  void set_protocol(int protocol) { protocol_ = protocol; }
  std::string* buffer() { return out_; }

  // "+OK\r\n"
  void Ok();
  // "+<s>\r\n"; \r and \n inside s are replaced by spaces.
  void SimpleString(std::string_view s);
  // "-<message>\r\n". message carries its own code ("ERR ...", "WRONGTYPE ..."); when it
  // does not start with a code-like upper-case word Redis's "ERR " is NOT added: callers pass
  // the exact text. A message already starting with '-' is not given a second one. \r and \n
  // are replaced by spaces. Counts one error reply (error_count()).
  void Error(std::string_view message);
  // ":<n>\r\n"
  void Integer(int64_t n);
  // "$<len>\r\n<s>\r\n"
  void Bulk(std::string_view s);
  // Null bulk: RESP2 "$-1\r\n", RESP3 "_\r\n".
  void Null();
  // Null array: RESP2 "*-1\r\n", RESP3 "_\r\n".
  void NullArray();
  // "*<n>\r\n"
  void ArrayHeader(size_t n);
  // RESP3 "%<n>\r\n"; RESP2 "*<2n>\r\n" (a flat array of key, value pairs).
  void MapHeader(size_t n);
  // RESP3 "~<n>\r\n"; RESP2 "*<n>\r\n".
  void SetHeader(size_t n);
  // RESP3 "><n>\r\n"; RESP2 "*<n>\r\n".
  void PushHeader(size_t n);
  // RESP3 ",<d>\r\n"; RESP2 a bulk string. Formatting is Redis 7.0's addReplyDouble, checked
  // against redis-server 7.0.15: infinities are "inf" / "-inf"; everything else is printf's
  // "%.17g" (so NaN is "nan" or "-nan" by its sign bit, and -0.0 is "-0"). Not the shortest
  // round-trip form: ZSCORE of 1.1 is "$18\r\n1.1000000000000001\r\n" in RESP2 and
  // ",1.1000000000000001\r\n" in RESP3; 3 is "$1\r\n3\r\n" / ",3\r\n"; 1e300 is
  // "1.0000000000000001e+300".
  void Double(double d);
  // RESP3 "#t\r\n"/"#f\r\n"; RESP2 ":1\r\n"/":0\r\n".
  void Bool(bool b);
  // RESP3 "(<digits>\r\n"; RESP2 a bulk string.
  void BigNumber(std::string_view digits);
  // RESP3 "=<len+4>\r\n<fmt>:<text>\r\n"; RESP2 a bulk string of text. fmt is 3 chars: as
  // in Redis, a shorter one is padded with spaces and a longer one cut.
  void Verbatim(std::string_view text, std::string_view format = "txt");
  // "*0\r\n"
  void EmptyArray() { ArrayHeader(0); }
  // Appends bytes already in RESP form.
  void Raw(std::string_view bytes) { out_->append(bytes); }

  // Number of Error() calls since construction (for stats).
  uint64_t error_count() const { return errors_; }

  // Called by every ReplyBuilder's Error() with the message (its leading '-' removed), on the
  // replying thread: the server's error statistics. nullptr (the default): none.
  using ErrorHook = void (*)(std::string_view message);
  static void SetErrorHook(ErrorHook hook) { error_hook_.store(hook, std::memory_order_relaxed); }

 private:
  void Header(char type, int64_t n);

  inline static std::atomic<ErrorHook> error_hook_{nullptr};

  std::string* out_;
  int protocol_;
  uint64_t errors_ = 0;
};

}  // namespace cachet::protocol
