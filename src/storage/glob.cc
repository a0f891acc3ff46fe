// Glob matching, a faithful port of Redis 7.0's stringmatchlen_impl (util.c).
#include "cachet/storage/glob.h"

#include <cctype>

namespace cachet::storage {
namespace {

constexpr int kMaxNesting = 1000;

// Bytes are plain `char`, signed on x86 as in Redis, which matters for ranges over bytes
// >= 0x80. Reading one past the end yields '\0', as the C original reading an sds does.
int Lower(char c) { return std::tolower(static_cast<int>(c)); }

bool MatchImpl(const char* pattern_base, int pattern_len, const char* string_base, int string_len,
               bool nocase, bool* skip_longer, int nesting) {
  if (nesting > kMaxNesting) return false;
  // Positions into the original buffers; `pattern_len`/`string_len` count what is left.
  const char* const pattern_end = pattern_base + pattern_len;
  const char* const string_end = string_base + string_len;
  const char* pattern = pattern_base;
  const char* string = string_base;
  auto pat = [&](int i) -> char { return pattern + i < pattern_end ? pattern[i] : '\0'; };
  auto str = [&](int i) -> char { return string + i < string_end ? string[i] : '\0'; };

  while (pattern_len && string_len) {
    switch (pat(0)) {
      case '*':
        while (pattern_len && pat(1) == '*') {
          pattern++;
          pattern_len--;
        }
        if (pattern_len == 1) return true;
        while (string_len) {
          if (MatchImpl(pattern + 1, pattern_len - 1, string, string_len, nocase, skip_longer,
                        nesting + 1)) {
            return true;
          }
          if (*skip_longer) return false;
          string++;
          string_len--;
        }
        // No match for the rest of the pattern anywhere in the rest of the string: longer
        // matches for earlier stars cannot help either.
        *skip_longer = true;
        return false;
      case '?':
        string++;
        string_len--;
        break;
      case '[': {
        pattern++;
        pattern_len--;
        const bool negate = pat(0) == '^';
        if (negate) {
          pattern++;
          pattern_len--;
        }
        bool match = false;
        while (true) {
          if (pat(0) == '\\' && pattern_len >= 2) {
            pattern++;
            pattern_len--;
            if (pat(0) == str(0)) match = true;
          } else if (pat(0) == ']') {
            break;
          } else if (pattern_len == 0) {
            pattern--;
            pattern_len++;
            break;
          } else if (pattern_len >= 3 && pat(1) == '-') {
            int start = pat(0);
            int end = pat(2);
            int c = str(0);
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = std::tolower(start);
              end = std::tolower(end);
              c = std::tolower(c);
            }
            pattern += 2;
            pattern_len -= 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (pat(0) == str(0)) match = true;
          } else if (Lower(pat(0)) == Lower(str(0))) {
            match = true;
          }
          pattern++;
          pattern_len--;
        }
        if (negate) match = !match;
        if (!match) return false;
        string++;
        string_len--;
        break;
      }
      case '\\':
        if (pattern_len >= 2) {
          pattern++;
          pattern_len--;
        }
        [[fallthrough]];
      default:
        if (!nocase) {
          if (pat(0) != str(0)) return false;
        } else if (Lower(pat(0)) != Lower(str(0))) {
          return false;
        }
        string++;
        string_len--;
        break;
    }
    pattern++;
    pattern_len--;
    if (string_len == 0) {
      while (pat(0) == '*') {
        pattern++;
        pattern_len--;
      }
      break;
    }
  }
  return pattern_len == 0 && string_len == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer = false;
  return MatchImpl(pattern.data(), static_cast<int>(pattern.size()), str.data(),
                   static_cast<int>(str.size()), nocase, &skip_longer, 0);
}

}  // namespace cachet::storage
