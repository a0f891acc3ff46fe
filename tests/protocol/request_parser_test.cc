// Tests of RequestParser on every request form Redis 7.0 accepts, split at every byte.
#include "cachet/protocol/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace cachet::protocol {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

// What a stream of input produced: the commands in order, then an error if one ended it.
struct Outcome {
  std::vector<Argv> commands;
  bool failed = false;
  std::string error;

  bool operator==(const Outcome&) const = default;
};

// Writes s quoted, with control and non-ASCII bytes as \xHH so failures are readable.
void PrintEscaped(std::ostream& os, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  os << '"';
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      os << static_cast<char>(c);
    } else {
      os << "\\x" << kHex[c >> 4] << kHex[c & 15];
    }
  }
  os << '"';
}

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  for (const Argv& argv : o.commands) {
    os << "[";
    for (const std::string& a : argv) {
      PrintEscaped(os, a);
      os << " ";
    }
    os << "] ";
  }
  if (o.failed) PrintEscaped(os << "error: ", o.error);
  return os;
}

// Feeds `chunks` in order the way a connection would: parse commands off the front of each
// chunk, drop what was consumed, and stop at the first error.
Outcome Feed(RequestParser& parser, const std::vector<std::string_view>& chunks) {
  Outcome outcome;
  Argv argv;
  for (std::string_view chunk : chunks) {
    while (true) {
      size_t consumed = 0;
      ParseStatus status = parser.Parse(chunk, &consumed, &argv);
      EXPECT_LE(consumed, chunk.size());
      chunk.remove_prefix(consumed);
      if (status == ParseStatus::kCommand) {
        EXPECT_FALSE(argv.empty());
        EXPECT_FALSE(parser.in_progress());
        outcome.commands.push_back(argv);
        continue;
      }
      if (status == ParseStatus::kError) {
        outcome.failed = true;
        outcome.error = parser.error();
        return outcome;
      }
      EXPECT_TRUE(chunk.empty()) << "kNeedMore must consume everything offered";
      break;
    }
  }
  return outcome;
}

Outcome FeedAll(std::string_view input, const ParserLimits& limits = {}) {
  RequestParser parser;
  parser.set_limits(limits);
  return Feed(parser, {input});
}

Outcome FeedBytewise(std::string_view input, const ParserLimits& limits = {}) {
  RequestParser parser;
  parser.set_limits(limits);
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < input.size(); ++i) chunks.push_back(input.substr(i, 1));
  return Feed(parser, chunks);
}

Outcome Commands(std::vector<Argv> commands) { return Outcome{std::move(commands), false, ""}; }

Outcome Failure(std::vector<Argv> commands, std::string error) {
  return Outcome{std::move(commands), true, std::move(error)};
}

std::string Multibulk(const Argv& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// --- Well-formed requests -------------------------------------------------------------------

TEST(RequestParserTest, SingleMultibulkCommand) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  const std::string input = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(consumed, input.size());
  EXPECT_EQ(argv, (Argv{"SET", "key", "value"}));
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  ASSERT_EQ(parser.Parse("", &consumed, &argv), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 0u);
}

TEST(RequestParserTest, ParseStopsAfterOneCommand) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  const std::string input = "*1\r\n$4\r\nPING\r\nECHO hi\r\n";
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(consumed, 14u);
  EXPECT_EQ(argv, (Argv{"PING"}));
  ASSERT_EQ(parser.Parse(std::string_view(input).substr(consumed), &consumed, &argv),
            ParseStatus::kCommand);
  EXPECT_EQ(consumed, 9u);
  EXPECT_EQ(argv, (Argv{"ECHO", "hi"}));
}

