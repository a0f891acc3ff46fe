// Reading RESP2/RESP3 replies out of a byte stream: where one reply ends, and its value tree.
#include "support/resp_reader.h"

#include <charconv>
#include <cstdint>
#include <cstdio>

namespace cachet::test {
namespace {

// Nesting deeper than this is treated as malformed rather than risking the stack.
constexpr int kMaxDepth = 512;

// Reads the CRLF-terminated line that starts at *pos (after the type byte has been consumed).
ExtentStatus ReadLine(std::string_view buf, size_t* pos, std::string_view* line) {
  size_t cr = buf.find("\r\n", *pos);
  if (cr == std::string_view::npos) {
    // A lone '\n' before any CRLF means the stream is not RESP.
    if (buf.find('\n', *pos) != std::string_view::npos) return ExtentStatus::kMalformed;
    return ExtentStatus::kIncomplete;
  }
  *line = buf.substr(*pos, cr - *pos);
  *pos = cr + 2;
  return ExtentStatus::kComplete;
}

bool ParseInt(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

// Parses one value starting at *pos; `out` may be null when only the extent is wanted.
ExtentStatus ParseAt(std::string_view buf, size_t* pos, RespValue* out, int depth) {
  if (depth > kMaxDepth) return ExtentStatus::kMalformed;
  if (*pos >= buf.size()) return ExtentStatus::kIncomplete;
  char type = buf[*pos];
  ++*pos;
  std::string_view line;
  ExtentStatus status = ReadLine(buf, pos, &line);
  if (status != ExtentStatus::kComplete) return status;
  if (out != nullptr) out->type = type;

  switch (type) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '#':
    case '(':
    case '_':
      if (out != nullptr) out->text = std::string(line);
      return ExtentStatus::kComplete;
    case '$':
    case '!':
    case '=': {
      int64_t len;
      if (!ParseInt(line, &len) || len < -1) return ExtentStatus::kMalformed;
      if (len == -1) {
        if (out != nullptr) out->null = true;
        return ExtentStatus::kComplete;
      }
      if (buf.size() - *pos < static_cast<uint64_t>(len) + 2) return ExtentStatus::kIncomplete;
      if (buf.substr(*pos + len, 2) != "\r\n") return ExtentStatus::kMalformed;
      if (out != nullptr) out->text = std::string(buf.substr(*pos, len));
      *pos += len + 2;
      return ExtentStatus::kComplete;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      int64_t count;
      if (!ParseInt(line, &count) || count < -1) return ExtentStatus::kMalformed;
      if (count == -1) {
        if (type != '*') return ExtentStatus::kMalformed;
        if (out != nullptr) out->null = true;
        return ExtentStatus::kComplete;
      }
      int64_t elements = (type == '%' || type == '|') ? count * 2 : count;
      if (type == '|') ++elements;  // the annotated reply follows the attribute pairs
      for (int64_t i = 0; i < elements; ++i) {
        RespValue* child = nullptr;
        if (out != nullptr) child = &out->elements.emplace_back();
        status = ParseAt(buf, pos, child, depth + 1);
        if (status != ExtentStatus::kComplete) return status;
      }
      return ExtentStatus::kComplete;
    }
    default:
      return ExtentStatus::kMalformed;
  }
}

void SerializeTo(const RespValue& value, std::string* out) {
  out->push_back(value.type);
  switch (value.type) {
    case '$':
    case '!':
    case '=':
      if (value.null) {
        out->append("-1\r\n");
      } else {
        out->append(std::to_string(value.text.size())).append("\r\n");
        out->append(value.text).append("\r\n");
      }
      return;
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (value.null) {
        out->append("-1\r\n");
        return;
      }
      size_t count = value.elements.size();
      if (value.type == '%') count /= 2;
      if (value.type == '|') count = (count - 1) / 2;
      out->append(std::to_string(count)).append("\r\n");
      for (const RespValue& child : value.elements) SerializeTo(child, out);
      return;
    }
    default:
      out->append(value.text).append("\r\n");
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ExtentStatus ReplyExtent(std::string_view buf, size_t* length) {
  size_t pos = 0;
  ExtentStatus status = ParseAt(buf, &pos, nullptr, 0);
  if (status == ExtentStatus::kComplete) *length = pos;
  return status;
}

ExtentStatus ParseReply(std::string_view buf, RespValue* out, size_t* length) {
  size_t pos = 0;
  *out = RespValue{};
  ExtentStatus status = ParseAt(buf, &pos, out, 0);
  if (status == ExtentStatus::kComplete) *length = pos;
  return status;
}

std::string SerializeReply(const RespValue& value) {
  std::string out;
  SerializeTo(value, &out);
  return out;
}

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 8);
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(static_cast<char>(c));
        } else {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          out += hex;
        }
    }
  }
  return out;
}

bool UnescapeBytes(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out->push_back(c);
      continue;
    }
    char e = text[++i];
    switch (e) {
      case 'r':
        out->push_back('\r');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'a':
        out->push_back('\a');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case '0':
        out->push_back('\0');
        break;
      case 'x': {
        if (i + 2 >= text.size()) return false;
        int hi = HexDigit(text[i + 1]);
        int lo = HexDigit(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        out->push_back(e);  // \\ \" \' and any other escaped character stand for themselves
    }
  }
  return true;
}

}  // namespace cachet::test
