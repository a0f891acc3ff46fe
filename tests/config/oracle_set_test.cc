// Replays oracle_config_set.txt: CONFIG SET and CONFIG GET steps recorded against
// redis-server, checked reply by reply against Config::Set and Config::GetMatching.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cachet/config/config.h"
#include "config/fixtures.h"

namespace cachet::config {
namespace {

using testing::ParseCliPairs;
using testing::ReadRecords;
using testing::ReadTsv;
using testing::SplitTabs;
using testing::Unescape;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string Reply(const Status& s) { return s.ok ? "OK" : "(error) ERR " + s.error; }

TEST(OracleConfigSet, EveryStepAnswersLikeRedis) {
  std::map<std::string, std::string> defaults;
  for (const auto& [k, v] : ReadTsv("oracle_defaults.tsv")) defaults[k] = v;
  // The steps ran on a server started like the one of oracle_defaults.tsv.
  Config c;
  ASSERT_TRUE(c.ApplyArgs({"--port", "0", "--unixsocket", defaults.at("unixsocket")}));
  auto records = ReadRecords("oracle_config_set.txt");
  ASSERT_GT(records.size(), 100u);
  for (const auto& rec : records) {
    ASSERT_EQ(rec.size(), 2u);
    const std::string& kind = rec[0].first;
    std::vector<std::string> words = SplitTabs(rec[0].second);
    std::string want = Unescape(rec[1].second);
    if (kind == "set") {
      Pairs pairs;
      for (size_t i = 0; i + 1 < words.size(); i += 2) pairs.emplace_back(words[i], words[i + 1]);
      if (words.size() == 1) pairs.emplace_back(words[0], "");
      EXPECT_EQ(Reply(c.Set(pairs)), want) << rec[0].second;
    } else {
      ASSERT_EQ(kind, "get");
      Pairs got = c.GetMatching(words[0]);
      Pairs expected = ParseCliPairs(want);
      // Redis answers in its hash table's order; compare as sets.
      std::sort(got.begin(), got.end());
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(got, expected) << rec[0].second;
    }
  }
}

}  // namespace
}  // namespace cachet::config
