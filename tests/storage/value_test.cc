// String encodings and integer rules against Redis 7.0.15's OBJECT ENCODING replies.
#include "cachet/storage/value.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "cachet/storage/lru.h"

namespace cachet::storage {
namespace {

TEST(StorageValue, StringEncodingMatchesRedis) {
  // SET e <v>; OBJECT ENCODING e, as redis-server 7.0.15 replies.
  const struct {
    std::string value;
    Encoding encoding;
  } kCases[] = {
      {"123", Encoding::kInt},
      {"0123", Encoding::kEmbstr},
      {"-0", Encoding::kEmbstr},
      {"-1", Encoding::kInt},
      {"0", Encoding::kInt},
      {"12345678901234567890", Encoding::kEmbstr},
      {"9223372036854775807", Encoding::kInt},
      {"9223372036854775808", Encoding::kEmbstr},
      {"-9223372036854775808", Encoding::kInt},
      {"-9223372036854775809", Encoding::kEmbstr},
      {"+1", Encoding::kEmbstr},
      {" 1", Encoding::kEmbstr},
      {"1 ", Encoding::kEmbstr},
      {std::string(44, 'a'), Encoding::kEmbstr},
      {std::string(45, 'a'), Encoding::kRaw},
      {std::string(20, '1'), Encoding::kEmbstr},
      {std::string(21, '1'), Encoding::kEmbstr},
      {"", Encoding::kEmbstr},
      {"00", Encoding::kEmbstr},
      {"1e3", Encoding::kEmbstr},
      {"0x10", Encoding::kEmbstr},
      {"-", Encoding::kEmbstr},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(StringEncodingFor(c.value), c.encoding) << c.value;
    Value v = Value::String(c.value);
    EXPECT_EQ(v.encoding(), c.encoding) << c.value;
    EXPECT_EQ(v.ToString(), c.value);
  }
}

TEST(StorageValue, CanonicalIntegers) {
  int64_t v = 0;
  EXPECT_TRUE(ParseCanonicalInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, LLONG_MIN);
  EXPECT_TRUE(ParseCanonicalInt64("9223372036854775807", &v));
  EXPECT_EQ(v, LLONG_MAX);
  EXPECT_FALSE(ParseCanonicalInt64("", &v));
  EXPECT_FALSE(ParseCanonicalInt64("-", &v));
  EXPECT_FALSE(ParseCanonicalInt64("1a", &v));
  char buf[kInt64MaxDigits];
  for (int64_t x : {int64_t{0}, int64_t{-1}, int64_t{42}, int64_t{LLONG_MIN}, int64_t{LLONG_MAX}}) {
    EXPECT_EQ(FormatInt64(x, buf), std::to_string(x));
  }
}

TEST(StorageValue, NamesAndTypes) {
  EXPECT_EQ(EncodingName(Encoding::kEmbstr), "embstr");
  EXPECT_EQ(EncodingName(Encoding::kListpack), "listpack");
  EXPECT_EQ(TypeName(ValueType::kZSet), "zset");
  EXPECT_EQ(ParseTypeName("HASH"), ValueType::kHash);
  EXPECT_EQ(ParseTypeName("nope"), std::nullopt);
  EXPECT_EQ(Value::RawString("ab").encoding(), Encoding::kRaw);
  EXPECT_EQ(Value::Int(7).ToString(), "7");
}

TEST(StorageValue, LruAndLfuArithmetic) {
  const int64_t now = 1'700'000'000'000;
  const uint32_t lru = LruClock(now);
  EXPECT_EQ(LruIdleMs(lru, now + 5000), 5000);
  // Wrapping of the 24-bit clock.
  EXPECT_EQ(LruIdleMs(kLruClockMax - 1, (int64_t{kLruClockMax} + 3) * 1000),
            3 * kLruClockResolutionMs);
  const uint32_t lfu = LfuInitial(now);
  EXPECT_EQ(lfu & 255, kLfuInitVal);
  EXPECT_EQ(LfuDecayedCounter(lfu, now, 1), kLfuInitVal);
  // One decay period per minute with lfu-decay-time 1.
  EXPECT_EQ(LfuDecayedCounter(lfu, now + 3 * 60 * 1000, 1), kLfuInitVal - 3);
  // Below LFU_INIT_VAL the increment is certain; at 255 it saturates.
  EXPECT_EQ(LfuTouched(lfu, now, 10, 1, 0.999) & 255, kLfuInitVal + 1u);
  EXPECT_EQ(LfuTouched((lfu & ~255u) | 255u, now, 10, 1, 0.0) & 255, 255u);
}

}  // namespace
}  // namespace cachet::storage