TEST(RequestParserTest, InlineCommands) {
  EXPECT_EQ(FeedAll("PING\r\n"), Commands({{"PING"}}));
  EXPECT_EQ(FeedAll("PING\n"), Commands({{"PING"}}));
  EXPECT_EQ(FeedAll("SET  k\tv \r\n"), Commands({{"SET", "k", "v"}}));
  // Only one '\r' before the '\n' belongs to the terminator; another is a separator.
  EXPECT_EQ(FeedAll("ECHO\ra\r\n"), Commands({{"ECHO", "a"}}));
  EXPECT_EQ(FeedAll("ECHO a\r\r\n"), Commands({{"ECHO", "a"}}));
  // \v separates only before a token, not inside one (sdssplitargs).
  EXPECT_EQ(FeedAll("ECHO\va\r\n"), Commands({{"ECHO\va"}}));
  EXPECT_EQ(FeedAll("ECHO a\v\r\n"), Commands({{"ECHO", "a\v"}}));
  EXPECT_EQ(FeedAll("\vECHO\f a\r\n"), Commands({{"ECHO\f", "a"}}));
  // Without a newline nothing is parsed yet.
  EXPECT_EQ(FeedAll("PING"), Commands({}));
}

TEST(RequestParserTest, EmptyInlineLinesAreSkipped) {
  EXPECT_EQ(FeedAll("\r\n\n   \r\n\t\r\nPING\n"), Commands({{"PING"}}));
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("\r\n\r\n", &consumed, &argv), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, 4u);
  EXPECT_FALSE(parser.in_progress());
}

TEST(RequestParserTest, InlineQuotesAndEscapes) {
  // Replies checked against redis-server 7.0.15 (ECHO of the argument).
  EXPECT_EQ(FeedAll("ECHO \"a\\x41\\n\\q\"\r\n"), Commands({{"ECHO", "aA\nq"}}));
  EXPECT_EQ(FeedAll("ECHO 'a\\'b\\n'\r\n"), Commands({{"ECHO", "a'b\\n"}}));
  EXPECT_EQ(FeedAll("ECHO a\"b c\"\r\n"), Commands({{"ECHO", "ab c"}}));
  EXPECT_EQ(FeedAll("ECHO \"a\\x4\"\r\n"), Commands({{"ECHO", "ax4"}}));
  EXPECT_EQ(FeedAll("ECHO \"a\" \r\n"), Commands({{"ECHO", "a"}}));
  EXPECT_EQ(FeedAll("ECHO \"a\"\v\r\n"), Commands({{"ECHO", "a"}}));
  EXPECT_EQ(FeedAll("ECHO \"\"\r\n"), Commands({{"ECHO", ""}}));
  EXPECT_EQ(FeedAll("ECHO ''\r\n"), Commands({{"ECHO", ""}}));
  EXPECT_EQ(FeedAll("SET \"k y\" 'v a l'\r\n"), Commands({{"SET", "k y", "v a l"}}));
  EXPECT_EQ(FeedAll("ECHO \"\\r\\t\\b\\a\\\\\\\"\"\r\n"), Commands({{"ECHO", "\r\t\b\a\\\""}}));
  EXPECT_EQ(FeedAll("ECHO \"\\x00\\xff\\xAb\"\r\n"), Commands({{"ECHO", "\0\xff\xab"s}}));
  EXPECT_EQ(FeedAll("ECHO 'a\"b'\r\n"), Commands({{"ECHO", "a\"b"}}));
  EXPECT_EQ(FeedAll("ECHO \"it's\"\r\n"), Commands({{"ECHO", "it's"}}));
}

