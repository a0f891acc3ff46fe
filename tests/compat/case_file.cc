// The compat case-file format: groups of commands and directives (see tests/compat/README.md).
#include "case_file.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "support/resp_reader.h"

namespace cachet::compat {
namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (std::tolower(static_cast<unsigned char>(c)) - 'a') + 10;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool ParseCount(std::string_view word, int* value) {
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), *value);
  return ec == std::errc() && end == word.data() + word.size() && *value >= 0;
}

// Accumulates the parse of one file.
class Parser {
 public:
  Parser(const std::string& path, CaseFile* out, std::string* error)
      : path_(path), out_(out), error_(error) {}

  bool Line(int number, std::string_view raw) {
    line_ = number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') return true;
    if (line.substr(0, 3) == "---") {
      Group group;
      group.name = std::string(Trim(line.substr(3)));
      group.line = number;
      out_->groups.push_back(std::move(group));
      return true;
    }
    if (line.front() == '@') return Directive(line, raw);
    Step step = NewStep(line);
    step.kind = Step::Kind::kCommand;
    if (!SplitArgs(line, &step.argv)) return Fail("unbalanced quotes");
    if (step.argv.empty()) return Fail("empty command");
    return Add(std::move(step));
  }

  bool Finish() {
    if (pending_set_) return Fail("a modifier at the end of the file applies to nothing");
    return true;
  }

 private:
  bool Directive(std::string_view line, std::string_view raw) {
    size_t space = line.find_first_of(" \t");
    std::string_view name = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    std::vector<std::string> words;

    if (name == "@raw" || name == "@raw-replies") {
      // The bytes are everything after one separating space, escapes decoded; the line is
      // taken untrimmed at its end so trailing spaces in an inline command survive.
      std::string_view body = raw.substr(raw.find(name) + name.size());
      if (!body.empty()) body.remove_prefix(1);
      while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
      Step step = NewStep(line);
      step.kind = Step::Kind::kRaw;
      if (name == "@raw-replies") {
        size_t sp = body.find(' ');
        if (sp == std::string_view::npos || !ParseCount(body.substr(0, sp), &step.replies)) {
          return Fail("@raw-replies needs a reply count and bytes");
        }
        body.remove_prefix(sp + 1);
        step.kind = Step::Kind::kRawReplies;
      }
      if (!test::UnescapeBytes(body, &step.bytes)) return Fail("bad \\x escape");
      if (step.bytes.empty()) return Fail("nothing to send");
      return Add(std::move(step));
    }

    if (!SplitArgs(rest, &words)) return Fail("unbalanced quotes");
    if (name == "@config") {
      if (!out_->groups.empty()) return Fail("@config must come before the first group");
      if (words.empty()) return Fail("@config needs a directive");
      out_->server_args.push_back("--" + words[0]);
      for (size_t i = 1; i < words.size(); ++i) out_->server_args.push_back(words[i]);
      if (words[0] == "requirepass" && words.size() > 1) out_->password = words[1];
      return true;
    }
    if (name == "@proto") {
      Step step = NewStep(line);
      step.kind = Step::Kind::kProto;
      if (words.size() != 1 || !ParseCount(words[0], &step.proto)) {
        return Fail("@proto needs 2 or 3");
      }
      return Add(std::move(step));
    }
    if (name == "@reconnect") {
      Step step = NewStep(line);
      step.kind = Step::Kind::kReconnect;
      return Add(std::move(step));
    }
    if (name == "@conn") {
      if (words.size() != 1) return Fail("@conn needs a connection name");
      Step step = NewStep(line);
      step.kind = Step::Kind::kConnection;
      step.name = words[0];
      return Add(std::move(step));
    }
    pending_set_ = true;
    if (name == "@unordered") {
      if (words.empty()) words.push_back("");
      for (const std::string& path : words) {
        for (size_t i = 0; i < path.size(); ++i) {
          if (!std::isdigit(static_cast<unsigned char>(path[i])) && path[i] != '.' &&
              path[i] != '*') {
            return Fail("@unordered paths are indexes joined by '.', or '*'");
          }
        }
        pending_.unordered.push_back(path);
      }
    } else if (name == "@any-int") {
      pending_.any_int = true;
    } else if (name == "@type-only") {
      pending_.type_only = true;
    } else if (name == "@noreply") {
      pending_.no_reply = true;
    } else if (name == "@close") {
      pending_.expect_close = true;
    } else if (name == "@ignore-fields") {
      if (words.empty()) return Fail("@ignore-fields needs field names");
      pending_.ignore_fields.insert(pending_.ignore_fields.end(), words.begin(), words.end());
    } else {
      return Fail("unknown directive " + std::string(name));
    }
    return true;
  }

  Step NewStep(std::string_view line) {
    Step step;
    step.line = line_;
    step.source = std::string(line);
    return step;
  }

  bool Add(Step step) {
    if (pending_set_) {
      if (step.kind == Step::Kind::kProto || step.kind == Step::Kind::kReconnect ||
          step.kind == Step::Kind::kConnection) {
        return Fail("a modifier must be followed by a command or @raw");
      }
      step.rules = pending_;
      pending_ = CompareRules{};
      pending_set_ = false;
    }
    if (out_->groups.empty()) {
      Group group;
      group.name = "(top)";
      group.line = line_;
      out_->groups.push_back(std::move(group));
    }
    out_->groups.back().steps.push_back(std::move(step));
    return true;
  }

  bool Fail(const std::string& reason) {
    *error_ = path_ + ":" + std::to_string(line_) + ": " + reason;
    return false;
  }

  std::string path_;
  CaseFile* out_;
  std::string* error_;
  int line_ = 0;
  CompareRules pending_;
  bool pending_set_ = false;
};

}  // namespace

bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string current;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHex(line[i + 2]) &&
            IsHex(line[i + 3])) {
          current.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n':
              current.push_back('\n');
              break;
            case 'r':
              current.push_back('\r');
              break;
            case 't':
              current.push_back('\t');
              break;
            case 'b':
              current.push_back('\b');
              break;
            case 'a':
              current.push_back('\a');
              break;
            default:
              current.push_back(line[i]);
          }
        } else if (c == '"') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          current.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          continue;
        }
        switch (line[i]) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            current.push_back(line[i]);
        }
      }
      if (i < n) ++i;
    }
    out->push_back(std::move(current));
  }
}

bool ParseCaseFile(const std::string& path, std::string_view text, CaseFile* out,
                   std::string* error) {
  *out = CaseFile{};
  out->path = path;
  Parser parser(path, out, error);
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!parser.Line(++number, line)) return false;
  }
  return parser.Finish();
}

bool LoadCaseFile(const std::string& path, CaseFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot read";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseCaseFile(path, ss.str(), out, error);
}

}  // namespace cachet::compat
