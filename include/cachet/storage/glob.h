// Redis's glob-style matcher (util.c stringmatchlen) for KEYS, SCAN MATCH and friends.
#pragma once

#include <string_view>

namespace cachet::storage {

// Returns whether `str` matches `pattern` exactly as Redis 7.0's stringmatchlen() decides:
//   *        any run of bytes (including none)     ?      exactly one byte
//   [abc]    one of the listed bytes               [^abc] one byte not listed
//   [a-z]    a byte in the range (reversed ranges such as [z-a] work the same way)
//   \x       the byte x literally (also inside brackets)
// An unterminated '[' matches as if closed at the end of the pattern. Like Redis 7.0, no
// pattern matches the empty string except the empty pattern (not even "*"). With nocase, bytes are
// compared after tolower(). Patterns nesting '*' deeper than Redis's limit (1000) do not
// match, and the work done on pathological patterns is polynomial, as in Redis.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// True when `pattern` is "*": KEYS and SCAN then skip matching altogether, as Redis does,
// which is also what makes "*" list an empty key.
inline bool GlobMatchesAll(std::string_view pattern) { return pattern == "*"; }

}  // namespace cachet::storage