TEST(RequestParserTest, MultibulkZeroAndNegativeCountsAreNoCommand) {
  EXPECT_EQ(FeedAll("*0\r\n"), Commands({}));
  EXPECT_EQ(FeedAll("*-1\r\n"), Commands({}));
  EXPECT_EQ(FeedAll("*-5\r\n*0\r\nPING\r\n"), Commands({{"PING"}}));
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse("*0\r\n*1\r\n$4\r\nPING\r\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(consumed, 18u);
  EXPECT_EQ(argv, (Argv{"PING"}));
}

TEST(RequestParserTest, EmptyBulkArgument) {
  EXPECT_EQ(FeedAll("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), Commands({{"ECHO", ""}}));
}

TEST(RequestParserTest, BinarySafeBulks) {
  const std::string value = "a\0b\r\nc\n\r$3\r\n*1\r\n\0"s;
  EXPECT_EQ(FeedAll(Multibulk({"SET", "k\0\r\n"s, value})), Commands({{"SET", "k\0\r\n"s, value}}));
  EXPECT_EQ(FeedBytewise(Multibulk({"SET", "k\0\r\n"s, value})),
            Commands({{"SET", "k\0\r\n"s, value}}));
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  EXPECT_EQ(FeedAll(Multibulk({"ECHO", all_bytes})), Commands({{"ECHO", all_bytes}}));
}

TEST(RequestParserTest, RedisQuirksAreKept) {
  // The two bytes after a bulk are skipped unchecked, and so is the byte after a header's \r
  // (redis-server 7.0.15 answers +PONG to both).
  EXPECT_EQ(FeedAll("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), Commands({{"PING"}, {"PING"}}));
  EXPECT_EQ(FeedAll("*1\rX$4\rYPINGab"), Commands({{"PING"}}));
  // A multibulk may hold inline-looking text after its count line.
  EXPECT_EQ(FeedAll("*2\r\n$4\r\nECHO\r\n$5\r\nA B C\r\nPING\r\n"),
            Commands({{"ECHO", "A B C"}, {"PING"}}));
}

TEST(RequestParserTest, NulInsideAHeaderOrInlineLineNeverCompletes) {
  // Redis finds line ends with strchr, which stops at the NUL: these hang (no reply from
  // redis-server 7.0.15) until the line exceeds the inline limit.
  EXPECT_EQ(FeedAll("PI\0NG\r\nPING\r\n"s), Commands({}));
  EXPECT_EQ(FeedAll("*1\0\r\n$4\r\nPING\r\n"s), Commands({}));
  EXPECT_EQ(FeedAll("*1\r\n$4\0\r\nPING\r\n"s), Commands({}));
  ParserLimits small;
  small.max_inline = 16;
  EXPECT_EQ(FeedAll("PI\0NG\r\n0123456789"s, small),
            Failure({}, "ERR Protocol error: too big inline request"));
  EXPECT_EQ(FeedAll("*1\0\r\n0123456789ab"s, small),
            Failure({}, "ERR Protocol error: too big mbulk count string"));
  EXPECT_EQ(FeedAll("*1\r\n$\0\r\n0123456789abc"s, small),
            Failure({}, "ERR Protocol error: too big bulk count string"));
  EXPECT_EQ(FeedBytewise("*1\r\n$\0\r\n0123456789abc"s, small),
            Failure({}, "ERR Protocol error: too big bulk count string"));
  // Redis's limit counts every byte from the start of the stuck line.
  const std::string stuck = "PI\0NG\r\n"s;
  EXPECT_EQ(FeedAll(stuck + std::string(64 * 1024 - stuck.size(), 'x')), Commands({}));
  EXPECT_EQ(FeedAll(stuck + std::string(64 * 1024 - stuck.size() + 1, 'x')),
            Failure({}, "ERR Protocol error: too big inline request"));
  // A NUL after the terminator is harmless.
  EXPECT_EQ(FeedAll("PING\r\n\0"s), Commands({{"PING"}}));
}

// --- Splitting ------------------------------------------------------------------------------

const std::string& Pipeline() {
  static const std::string pipeline =
      "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n"  // CRLF inside a bulk
      "PING\r\n"
      "*0\r\n"
      "\r\n"
      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
      "SET \"a b\" 'c\\'d' \"\\x41\\n\"\n"
      "*-1\r\n"
      "*2\r\n$3\r\nGET\r\n$11\r\n\0bin\r\nary\0\0\r\n"s
      "   \n"
      "*1\r\n$4\r\nQUIT\r\n";
  return pipeline;
}

const Outcome& PipelineOutcome() {
  static const Outcome outcome = Commands({{"SET", "key", "va\r\nl"},
                                           {"PING"},
                                           {"ECHO", ""},
                                           {"SET", "a b", "c'd", "A\n"},
                                           {"GET", "\0bin\r\nary\0\0"s},
                                           {"QUIT"}});
  return outcome;
}

TEST(RequestParserTest, PipelineInOneRead) { EXPECT_EQ(FeedAll(Pipeline()), PipelineOutcome()); }

TEST(RequestParserTest, PipelineSplitAtEveryBytePosition) {
  const std::string_view input = Pipeline();
  for (size_t i = 0; i <= input.size(); ++i) {
    RequestParser parser;
    EXPECT_EQ(Feed(parser, {input.substr(0, i), input.substr(i)}), PipelineOutcome())
        << "split at " << i;
  }
}

TEST(RequestParserTest, PipelineSplitAtEveryPairOfPositions) {
  const std::string_view input = Pipeline();
  for (size_t i = 0; i <= input.size(); ++i) {
    for (size_t j = i; j <= input.size(); ++j) {
      RequestParser parser;
      ASSERT_EQ(Feed(parser, {input.substr(0, i), input.substr(i, j - i), input.substr(j)}),
                PipelineOutcome())
          << "split at " << i << " and " << j;
    }
  }
}

TEST(RequestParserTest, PipelineOneByteAtATime) {
  EXPECT_EQ(FeedBytewise(Pipeline()), PipelineOutcome());
}

TEST(RequestParserTest, ArgvDoesNotNeedToBeTheSameVector) {
  const std::string_view input = Pipeline();
  RequestParser parser;
  std::vector<Argv> seen;
  for (size_t i = 0; i < input.size(); ++i) {
    Argv fresh;  // a new vector on every call
    std::string_view chunk = input.substr(i, 1);
    size_t consumed = 0;
    if (parser.Parse(chunk, &consumed, &fresh) == ParseStatus::kCommand) seen.push_back(fresh);
    ASSERT_EQ(consumed, 1u);
  }
  EXPECT_EQ(Commands(seen), PipelineOutcome());
}

// --- Large arguments ------------------------------------------------------------------------

TEST(RequestParserTest, LargeBulkFedOneByteAtATime) {
  std::string value(300 * 1024, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i * 7 % 26);
  value[1000] = '\r';
  value[1001] = '\n';
  const std::string input = Multibulk({"SET", "big", value}) + "PING\r\n";
  RequestParser parser;
  Argv argv;
  std::vector<Argv> commands;
  size_t held_peak = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    size_t consumed = 0;
    ParseStatus status = parser.Parse(std::string_view(input).substr(i, 1), &consumed, &argv);
    ASSERT_EQ(consumed, 1u);
    ASSERT_NE(status, ParseStatus::kError);
    if (status == ParseStatus::kCommand) commands.push_back(argv);
    held_peak = std::max(held_peak, parser.buffered_bytes());
  }
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].size(), 3u);
  EXPECT_EQ(commands[0][0], "SET");
  EXPECT_EQ(commands[0][1], "big");
  EXPECT_TRUE(commands[0][2] == value);
  EXPECT_EQ(commands[1], (Argv{"PING"}));
  EXPECT_EQ(held_peak, 3 + 3 + value.size());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(RequestParserTest, LargeBulkInUnevenChunks) {
  std::string value(3 * 1024 * 1024 + 17, 'v');
  value[12345] = '\0';
  const std::string input = Multibulk({"SET", "k", value});
  for (size_t chunk : {1000u, 4096u, 16384u, 65537u, 1048576u}) {
    RequestParser parser;
    std::vector<std::string_view> chunks;
    for (size_t at = 0; at < input.size(); at += chunk) {
      chunks.push_back(std::string_view(input).substr(at, chunk));
    }
    Outcome outcome = Feed(parser, chunks);
    ASSERT_EQ(outcome.commands.size(), 1u) << chunk;
    EXPECT_TRUE(outcome.commands[0][2] == value) << chunk;
  }
}

TEST(RequestParserTest, HugeAnnouncedBulkDoesNotNeedItsBytesUpFront) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  const std::string header = "*2\r\n$3\r\nSET\r\n$536870912\r\nabc";
  ASSERT_EQ(parser.Parse(header, &consumed, &argv), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, header.size());
  EXPECT_TRUE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 6u);
}

// --- Buffer accounting and state ------------------------------------------------------------

TEST(RequestParserTest, BufferedBytesAndInProgress) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  ASSERT_EQ(parser.Parse("SET k", &consumed, &argv), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 5u);
  ASSERT_EQ(parser.Parse(" v\r\n*2\r\n$4\r\nECHO\r\n$10\r\n01234", &consumed, &argv),
            ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"SET", "k", "v"}));
  EXPECT_EQ(consumed, 4u);
  ASSERT_EQ(parser.Parse("*2\r\n$4\r\nECHO\r\n$10\r\n01234", &consumed, &argv),
            ParseStatus::kNeedMore);
  EXPECT_EQ(parser.buffered_bytes(), 4u + 5u);
  ASSERT_EQ(parser.Parse("56789\r", &consumed, &argv), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.buffered_bytes(), 4u + 10u);
  ASSERT_EQ(parser.Parse("\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"ECHO", "0123456789"}));
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(RequestParserTest, StringsAreReusedBetweenCommands) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  const std::string arg(100, 'x');
  const std::string input = Multibulk({arg});
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseStatus::kCommand);
  const char* first = argv[0].data();
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseStatus::kCommand);
  ASSERT_EQ(parser.Parse(input, &consumed, &argv), ParseStatus::kCommand);
  // The parser and the caller's vector trade buffers: the first buffer comes back.
  EXPECT_EQ(argv[0].data(), first);
  EXPECT_EQ(argv, (Argv{arg}));
  ASSERT_EQ(parser.Parse("a b c\r\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"a", "b", "c"}));
  ASSERT_EQ(parser.Parse("d\r\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"d"}));
}

TEST(RequestParserTest, ErrorIsStickyUntilReset) {
  RequestParser parser;
  Argv argv;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*x\r\n", &consumed, &argv), ParseStatus::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(parser.Parse("PING\r\n", &consumed, &argv), ParseStatus::kError);
  EXPECT_EQ(consumed, 0u);
  EXPECT_FALSE(parser.in_progress());
  parser.Reset();
  EXPECT_EQ(parser.error(), "");
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"PING"}));
}

