// The compat case-file format: groups of commands and directives (see tests/compat/README.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cachet::compat {

// How one reply is compared, set by the modifier directives that precede a step.
struct CompareRules {
  // @unordered [PATH...]: the aggregate at each path has its elements compared as a multiset.
  // A path is dot-separated element indexes from the top ("" is the reply itself, "0.9" the
  // tenth element of the first element); "*" matches every index.
  std::vector<std::string> unordered;
  bool any_int = false;                    // @any-int: every integer reply compares equal
  bool type_only = false;                  // @type-only: only the reply's RESP type counts
  std::vector<std::string> ignore_fields;  // @ignore-fields: values of these map keys ignored
  bool no_reply = false;                   // @noreply: the server must send nothing
  bool expect_close = false;               // @close: the server closes after replying
};

struct Step {
  enum class Kind {
    kCommand,     // argv sent as a RESP multibulk; one reply read
    kRaw,         // bytes sent as they are; everything read until the server closes
    kRawReplies,  // bytes sent as they are; `replies` replies read
    kProto,       // HELLO <proto> now and after every reconnect of this connection
    kReconnect,   // the current connection is replaced by a fresh one
    kConnection,  // switch to the connection called `name` (opened on first use)
  };
  Kind kind = Kind::kCommand;
  int line = 0;
  std::string source;  // the line as written, for messages
  std::vector<std::string> argv;
  std::string bytes;
  int replies = 0;
  int proto = 2;
  std::string name;
  CompareRules rules;
};

struct Group {
  std::string name;
  int line = 0;
  std::vector<Step> steps;
};

struct CaseFile {
  std::string path;
  // Command-line words given to both servers at start, from @config lines.
  std::vector<std::string> server_args;
  // The requirepass value from @config, used by the runner's own housekeeping connection.
  std::string password;
  std::vector<Group> groups;
};

// Splits a line into words the way Redis's sdssplitargs does: double quotes with \n \r \t \b
// \a \\ \" and \xHH escapes, single quotes with \' only, and a closing quote that must be
// followed by a space or the end. Returns false on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out);

// Parses a case file's text. On error returns false and sets *error to "path:line: reason".
bool ParseCaseFile(const std::string& path, std::string_view text, CaseFile* out,
                   std::string* error);

// Reads and parses a case file from disk.
bool LoadCaseFile(const std::string& path, CaseFile* out, std::string* error);

}  // namespace cachet::compat
