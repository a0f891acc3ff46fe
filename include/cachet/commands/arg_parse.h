// Parsing (and Redis's formatting) of numeric command arguments, with Redis's exact rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cachet::commands {

// Redis's string2ll: the canonical decimal form of an int64 only ("-5", "0"; not "+1", "01",
// "-0", " 1", "" or anything out of range).
bool ParseInt64(std::string_view s, int64_t* out);
// Redis's getDoubleFromObject: strtod over the whole string, no leading space, not NaN;
// "inf", "-inf", "+inf" accepted.
bool ParseDouble(std::string_view s, double* out);
// Redis's getLongDoubleFromObject (INCRBYFLOAT): strtold rules as above.
bool ParseLongDouble(std::string_view s, long double* out);
// Redis's MAX_LONG_DOUBLE_CHARS: the longest long double text it parses or formats.
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;
// Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with the trailing zeros after the point (and a
// bare point) removed, "-0" written as "0", infinities as "inf" / "-inf". buf holds
// kMaxLongDoubleChars bytes; an empty view when the text would not fit.
std::string_view FormatLongDoubleHuman(long double v, char* buf);
// Case-insensitive ASCII comparison.
bool EqualsNoCase(std::string_view a, std::string_view b);

}  // namespace cachet::commands