TEST(RequestParserTest, ResetDropsAPartialCommandAndKeepsLimits) {
  RequestParser parser;
  ParserLimits limits;
  limits.max_inline = 99;
  parser.set_limits(limits);
  Argv argv;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$3\r\nk", &consumed, &argv), ParseStatus::kNeedMore);
  parser.Reset();
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  EXPECT_EQ(parser.limits().max_inline, 99u);
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed, &argv), ParseStatus::kCommand);
  EXPECT_EQ(argv, (Argv{"PING"}));
}

// --- Errors (texts from redis-server 7.0.15) -----------------------------------------------

TEST(RequestParserTest, InvalidMultibulkLength) {
  const std::string err = "ERR Protocol error: invalid multibulk length";
  for (const char* input : {"*x\r\n", "*01\r\n", "*+1\r\n", "*\r\n", "* 1\r\n", "*1 \r\n", "*-\r\n",
                            "*-0\r\n", "*2147483648\r\n", "*3000000000\r\n",
                            "*99999999999999999999\r\n", "*-99999999999999999999\r\n"}) {
    EXPECT_EQ(FeedAll(input), Failure({}, err)) << input;
    EXPECT_EQ(FeedBytewise(input), Failure({}, err)) << input;
  }
  // INT_MAX itself is accepted and waits for its arguments.
  EXPECT_EQ(FeedAll("*2147483647\r\n"), Commands({}));
  EXPECT_EQ(FeedAll("*-9223372036854775808\r\nPING\r\n"), Commands({{"PING"}}));
  // Commands before the bad one are still delivered.
  EXPECT_EQ(FeedAll("PING\r\n*1\r\n$4\r\nPING\r\n*z\r\nPING\r\n"),
            Failure({{"PING"}, {"PING"}}, err));
}

