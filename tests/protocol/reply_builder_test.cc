// Byte-exact tests of ReplyBuilder in RESP2 and RESP3, against replies taken from redis 7.0.
#include "cachet/protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace cachet::protocol {
namespace {

using namespace std::string_literals;

// Runs `build` against a fresh builder speaking `protocol` and returns the bytes written.
template <typename F>
std::string Build(int protocol, F build) {
  std::string out;
  ReplyBuilder rb(&out, protocol);
  build(rb);
  return out;
}

TEST(ReplyBuilderTest, OkAndSimpleString) {
  for (int proto : {2, 3}) {
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Ok(); }), "+OK\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.SimpleString("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.SimpleString(""); }), "+\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.SimpleString("a\r\nb\nc\r"); }),
              "+a  b c \r\n");
  }
}

TEST(ReplyBuilderTest, ErrorKeepsCallersCodeAndSanitises) {
  for (int proto : {2, 3}) {
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Error("ERR syntax error"); }),
              "-ERR syntax error\r\n");
    EXPECT_EQ(Build(proto,
                    [](ReplyBuilder& rb) {
                      rb.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
                    }),
              "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    // No "ERR " is invented for text without a code.
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Error("no code here"); }),
              "-no code here\r\n");
    // A message that already carries the '-' does not get a second one.
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Error("-NOAUTH Authentication required."); }),
              "-NOAUTH Authentication required.\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Error("ERR bad\r\nthing\n"); }),
              "-ERR bad  thing \r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Error(""); }), "-\r\n");
  }
}

TEST(ReplyBuilderTest, ErrorCountCountsErrorsOnly) {
  std::string out;
  ReplyBuilder rb(&out);
  EXPECT_EQ(rb.error_count(), 0u);
  rb.Ok();
  rb.Error("ERR one");
  rb.Integer(1);
  rb.Error("ERR two");
  EXPECT_EQ(rb.error_count(), 2u);
  EXPECT_EQ(out, "+OK\r\n-ERR one\r\n:1\r\n-ERR two\r\n");
}

TEST(ReplyBuilderTest, Integers) {
  for (int proto : {2, 3}) {
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Integer(0); }), ":0\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Integer(1); }), ":1\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Integer(-1); }), ":-1\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Integer(1234567890); }), ":1234567890\r\n");
    EXPECT_EQ(
        Build(proto, [](ReplyBuilder& rb) { rb.Integer(std::numeric_limits<int64_t>::max()); }),
        ":9223372036854775807\r\n");
    EXPECT_EQ(
        Build(proto, [](ReplyBuilder& rb) { rb.Integer(std::numeric_limits<int64_t>::min()); }),
        ":-9223372036854775808\r\n");
  }
}

TEST(ReplyBuilderTest, IntegersMatchPrintfAcrossMagnitudes) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    char want[32];
    std::snprintf(want, sizeof(want), ":%lld\r\n", static_cast<long long>(v));
    EXPECT_EQ(Build(2, [v](ReplyBuilder& rb) { rb.Integer(v); }), want);
  }
}

TEST(ReplyBuilderTest, BulkStrings) {
  for (int proto : {2, 3}) {
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Bulk("hello"); }), "$5\r\nhello\r\n");
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Bulk(""); }), "$0\r\n\r\n");
    // Binary-safe: NUL and CRLF inside are sent as they are.
    EXPECT_EQ(Build(proto, [](ReplyBuilder& rb) { rb.Bulk("a\0b\r\nc"s); }),
              "$6\r\na\0b\r\nc\r\n"s);
    const std::string big(100000, 'x');
    EXPECT_EQ(Build(proto, [&](ReplyBuilder& rb) { rb.Bulk(big); }), "$100000\r\n" + big + "\r\n");
  }
}

TEST(ReplyBuilderTest, Nulls) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Null(); }), "$-1\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Null(); }), "_\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.NullArray(); }), "_\r\n");
}

TEST(ReplyBuilderTest, Aggregates) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.ArrayHeader(3); }), "*3\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.ArrayHeader(3); }), "*3\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.EmptyArray(); }), "*0\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.EmptyArray(); }), "*0\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.MapHeader(2); }), "*4\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.MapHeader(2); }), "%2\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.MapHeader(0); }), "*0\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.MapHeader(0); }), "%0\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.SetHeader(5); }), "*5\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.SetHeader(5); }), "~5\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.PushHeader(3); }), "*3\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.PushHeader(3); }), ">3\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.ArrayHeader(123456789012); }), "*123456789012\r\n");
}

// HELLO 3's reply from redis-server 7.0.15, rebuilt through the builder.
TEST(ReplyBuilderTest, NestedMapLikeHello3) {
  std::string out = Build(3, [](ReplyBuilder& rb) {
    rb.MapHeader(7);
    rb.Bulk("server");
    rb.Bulk("redis");
    rb.Bulk("version");
    rb.Bulk("7.0.15");
    rb.Bulk("proto");
    rb.Integer(3);
    rb.Bulk("id");
    rb.Integer(3);
    rb.Bulk("mode");
    rb.Bulk("standalone");
    rb.Bulk("role");
    rb.Bulk("master");
    rb.Bulk("modules");
    rb.EmptyArray();
  });
  EXPECT_EQ(out,
            "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:"
            "3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster"
            "\r\n$7\r\nmodules\r\n*0\r\n");
}

