// Incremental RESP multibulk and inline request parser, faithful to Redis 7.0's networking.c.
#include "cachet/protocol/request_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

namespace cachet::protocol {
namespace {

// A bulk's buffer is reserved up front only up to this size, or the bytes already received if
// more; beyond it the buffer grows as bytes arrive, so a client announcing a huge length
// cannot make us allocate it for free.
constexpr size_t kReserveCap = 1024 * 1024;
// Argument slots kept for reuse after a command (Redis caps its argv preallocation alike).
constexpr size_t kMaxKeptSlots = 1024;
// Redis's LONG_STR_SIZE: string2ll rejects strings this long or longer.
constexpr size_t kLongStrSize = 21;

// Redis's string2ll (util.c): optional '-', no leading zeros, no '+', no spaces, no overflow.
bool String2ll(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() >= kLongStrSize) return false;
  if (s.size() == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < '0' || c > '9') return false;
    if (v > UINT64_MAX / 10) return false;
    v *= 10;
    if (v > UINT64_MAX - (c - '0')) return false;
    v += c - '0';
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

// isspace() in the C locale.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The byte that a backslash followed by c stands for inside double quotes.
char Unescaped(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// sdssplitargs over a line without NUL bytes, writing tokens into (*slots)[0..n) and reusing
// the strings already there. Returns n, or -1 on unbalanced quotes. Never shrinks *slots.
int SplitArgsInto(std::string_view s, std::vector<std::string>* slots) {
  const size_t n = s.size();
  // The byte at i, or the terminating NUL sdssplitargs would see past the end.
  auto at = [&](size_t i) { return i < n ? s[i] : '\0'; };
  size_t count = 0;
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(s[i])) ++i;
    if (i >= n) return static_cast<int>(count);
    if (count == slots->size()) slots->emplace_back();
    std::string& current = (*slots)[count];
    current.clear();
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(i);
      if (in_double) {
        if (c == '\\' && at(i + 1) == 'x' && IsHexDigit(at(i + 2)) && IsHexDigit(at(i + 3))) {
          current.push_back(
              static_cast<char>(HexDigitValue(at(i + 2)) * 16 + HexDigitValue(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          ++i;
          current.push_back(Unescaped(at(i)));
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end of the line.
          if (at(i + 1) != '\0' && !IsSpace(at(i + 1))) return -1;
          done = true;
        } else if (c == '\0') {
          return -1;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(i + 1) == '\'') {
          ++i;
          current.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !IsSpace(at(i + 1))) return -1;
          done = true;
        } else if (c == '\0') {
          return -1;
        } else {
          current.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            current.push_back(c);
            break;
        }
      }
      if (i < n) ++i;
    }
    ++count;
  }
}

// Redis replaces \r and \n in error text by spaces before replying.
std::string Sanitized(std::string s) {
  std::replace(s.begin(), s.end(), '\r', ' ');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out) {
  // sdssplitargs works on a C string: a NUL ends the line.
  line = line.substr(0, std::min(line.size(), line.find('\0')));
  int n = SplitArgsInto(line, out);
  if (n < 0) {
    out->clear();
    return false;
  }
  out->resize(static_cast<size_t>(n));
  return true;
}

bool RequestParser::in_progress() const {
  return state_ != State::kStart && state_ != State::kError;
}

size_t RequestParser::buffered_bytes() const {
  size_t n = pending_.size() + line_bytes_ + args_bytes_;
  if (state_ == State::kBulkBody || state_ == State::kBulkTrailer) n += args_[argc_].size();
  return n;
}

void RequestParser::Reset() {
  state_ = State::kStart;
  multibulk_remaining_ = 0;
  bulk_len_ = -1;
  trailer_left_ = 0;
  argc_ = 0;
  args_bytes_ = 0;
  ClearLine();
  error_.clear();
}

void RequestParser::ClearLine() {
  pending_.clear();
  line_bytes_ = 0;
  line_cr_seen_ = false;
  line_poisoned_ = false;
}

ParseStatus RequestParser::Fail(std::string message) {
  error_ = Sanitized(std::move(message));
  state_ = State::kError;
  ClearLine();
  argc_ = 0;
  args_bytes_ = 0;
  multibulk_remaining_ = 0;
  bulk_len_ = -1;
  return ParseStatus::kError;
}

void RequestParser::Finish(std::vector<std::string>* argv) {
  argv->resize(argc_);
  for (size_t i = 0; i < argc_; ++i) (*argv)[i].swap(args_[i]);
  if (args_.size() > kMaxKeptSlots) {
    args_.resize(kMaxKeptSlots);
    args_.shrink_to_fit();
  }
  state_ = State::kStart;
  argc_ = 0;
  args_bytes_ = 0;
  multibulk_remaining_ = 0;
  bulk_len_ = -1;
}

RequestParser::LineStatus RequestParser::ReadLine(std::string_view input, size_t* pos,
                                                  char terminator, std::string_view* line) {
  if (line_cr_seen_) {
    // Redis skips the byte after a header's '\r' without looking at it.
    if (*pos == input.size()) return LineStatus::kNeedMore;
    ++*pos;
    line_cr_seen_ = false;
    *line = pending_;
    return LineStatus::kLine;
  }
  const std::string_view rest = input.substr(*pos);
  if (line_poisoned_) {
    line_bytes_ += rest.size();
    *pos = input.size();
    return line_bytes_ > limits_.max_inline ? LineStatus::kTooBig : LineStatus::kNeedMore;
  }
  const char* end = static_cast<const char*>(std::memchr(rest.data(), terminator, rest.size()));
  const size_t scan = end != nullptr ? static_cast<size_t>(end - rest.data()) : rest.size();
  if (std::memchr(rest.data(), '\0', scan) != nullptr) {
    // Redis looks for the terminator with strchr, which stops at the NUL: this line can never
    // end, and only the length check can still fire.
    line_poisoned_ = true;
    line_bytes_ = pending_.size() + rest.size();
    pending_.clear();
    *pos = input.size();
    return line_bytes_ > limits_.max_inline ? LineStatus::kTooBig : LineStatus::kNeedMore;
  }
  if (end == nullptr) {
    *pos = input.size();
    if (pending_.size() + rest.size() > limits_.max_inline) return LineStatus::kTooBig;
    pending_.append(rest);
    return LineStatus::kNeedMore;
  }
  size_t taken = scan + 1;
  if (terminator == '\r') {
    if (taken == rest.size()) {
      pending_.append(rest.substr(0, scan));
      line_cr_seen_ = true;
      *pos = input.size();
      return LineStatus::kNeedMore;
    }
    ++taken;
  }
  if (pending_.empty()) {
    *line = rest.substr(0, scan);
  } else {
    pending_.append(rest.substr(0, scan));
    *line = pending_;
  }
  *pos += taken;
  return LineStatus::kLine;
}

ParseStatus RequestParser::Parse(std::string_view input, size_t* consumed,
                                 std::vector<std::string>* argv) {
  size_t pos = 0;
  std::string_view line;
  while (true) {
    switch (state_) {
      case State::kError:
        *consumed = 0;
        return ParseStatus::kError;

      case State::kStart:
        if (pos == input.size()) {
          *consumed = pos;
          return ParseStatus::kNeedMore;
        }
        state_ = input[pos] == '*' ? State::kMultibulkCount : State::kInline;
        break;

      case State::kInline: {
        LineStatus status = ReadLine(input, &pos, '\n', &line);
        *consumed = pos;
        if (status == LineStatus::kTooBig)
          return Fail("ERR Protocol error: too big inline request");
        if (status == LineStatus::kNeedMore) return ParseStatus::kNeedMore;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const int n = SplitArgsInto(line, &args_);
        ClearLine();
        if (n < 0) return Fail("ERR Protocol error: unbalanced quotes in request");
        if (n == 0) {
          state_ = State::kStart;  // an empty line is no command
          break;
        }
        argc_ = static_cast<size_t>(n);
        Finish(argv);
        return ParseStatus::kCommand;
      }

      case State::kMultibulkCount: {
        LineStatus status = ReadLine(input, &pos, '\r', &line);
        *consumed = pos;
        if (status == LineStatus::kTooBig) {
          return Fail("ERR Protocol error: too big mbulk count string");
        }
        if (status == LineStatus::kNeedMore) return ParseStatus::kNeedMore;
        int64_t count = 0;
        const bool ok = String2ll(line.substr(1), &count);
        ClearLine();
        if (!ok || count > INT_MAX) return Fail("ERR Protocol error: invalid multibulk length");
        if (count > kUnauthenticatedMaxMultibulk && !limits_.authenticated) {
          return Fail("ERR Protocol error: unauthenticated multibulk length");
        }
        if (count <= 0) {
          state_ = State::kStart;  // "*0" and "*-1" are no command
          break;
        }
        multibulk_remaining_ = count;
        argc_ = 0;
        args_bytes_ = 0;
        args_.reserve(std::min<size_t>(static_cast<size_t>(count), kMaxKeptSlots));
        state_ = State::kBulkHeader;
        break;
      }

      case State::kBulkHeader: {
        LineStatus status = ReadLine(input, &pos, '\r', &line);
        *consumed = pos;
        if (status == LineStatus::kTooBig) {
          return Fail("ERR Protocol error: too big bulk count string");
        }
        if (status == LineStatus::kNeedMore) return ParseStatus::kNeedMore;
        // An empty line's first byte is its '\r'.
        const char first = line.empty() ? '\r' : line[0];
        if (first != '$') {
          return Fail(std::string("ERR Protocol error: expected '$', got '") + first + "'");
        }
        int64_t len = 0;
        const bool ok = String2ll(line.substr(1), &len);
        ClearLine();
        if (!ok || len < 0 || len > limits_.max_bulk_len) {
          return Fail("ERR Protocol error: invalid bulk length");
        }
        if (len > kUnauthenticatedMaxBulk && !limits_.authenticated) {
          return Fail("ERR Protocol error: unauthenticated bulk length");
        }
        bulk_len_ = len;
        if (argc_ == args_.size()) args_.emplace_back();
        std::string& arg = args_[argc_];
        const size_t size = static_cast<size_t>(len);
        // Let go of a large buffer left by an earlier command when this argument is small.
        if (arg.capacity() > kReserveCap && arg.capacity() / 2 > size) std::string().swap(arg);
        arg.clear();
        arg.reserve(std::min(size, std::max(kReserveCap, input.size() - pos)));
        state_ = State::kBulkBody;
        break;
      }

      case State::kBulkBody: {
        std::string& arg = args_[argc_];
        const size_t size = static_cast<size_t>(bulk_len_);
        const size_t take = std::min(size - arg.size(), input.size() - pos);
        if (take > 0) {
          const size_t need = arg.size() + take;
          if (need > arg.capacity())
            arg.reserve(std::min(size, std::max(need, 2 * arg.capacity())));
          arg.append(input.data() + pos, take);
          pos += take;
        }
        if (arg.size() < size) {
          *consumed = pos;
          return ParseStatus::kNeedMore;
        }
        trailer_left_ = 2;
        state_ = State::kBulkTrailer;
        break;
      }

      case State::kBulkTrailer: {
        // Redis skips the two bytes after a bulk without checking they are "\r\n".
        const size_t take = std::min(trailer_left_, input.size() - pos);
        pos += take;
        trailer_left_ -= take;
        if (trailer_left_ > 0) {
          *consumed = pos;
          return ParseStatus::kNeedMore;
        }
        args_bytes_ += static_cast<size_t>(bulk_len_);
        bulk_len_ = -1;
        ++argc_;
        if (--multibulk_remaining_ == 0) {
          *consumed = pos;
          Finish(argv);
          return ParseStatus::kCommand;
        }
        state_ = State::kBulkHeader;
        break;
      }
    }
  }
}

}  // namespace cachet::protocol