TEST(RequestParserTest, ExpectedDollar) {
  EXPECT_EQ(FeedAll("*1\r\nx4\r\nPING\r\n"),
            Failure({}, "ERR Protocol error: expected '$', got 'x'"));
  EXPECT_EQ(FeedAll("*2\r\n$4\r\nECHO\r\n:1\r\n"),
            Failure({}, "ERR Protocol error: expected '$', got ':'"));
  // An empty header line's first byte is its '\r'; Redis sends it as a space.
  EXPECT_EQ(FeedAll("*1\r\n\r\n"), Failure({}, "ERR Protocol error: expected '$', got ' '"));
  EXPECT_EQ(FeedAll("*1\r\n\n$4\r\nPING\r\n"),
            Failure({}, "ERR Protocol error: expected '$', got ' '"));
  EXPECT_EQ(FeedBytewise("*1\r\n\r\n"), Failure({}, "ERR Protocol error: expected '$', got ' '"));
  EXPECT_EQ(FeedAll("*1\r\n\xff\r\n"), Failure({}, "ERR Protocol error: expected '$', got '\xff'"));
}

TEST(RequestParserTest, InvalidBulkLength) {
  const std::string err = "ERR Protocol error: invalid bulk length";
  for (const char* input :
       {"*1\r\n$-1\r\n", "*1\r\n$01\r\n", "*1\r\n$x\r\n", "*1\r\n$\r\n", "*1\r\n$+4\r\n",
        "*1\r\n$4 \r\n", "*1\r\n$536870913\r\n", "*1\r\n$99999999999999999999\r\n"}) {
    EXPECT_EQ(FeedAll(input), Failure({}, err)) << input;
    EXPECT_EQ(FeedBytewise(input), Failure({}, err)) << input;
  }
  // proto-max-bulk-len itself is allowed.
  EXPECT_EQ(FeedAll("*1\r\n$536870912\r\n"), Commands({}));
}

