// Arguments of the SCAN family.
#include "cachet/commands/scan_args.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <limits>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/errors.h"

namespace cachet::commands {
namespace {

// Counts are capped so that count * 10 (the bucket budget of a step) fits any 64-bit integer.
constexpr size_t kMaxScanCount = std::numeric_limits<int64_t>::max() / 16;

}  // namespace

bool ParseScanCursor(const std::string& arg, uint64_t* cursor) {
  if (!arg.empty() && std::isspace(static_cast<unsigned char>(arg[0]))) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(arg.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *cursor = v;
  return true;
}

bool ParseScanArgs(CommandContext& ctx, size_t cursor_index, bool allow_type, ScanArgs* out) {
  if (!ParseScanCursor(ctx.argv[cursor_index], &out->cursor)) {
    ctx.reply.Error(errors::kInvalidCursor);
    return false;
  }
  return ParseScanOptions(ctx, cursor_index + 1, allow_type, out);
}

bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanArgs* out) {
  const auto& argv = ctx.argv;
  for (size_t i = first; i < argv.size(); i += 2) {
    const bool has_value = i + 1 < argv.size();
    // Option names compare as C strings, up to a NUL byte, as Redis's strcasecmp.
    const std::string_view opt(argv[i].c_str());
    if (EqualsNoCase(opt, "count") && has_value) {
      int64_t count;
      if (!ParseInt64(argv[i + 1], &count)) {
        ctx.reply.Error(errors::kNotInteger);
        return false;
      }
      if (count < 1) {
        ctx.reply.Error(errors::kSyntax);
        return false;
      }
      out->count =
          static_cast<uint64_t>(count) > kMaxScanCount ? kMaxScanCount : static_cast<size_t>(count);
    } else if (EqualsNoCase(opt, "match") && has_value) {
      out->pattern = argv[i + 1];
    } else if (allow_type && EqualsNoCase(opt, "type") && has_value) {
      out->type = argv[i + 1];
    } else {
      ctx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace cachet::commands