// Replies of ZSCORE from redis-server 7.0.15 in RESP2 (bulk) and RESP3 (double).
TEST(ReplyBuilderTest, DoubleMatchesRedis70) {
  struct Case {
    double value;
    const char* resp2;
    const char* resp3;
  };
  const Case cases[] = {
      {1.1, "$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n"},
      {0.1, "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"},
      {1e300, "$23\r\n1.0000000000000001e+300\r\n", ",1.0000000000000001e+300\r\n"},
      {3, "$1\r\n3\r\n", ",3\r\n"},
      {0, "$1\r\n0\r\n", ",0\r\n"},
      {1.5e-7, "$22\r\n1.4999999999999999e-07\r\n", ",1.4999999999999999e-07\r\n"},
      {123456789012345678.0, "$22\r\n1.2345678901234568e+17\r\n", ",1.2345678901234568e+17\r\n"},
      {std::numeric_limits<double>::infinity(), "$3\r\ninf\r\n", ",inf\r\n"},
      {-std::numeric_limits<double>::infinity(), "$4\r\n-inf\r\n", ",-inf\r\n"},
      {-2.5, "$4\r\n-2.5\r\n", ",-2.5\r\n"},
      {-0.0, "$2\r\n-0\r\n", ",-0\r\n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Build(2, [&](ReplyBuilder& rb) { rb.Double(c.value); }), c.resp2) << c.value;
    EXPECT_EQ(Build(3, [&](ReplyBuilder& rb) { rb.Double(c.value); }), c.resp3) << c.value;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Build(2, [&](ReplyBuilder& rb) { rb.Double(std::copysign(nan, 1.0)); }),
            "$3\r\nnan\r\n");
  EXPECT_EQ(Build(3, [&](ReplyBuilder& rb) { rb.Double(std::copysign(nan, 1.0)); }), ",nan\r\n");
  EXPECT_EQ(Build(3, [&](ReplyBuilder& rb) { rb.Double(std::copysign(nan, -1.0)); }), ",-nan\r\n");
}

// Redis formats finite doubles with snprintf("%.17g"); the builder must agree on every value.
TEST(ReplyBuilderTest, DoubleMatchesPrintfOnRandomBitPatterns) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (i % 2 == 0) d = static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64))) / 7.0;
    if (std::isinf(d)) continue;
    char text[64];
    std::snprintf(text, sizeof(text), "%.17g", d);
    const std::string want3 = ","s + text + "\r\n";
    const std::string want2 = "$" + std::to_string(std::strlen(text)) + "\r\n" + text + "\r\n";
    ASSERT_EQ(Build(3, [&](ReplyBuilder& rb) { rb.Double(d); }), want3) << bits;
    ASSERT_EQ(Build(2, [&](ReplyBuilder& rb) { rb.Double(d); }), want2) << bits;
  }
}

TEST(ReplyBuilderTest, Bool) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Bool(false); }), "#f\r\n");
}

TEST(ReplyBuilderTest, BigNumber) {
  const char* digits = "3492890328409238509324850943850943825024385";
  EXPECT_EQ(Build(2, [&](ReplyBuilder& rb) { rb.BigNumber(digits); }),
            "$43\r\n3492890328409238509324850943850943825024385\r\n");
  EXPECT_EQ(Build(3, [&](ReplyBuilder& rb) { rb.BigNumber(digits); }),
            "(3492890328409238509324850943850943825024385\r\n");
}

TEST(ReplyBuilderTest, Verbatim) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Verbatim("Some string"); }),
            "$11\r\nSome string\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("Some string"); }),
            "=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("# Server\r\nx:1\r\n", "mkd"); }),
            "=19\r\nmkd:# Server\r\nx:1\r\n\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("", "txt"); }), "=4\r\ntxt:\r\n");
  // Redis pads a short format with spaces and cuts a long one to 3 bytes.
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("ab", "x"); }), "=6\r\nx  :ab\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("ab", "markdown"); }), "=6\r\nmar:ab\r\n");
}

TEST(ReplyBuilderTest, RawAndAppendingToExistingBuffer) {
  std::string out = "prefix";
  ReplyBuilder rb(&out, 3);
  EXPECT_EQ(rb.buffer(), &out);
  rb.Raw("+RAW\r\n");
  rb.ArrayHeader(2);
  rb.Bulk("a");
  rb.Null();
  EXPECT_EQ(out, "prefix+RAW\r\n*2\r\n$1\r\na\r\n_\r\n");
}

TEST(ReplyBuilderTest, ProtocolCanChangeMidStream) {
  std::string out;
  ReplyBuilder rb(&out);
  EXPECT_EQ(rb.protocol(), 2);
  rb.Null();
  rb.set_protocol(3);
  EXPECT_EQ(rb.protocol(), 3);
  rb.Null();
  rb.MapHeader(1);
  rb.set_protocol(2);
  rb.MapHeader(1);
  EXPECT_EQ(out, "$-1\r\n_\r\n%1\r\n*2\r\n");
}

}  // namespace
}  // namespace cachet::protocol