TEST(RequestParserTest, MaxBulkLenIsConfigurable) {
  ParserLimits limits;
  limits.max_bulk_len = 5;
  EXPECT_EQ(FeedAll("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n", limits), Commands({{"ECHO", "hello"}}));
  EXPECT_EQ(FeedAll("*2\r\n$4\r\nECHO\r\n$6\r\nhello!\r\n", limits),
            Failure({}, "ERR Protocol error: invalid bulk length"));
}

TEST(RequestParserTest, TooBigInlineRequest) {
  const std::string err = "ERR Protocol error: too big inline request";
  const std::string at_limit(64 * 1024, 'a');
  // Exactly max_inline bytes without a newline still wait; one more fails.
  EXPECT_EQ(FeedAll(at_limit), Commands({}));
  EXPECT_EQ(FeedAll(at_limit + "a"), Failure({}, err));
  {
    RequestParser parser;
    EXPECT_EQ(Feed(parser, {at_limit.substr(0, 40000), at_limit.substr(40000), "a"}),
              Failure({}, err));
  }
  // A long line that arrives whole with its newline is fine, as in Redis.
  Outcome outcome = FeedAll("ECHO " + at_limit + "\r\n");
  ASSERT_EQ(outcome.commands.size(), 1u);
  EXPECT_EQ(outcome.commands[0][1], at_limit);
  ParserLimits small;
  small.max_inline = 8;
  EXPECT_EQ(FeedAll("PING 123\r\n", small), Commands({{"PING", "123"}}));
  EXPECT_EQ(FeedBytewise("PING 1234\r\n", small), Failure({}, err));
}

TEST(RequestParserTest, TooBigCountStrings) {
  ParserLimits small;
  small.max_inline = 8;
  EXPECT_EQ(FeedBytewise("*000000000\r\n", small),
            Failure({}, "ERR Protocol error: too big mbulk count string"));
  EXPECT_EQ(FeedBytewise("*1\r\n$000000000\r\n", small),
            Failure({}, "ERR Protocol error: too big bulk count string"));
  // Whole lines are judged by their content, not their length.
  EXPECT_EQ(FeedAll("*000000000\r\n", small),
            Failure({}, "ERR Protocol error: invalid multibulk length"));
  // Redis's boundaries: more than 64 KiB held without a '\r' fails (checked on 7.0.15).
  const std::string digits(64 * 1024 + 1, '1');
  EXPECT_EQ(FeedAll("*" + digits.substr(2)), Commands({}));
  EXPECT_EQ(FeedAll("*" + digits), Failure({}, "ERR Protocol error: too big mbulk count string"));
  EXPECT_EQ(FeedAll("*1\r\n$" + digits.substr(1)),
            Failure({}, "ERR Protocol error: too big bulk count string"));
  EXPECT_EQ(FeedAll("*1\r\n$" + digits.substr(2)), Commands({}));
}

