// Readers for the oracle fixtures in tests/config/data (written by gen_oracle_fixtures.py).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cachet::config::testing {

inline std::string DataPath(const std::string& name) {
  return std::string(CACHET_SOURCE_DIR) + "/tests/config/data/" + name;
}

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Undoes the generator's escaping: \\ \n \t \xHH.
inline std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    if (c == 'n') {
      out.push_back('\n');
    } else if (c == 't') {
      out.push_back('\t');
    } else if (c == 'x' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

inline std::vector<std::string> SplitTabs(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = s.find('\t', start);
    out.push_back(Unescape(s.substr(start, tab == std::string::npos ? tab : tab - start)));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

// name<TAB>value lines; '#' lines are comments.
inline std::vector<std::pair<std::string, std::string>> ReadTsv(const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(DataPath(name));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto words = SplitTabs(line);
    out.emplace_back(words[0], words.size() > 1 ? words[1] : "");
  }
  return out;
}

// Records of "key: value" lines separated by blank lines.
inline std::vector<std::vector<std::pair<std::string, std::string>>> ReadRecords(
    const std::string& name) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out;
  std::ifstream in(DataPath(name));
  std::string line;
  std::vector<std::pair<std::string, std::string>> cur;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    size_t colon = line.find(": ");
    if (colon == std::string::npos) {
      cur.emplace_back(line.substr(0, line.size() - 1), "");
    } else {
      cur.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Parses redis-cli --no-raw's rendering of a flat array of bulk strings ("1) \"a\"" lines,
// "(empty array)") into (name, value) pairs.
inline std::vector<std::pair<std::string, std::string>> ParseCliPairs(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t paren = line.find(") \"");
    if (paren == std::string::npos) continue;
    std::string q = line.substr(paren + 3);
    q.pop_back();  // closing quote
    std::string v;
    for (size_t i = 0; i < q.size(); ++i) {
      if (q[i] != '\\' || i + 1 == q.size()) {
        v.push_back(q[i]);
        continue;
      }
      char c = q[++i];
      switch (c) {
        case 'n':
          v.push_back('\n');
          break;
        case 'r':
          v.push_back('\r');
          break;
        case 't':
          v.push_back('\t');
          break;
        case 'a':
          v.push_back('\a');
          break;
        case 'b':
          v.push_back('\b');
          break;
        case 'x':
          v.push_back(static_cast<char>(std::strtol(q.substr(i + 1, 2).c_str(), nullptr, 16)));
          i += 2;
          break;
        default:
          v.push_back(c);
          break;
      }
    }
    items.push_back(std::move(v));
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < items.size(); i += 2) out.emplace_back(items[i], items[i + 1]);
  return out;
}

}  // namespace cachet::config::testing
