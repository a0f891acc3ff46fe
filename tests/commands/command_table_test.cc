// Self-check of the command table: handlers, arities, key positions, names, flags.
#include <cctype>

#include "command_fixture.h"

namespace cachet::test {
namespace {

void CheckSpec(const commands::CommandSpec& spec, const commands::CommandSpec* parent) {
  SCOPED_TRACE(spec.name);
  EXPECT_FALSE(spec.name.empty());
  for (char c : spec.name) EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c)));
  EXPECT_NE(spec.arity, 0);
  if (parent) {
    EXPECT_EQ(spec.name.rfind(parent->name + "|", 0), 0u) << "subcommand named container|sub";
    EXPECT_LE(std::abs(spec.arity), 0 + 64);
    EXPECT_TRUE(spec.arity >= 2 || spec.arity <= -2) << "a subcommand counts its container";
  }
  EXPECT_TRUE(spec.handler != nullptr || !spec.subcommands.empty()) << "no handler";
  // Key positions: all zero, or first >= 1, step >= 1 and last either >= first or negative.
  if (spec.first_key == 0) {
    EXPECT_EQ(spec.last_key, 0);
    EXPECT_EQ(spec.step, 0);
  } else {
    EXPECT_GE(spec.first_key, 1);
    EXPECT_GE(spec.step, 1);
    EXPECT_TRUE(spec.last_key < 0 || spec.last_key >= spec.first_key);
    if (spec.arity > 0) {
      EXPECT_LT(spec.first_key, spec.arity);
    }
    EXPECT_FALSE(spec.key_specs.empty()) << "keyed commands declare key specs";
  }
  for (const auto& ks : spec.key_specs) {
    EXPECT_FALSE(ks.flags.empty());
    if (ks.bs_keyword.empty()) {
      EXPECT_GE(ks.bs_index, 1);
    }
  }
  EXPECT_FALSE(spec.summary.empty());
  EXPECT_FALSE(spec.since.empty());
  EXPECT_FALSE(spec.group.empty());
  EXPECT_FALSE(spec.acl.empty());
  // Redis: every command is either fast or slow for ACL purposes.
  bool fast = spec.acl.find("fast") != std::string::npos;
  bool slow = spec.acl.find("slow") != std::string::npos;
  EXPECT_NE(fast, slow) << "exactly one of @fast / @slow";
  if (spec.Has(commands::kFast)) {
    EXPECT_TRUE(fast);
  }
  for (const auto& sub : spec.subcommands) {
    EXPECT_EQ(sub.parent, &spec);
    CheckSpec(sub, &spec);
  }
}

class CommandTableTest : public CommandTest {};

TEST_F(CommandTableTest, EveryCommandIsWellFormed) {
  ASSERT_GT(registry_.size(), 0u);
  for (const auto& spec : registry_.all()) CheckSpec(*spec, nullptr);
}

TEST_F(CommandTableTest, LookupIsCaseInsensitive) {
  ASSERT_NE(registry_.Find("PING"), nullptr);
  EXPECT_EQ(registry_.Find("PiNg"), registry_.Find("ping"));
  EXPECT_EQ(registry_.Find("nosuchcommand"), nullptr);
  ASSERT_NE(registry_.FindFullName("CLIENT|LIST"), nullptr);
  EXPECT_EQ(registry_.FindFullName("client|list")->name, "client|list");
}

TEST_F(CommandTableTest, CommandCountMatchesTable) {
  auto v = Run({"command", "count"});
  EXPECT_EQ(v.type, ':');
  EXPECT_EQ(v.text, std::to_string(registry_.size()));
}

TEST_F(CommandTableTest, CommandInfoHasTenFieldsPerCommand) {
  auto v = Run({"command", "info", "ping", "nosuch", "client|list"});
  ASSERT_EQ(v.elements.size(), 3u);
  EXPECT_EQ(v.elements[0].elements.size(), 10u);
  EXPECT_EQ(v.elements[0].elements[0].text, "ping");
  EXPECT_EQ(v.elements[1].type, '$');
  EXPECT_TRUE(v.elements[1].null);
  EXPECT_EQ(v.elements[2].elements[0].text, "client|list");
}

}  // namespace
}  // namespace cachet::test
