// Builders for Redis error strings that carry arguments.
#include "cachet/commands/errors.h"

#include <algorithm>
#include <cctype>

namespace cachet::commands::errors {

std::string UnknownCommand(std::string_view name, const std::string* args, size_t nargs) {
  // Redis: "unknown command '%.128s', with args beginning with: " then "'%.*s' " while the
  // collected args stay under 128 bytes.
  std::string out = "ERR unknown command '";
  out.append(name.substr(0, 128));
  out += "', with args beginning with: ";
  std::string collected;
  for (size_t i = 0; i < nargs && collected.size() < 128; ++i) {
    size_t room = 128 - collected.size();
    collected += '\'';
    collected.append(args[i].substr(0, room));
    collected += "' ";
  }
  out += collected;
  return out;
}

std::string UnknownSubcommand(std::string_view sub, std::string_view container) {
  std::string upper(container);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  std::string out = "ERR unknown subcommand '";
  out.append(sub.substr(0, 128));
  out += "'. Try ";
  out += upper;
  out += " HELP.";
  return out;
}

std::string WrongArity(std::string_view full_name) {
  std::string out = "ERR wrong number of arguments for '";
  out.append(full_name);
  out += "' command";
  return out;
}

}  // namespace cachet::commands::errors
