// Incremental parser of client requests: RESP multibulk and inline commands.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cachet::protocol {

// Redis's limits on what a client may send (server.h: PROTO_INLINE_MAX_SIZE, etc.).
struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  size_t max_inline = 64 * 1024;               // PROTO_INLINE_MAX_SIZE
  bool authenticated = true;  // false: Redis's stricter unauthenticated limits apply
};

// Redis's fixed limits for clients that have not authenticated yet (networking.c).
inline constexpr int64_t kUnauthenticatedMaxMultibulk = 10;
inline constexpr int64_t kUnauthenticatedMaxBulk = 16384;

enum class ParseStatus {
  kCommand,   // argv holds one complete command with at least one argument
  kNeedMore,  // every byte offered was consumed into parser state; feed more input
  kError,     // protocol error; error() has the message; the connection must close after reply
};

// Parses commands out of a byte stream that may be split anywhere. State is kept between
// calls, so a large bulk argument arriving in many reads is not rescanned.
//
// The accepted language is exactly Redis 7.0's processMultibulkBuffer/processInlineBuffer,
// quirks included: the two bytes after a bulk and the byte after a header's '\r' are skipped
// unchecked; a header or inline line holding a NUL byte before its terminator never completes
// (Redis scans with strchr) and fails only once the line passes max_inline bytes.
class RequestParser {
 public:
  // Parses at most one command from the front of `input`. Sets *consumed to the bytes taken
  // (the caller drops them). On kCommand, *argv holds the arguments (strings are reused
  // between calls to avoid allocations). Empty inline lines are skipped, as Redis skips them.
  // On kError, error() is Redis's text without the leading '-', e.g.
  // "ERR Protocol error: invalid bulk length".
  // argv need not be the same vector on every call: a partly read command is held inside
  // the parser and only handed over when complete. After kError every call returns kError
  // and consumes nothing until Reset().
  ParseStatus Parse(std::string_view input, size_t* consumed, std::vector<std::string>* argv);

  const std::string& error() const { return error_; }
  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }
  // True when a command has been partly read (bytes are held in parser state).
  bool in_progress() const;
  // Bytes currently buffered inside the parser (for the query-buffer limit).
  size_t buffered_bytes() const;
  // Forgets any partial command and a sticky error; keeps the limits.
  void Reset();

 private:
  enum class State {
    kStart,           // between commands
    kInline,          // reading an inline line up to '\n'
    kMultibulkCount,  // reading the "*<count>" line
    kBulkHeader,      // reading a "$<len>" line
    kBulkBody,        // reading bulk_len_ bytes of an argument
    kBulkTrailer,     // skipping the two bytes after a bulk
    kError,
  };
  enum class LineStatus { kLine, kNeedMore, kTooBig };

  // Reads a line ending at `terminator` from input[*pos..], joining bytes held from earlier
  // calls. On kLine, *line views the line (valid until pending_ changes) and *pos is past the
  // terminator (and, for '\r', the byte after it). Otherwise all input was consumed.
  LineStatus ReadLine(std::string_view input, size_t* pos, char terminator, std::string_view* line);
  void ClearLine();
  ParseStatus Fail(std::string message);
  // Hands the finished command to *argv and returns to kStart.
  void Finish(std::vector<std::string>* argv);

  ParserLimits limits_;
  State state_ = State::kStart;
  int64_t multibulk_remaining_ = 0;  // arguments still to read
  int64_t bulk_len_ = -1;            // length of the bulk being read, -1 when reading its header
  size_t trailer_left_ = 0;          // bytes of the bulk's trailing CRLF still to skip
  size_t argc_ = 0;                  // arguments filled so far
  size_t args_bytes_ = 0;            // bytes in the finished arguments of this command
  std::vector<std::string> args_;    // argument slots, reused between commands
  std::string pending_;              // partial header line or inline line
  size_t line_bytes_ = 0;            // bytes of a line that can never complete (NUL inside)
  bool line_cr_seen_ = false;        // header line's '\r' read; one more byte ends it
  bool line_poisoned_ = false;       // a NUL came before the terminator
  std::string error_;
};

// Splits an inline command line the way Redis's sdssplitargs does (quotes, \xHH and \n-style
// escapes). Returns false on unbalanced quotes. *out is resized to the number of arguments;
// its existing strings are reused.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out);

}  // namespace cachet::protocol
