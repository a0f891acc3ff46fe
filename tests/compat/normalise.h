// Rewriting replies by the comparison rules of a step (@unordered, @any-int, ...) before diffing.
#pragma once

#include <string>
#include <string_view>

#include "case_file.h"

namespace cachet::compat {

// True when `rules` change how replies compare (beyond byte equality).
bool HasRules(const CompareRules& rules);

// Applies the comparison rules to every reply in `bytes` and returns the rewritten bytes: the
// form two servers' replies are compared in. Bytes that do not parse as RESP are kept as they
// are. Integers become ":<int>", ignored fields "+<ignored>", a type-only reply "T<any>".
std::string Normalise(std::string_view bytes, const CompareRules& rules);

}  // namespace cachet::compat
