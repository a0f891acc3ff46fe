// Rewriting replies by the comparison rules of a step (@unordered, @any-int, ...) before diffing.
#include "normalise.h"

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include "support/resp_reader.h"

namespace cachet::compat {
namespace {

using test::RespValue;

void ReplaceIntegers(RespValue* v) {
  if (v->type == ':') v->text = "<int>";
  for (RespValue& child : v->elements) ReplaceIntegers(&child);
}

void IgnoreFields(RespValue* v, const std::vector<std::string>& fields) {
  bool pairs = v->type == '%' ||
               ((v->type == '*' || v->type == '~') && !v->null && v->elements.size() % 2 == 0);
  if (!pairs) return;
  for (size_t i = 0; i + 1 < v->elements.size(); i += 2) {
    const RespValue& key = v->elements[i];
    if (key.type != '+' && key.type != '$') continue;
    if (std::find(fields.begin(), fields.end(), key.text) == fields.end()) continue;
    v->elements[i + 1] = RespValue{'+', false, "<ignored>", {}};
  }
}

void SortElements(RespValue* v) {
  if (v->type == '%') {
    std::vector<std::pair<std::string, std::pair<RespValue, RespValue>>> pairs;
    for (size_t i = 0; i + 1 < v->elements.size(); i += 2) {
      std::string key =
          test::SerializeReply(v->elements[i]) + test::SerializeReply(v->elements[i + 1]);
      pairs.push_back({key, {v->elements[i], v->elements[i + 1]}});
    }
    std::sort(pairs.begin(), pairs.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    v->elements.clear();
    for (auto& [key, kv] : pairs) {
      v->elements.push_back(std::move(kv.first));
      v->elements.push_back(std::move(kv.second));
    }
    return;
  }
  if (v->type == '*' || v->type == '~' || v->type == '>') {
    std::sort(v->elements.begin(), v->elements.end(), [](const RespValue& a, const RespValue& b) {
      return test::SerializeReply(a) < test::SerializeReply(b);
    });
  }
}

// Sorts the aggregate(s) that `path` (dot-separated indexes, "*" for all) leads to.
void SortAt(RespValue* v, std::string_view path) {
  if (path.empty()) {
    SortElements(v);
    return;
  }
  size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (head == "*") {
    for (RespValue& child : v->elements) SortAt(&child, rest);
    return;
  }
  size_t index = std::strtoul(std::string(head).c_str(), nullptr, 10);
  if (index < v->elements.size()) SortAt(&v->elements[index], rest);
}

}  // namespace

bool HasRules(const CompareRules& r) {
  return !r.unordered.empty() || r.any_int || r.type_only || !r.ignore_fields.empty();
}

std::string Normalise(std::string_view bytes, const CompareRules& rules) {
  if (!HasRules(rules)) return std::string(bytes);
  std::string out;
  while (!bytes.empty()) {
    RespValue value;
    size_t length = 0;
    if (test::ParseReply(bytes, &value, &length) != test::ExtentStatus::kComplete) {
      out.append(bytes);
      break;
    }
    bytes.remove_prefix(length);
    if (rules.type_only) {
      out += std::string(1, value.type) + "<any>\r\n";
      continue;
    }
    if (rules.any_int) ReplaceIntegers(&value);
    if (!rules.ignore_fields.empty()) IgnoreFields(&value, rules.ignore_fields);
    for (const std::string& path : rules.unordered) SortAt(&value, path);
    out += test::SerializeReply(value);
  }
  return out;
}

}  // namespace cachet::compat
