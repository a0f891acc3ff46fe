// Parsing of numeric command arguments with Redis's exact acceptance rules.
#pragma once

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
// Case-insensitive ASCII comparison.
bool EqualsNoCase(std::string_view a, std::string_view b);

}  // namespace cachet::commands
