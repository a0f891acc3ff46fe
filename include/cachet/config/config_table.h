// Typed parsing and rendering of one directive's value, shared by the table and Config.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cachet/config/config.h"

namespace cachet::config {

// Renders a kBool/kInt/kMemory/kEnum value as CONFIG GET shows it: yes/no; decimal; octal
// for kOctal; "N%" for a kPercent value held as -N; unsigned decimal for kMemory; the enum
// word for the code ("unknown" when none matches).
std::string RenderNumeric(const Directive& d, int64_t num);

// Parses the words of a kBool/kInt/kMemory/kEnum directive (one word, or several for
// kBitFlags enums) with Redis's error texts, applying bounds, check_int and clamp.
Status ParseNumeric(const Directive& d, const std::vector<std::string>& words, int64_t* out);

// Expands a proc-title-template the way Redis validates it (title empty, the other
// variables from `config`); false when malformed, an unknown variable is used, or the
// expansion is blank.
bool ValidProcTitleTemplate(const std::string& tmpl, const Config& config);

}  // namespace cachet::config
