// Reading RESP2/RESP3 replies out of a byte stream: where one reply ends, and its value tree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cachet::test {

enum class ExtentStatus {
  kComplete,    // one whole reply is at the front of the buffer
  kIncomplete,  // the buffer holds a prefix of a reply; more bytes are needed
  kMalformed,   // the bytes are not RESP
};

// Finds where the reply at the front of `buf` ends. On kComplete, *length is the byte count of
// that reply, including any RESP3 attribute ('|') that precedes it and every nested element of
// arrays, maps, sets and pushes. Accepts RESP2 and RESP3 replies alike.
ExtentStatus ReplyExtent(std::string_view buf, size_t* length);

// One reply, as a tree. Line types ('+', '-', ':', ',', '#', '(', '_') keep their line in
// `text`; bulk types ('$', '!', '=') keep their payload; aggregates ('*', '~', '>', '%') keep
// their elements (a map holds key, value, key, value...). An attribute ('|') holds its
// key/value pairs followed by the reply it annotates as the last element.
struct RespValue {
  char type = '_';
  bool null = false;  // "$-1" or "*-1"
  std::string text;
  std::vector<RespValue> elements;

  bool operator==(const RespValue&) const = default;
};

// Parses the reply at the front of `buf`. Returns the status of ReplyExtent; on kComplete fills
// *out and sets *length to the bytes it spans.
ExtentStatus ParseReply(std::string_view buf, RespValue* out, size_t* length);

// Writes `value` back as the exact RESP bytes it was parsed from.
std::string SerializeReply(const RespValue& value);

// Renders bytes for a human: printable ASCII as is, quotes and backslashes escaped, CR/LF/TAB
// as \r \n \t and everything else as \xHH.
std::string EscapeBytes(std::string_view bytes);

// Decodes C-style escapes (\r \n \t \a \b \\ \" \' \0 \xHH); other characters pass through.
// Returns false on a malformed \x escape.
bool UnescapeBytes(std::string_view text, std::string* out);

}  // namespace cachet::test
