// RESP2/RESP3 reply encoding into a connection's output buffer.
#include "cachet/protocol/reply_builder.h"

#include <charconv>
#include <cmath>

namespace cachet::protocol {
namespace {

// Appends s with every \r and \n replaced by a space, so the text stays on one RESP line.
void AppendOneLine(std::string* out, std::string_view s) {
  size_t start = 0;
  while (true) {
    const size_t bad = s.find_first_of("\r\n", start);
    if (bad == std::string_view::npos) {
      out->append(s.substr(start));
      return;
    }
    out->append(s.substr(start, bad - start));
    out->push_back(' ');
    start = bad + 1;
  }
}

}  // namespace

void ReplyBuilder::Header(char type, int64_t n) {
  // Type byte, at most 20 characters of int64, CRLF.
  char buf[24];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buf, static_cast<size_t>(end - buf));
}

void ReplyBuilder::Ok() { out_->append("+OK\r\n"); }

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendOneLine(out_, s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view message) {
  ++errors_;
  if (ErrorHook hook = error_hook_.load(std::memory_order_relaxed)) {
    hook(!message.empty() && message.front() == '-' ? message.substr(1) : message);
  }
  if (message.empty() || message.front() != '-') out_->push_back('-');
  AppendOneLine(out_, message);
  out_->append("\r\n");
}

void ReplyBuilder::Integer(int64_t n) { Header(':', n); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Null() { out_->append(protocol_ >= 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyBuilder::NullArray() { out_->append(protocol_ >= 3 ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::ArrayHeader(size_t n) { Header('*', static_cast<int64_t>(n)); }

void ReplyBuilder::MapHeader(size_t n) {
  if (protocol_ >= 3) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(2 * n));
  }
}

void ReplyBuilder::SetHeader(size_t n) {
  Header(protocol_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::PushHeader(size_t n) {
  Header(protocol_ >= 3 ? '>' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::Double(double d) {
  if (std::isinf(d)) {
    if (protocol_ >= 3) {
      out_->append(d > 0 ? ",inf\r\n" : ",-inf\r\n");
    } else {
      Bulk(d > 0 ? "inf" : "-inf");
    }
    return;
  }
  // std::to_chars with general format and a precision is specified to match printf's "%.*g"
  // in the C locale, NaN spelling included.
  char buf[64];
  const char* end = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::general, 17).ptr;
  const std::string_view text(buf, static_cast<size_t>(end - buf));
  if (protocol_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool b) {
  if (protocol_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (protocol_ >= 3) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n");
  } else {
    Bulk(digits);
  }
}

void ReplyBuilder::Verbatim(std::string_view text, std::string_view format) {
  if (protocol_ < 3) {
    Bulk(text);
    return;
  }
  Header('=', static_cast<int64_t>(text.size() + 4));
  // Redis copies the format as a C string: it ends at a NUL or after 3 bytes, padded by spaces.
  bool ended = false;
  for (size_t i = 0; i < 3; ++i) {
    ended = ended || i >= format.size() || format[i] == '\0';
    out_->push_back(ended ? ' ' : format[i]);
  }
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n");
}

}  // namespace cachet::protocol