TEST(RequestParserTest, UnbalancedQuotes) {
  const std::string err = "ERR Protocol error: unbalanced quotes in request";
  for (const char* input : {"ECHO \"abc\r\n", "ECHO \"ab\"c\r\n", "ECHO 'abc\r\n", "ECHO 'ab'c\r\n",
                            "ECHO \"ab\\\"\r\n", "ECHO \"a\\\r\n", "ECHO a\"b\"c\r\n"}) {
    EXPECT_EQ(FeedAll(input), Failure({}, err)) << input;
    EXPECT_EQ(FeedBytewise(input), Failure({}, err)) << input;
  }
  EXPECT_EQ(FeedAll("PING\r\nECHO \"x\r\nPING\r\n"), Failure({{"PING"}}, err));
}

TEST(RequestParserTest, UnauthenticatedLimits) {
  ParserLimits unauth;
  unauth.authenticated = false;
  const Argv ten(10, "a");
  const Argv eleven(11, "a");
  EXPECT_EQ(FeedAll(Multibulk(ten), unauth), Commands({ten}));
  EXPECT_EQ(FeedAll(Multibulk(eleven), unauth),
            Failure({}, "ERR Protocol error: unauthenticated multibulk length"));
  EXPECT_EQ(FeedAll(Multibulk(eleven)), Commands({eleven}));
  const std::string bulk16k(16384, 'b');
  EXPECT_EQ(FeedAll(Multibulk({"AUTH", bulk16k}), unauth), Commands({{"AUTH", bulk16k}}));
  EXPECT_EQ(FeedAll(Multibulk({"AUTH", bulk16k + "b"}), unauth),
            Failure({}, "ERR Protocol error: unauthenticated bulk length"));
  EXPECT_EQ(FeedAll(Multibulk({"AUTH", bulk16k + "b"})), Commands({{"AUTH", bulk16k + "b"}}));
  // Invalid lengths are reported as invalid before the authentication check.
  EXPECT_EQ(FeedAll("*3000000000\r\n", unauth),
            Failure({}, "ERR Protocol error: invalid multibulk length"));
  EXPECT_EQ(FeedAll("*1\r\n$536870913\r\n", unauth),
            Failure({}, "ERR Protocol error: invalid bulk length"));
  // Inline commands have no unauthenticated limit.
  std::string many = "ECHO";
  for (int i = 0; i < 20; ++i) many += " a";
  EXPECT_EQ(FeedAll(many + "\r\n", unauth).commands.size(), 1u);
}

TEST(RequestParserTest, LimitsCanChangeBetweenCommands) {
  RequestParser parser;
  ParserLimits unauth;
  unauth.authenticated = false;
  parser.set_limits(unauth);
  const std::string eleven = Multibulk(Argv(11, "a"));
  EXPECT_EQ(Feed(parser, {Multibulk({"AUTH", "pw"})}), Commands({{"AUTH", "pw"}}));
  parser.set_limits(ParserLimits{});
  EXPECT_EQ(Feed(parser, {eleven}), Commands({Argv(11, "a")}));
}

// --- SplitInlineArgs ------------------------------------------------------------------------

TEST(SplitInlineArgsTest, SplitsLikeSdssplitargs) {
  Argv out;
  ASSERT_TRUE(SplitInlineArgs("", &out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(SplitInlineArgs("  \t ", &out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(SplitInlineArgs("set \"a\\x20b\" 'c d' e", &out));
  EXPECT_EQ(out, (Argv{"set", "a b", "c d", "e"}));
  ASSERT_TRUE(SplitInlineArgs("x", &out));
  EXPECT_EQ(out, (Argv{"x"}));
  ASSERT_TRUE(SplitInlineArgs("\"\\xzz\"", &out));
  EXPECT_EQ(out, (Argv{"xzz"}));
  // A NUL ends the line, as in C.
  ASSERT_TRUE(SplitInlineArgs("a b\0c d"s, &out));
  EXPECT_EQ(out, (Argv{"a", "b"}));
  EXPECT_FALSE(SplitInlineArgs("\"a\0\""s, &out));
  EXPECT_FALSE(SplitInlineArgs("'abc", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(SplitInlineArgs("\"a\"b", &out));
}

}  // namespace
}  // namespace cachet::protocol
