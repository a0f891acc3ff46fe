// Redis's text primitives that the config layer reproduces exactly: word splitting, strict
// number parsing, glob matching, quoting and path joining.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachet::config {

// Redis's sdssplitargs: splits a line into words at blanks. "double quotes" take the escapes
// \n \r \t \b \a \xHH and \<any>; 'single quotes' take \'. A quote may open mid-word. Returns
// nullopt for unbalanced quotes or a closing quote not followed by a blank or the end.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// Redis's sdssplitlen with a one-byte separator: "" gives no words, "a  b" gives "a", "", "b".
std::vector<std::string> SplitOn(std::string_view s, char sep);

// Redis's string2ll: a strict base-10 signed 64-bit integer. "-0", "+1", "01", " 1", "" and
// out-of-range values are refused.
std::optional<int64_t> String2ll(std::string_view s);

// Redis's string2d: a whole-string strtod that refuses "", a leading blank, NaN and overflow.
std::optional<double> String2d(std::string_view s);

// Redis's stringmatchlen: glob with * ? [abc] [^a-z] and \ escapes.
bool StringMatch(std::string_view pattern, std::string_view str, bool nocase);

// Redis's sdscatrepr: the string in double quotes with \\ \" \n \r \t \a \b and \xHH escapes.
std::string Repr(std::string_view s);

// Redis's getAbsolutePath: trims blanks; a relative path is joined to the working directory,
// each leading "../" dropping one directory of it.
std::string AbsolutePath(std::string_view path);

// strerror(err) as a std::string.
std::string ErrnoText(int err);

}  // namespace cachet::config
