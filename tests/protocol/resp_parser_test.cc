#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace hotcache::protocol {
namespace {

using namespace std::string_literals;
using Command = std::vector<std::string>;

// A pipelined stream mixing every request shape Redis accepts.
const std::string kStream =
    "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\nva\r\nl\r\n\0ue\r\n"s  // binary bulk
    "PING\r\n"                                                     // inline
    "*2\r\n$3\r\nGET\r\n$0\r\n\r\n"                                // empty bulk
    "\r\n"                                                         // empty inline line
    "SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n"                         // quoted inline
    "*0\r\n"                                                       // empty multibulk
    "ECHO hi\n"                                                    // LF-only inline
    "*-1\r\n"                                                      // null multibulk
    "  \t\r\n"                                                     // blank inline line
    "*1\r\n$4\r\nPING\r\n"
    "GET k\r\n";

const std::vector<Command> kExpected = {
    {"SET", "key", "va\r\nl\r\n\0ue"s},
    {"PING"},
    {"GET", ""},
    {},
    {"SET", "a b", "c'd", "A\n"},
    {},
    {"ECHO", "hi"},
    {},
    {},
    {"PING"},
    {"GET", "k"},
};

// Length of each command of kStream, in order.
std::vector<size_t> CommandLengths() {
  RespParser parser;
  std::vector<std::string_view> args;
  std::vector<size_t> lengths;
  std::string_view rest = kStream;
  while (!rest.empty()) {
    ParseResult r = parser.ParseCommand(rest, &args);
    EXPECT_EQ(r.status, ParseStatus::kComplete);
    if (r.status != ParseStatus::kComplete) break;
    lengths.push_back(r.consumed);
    rest.remove_prefix(r.consumed);
  }
  return lengths;
}

// Feeds `chunks` one after the other into a connection-like buffer, parsing
// every complete command after each chunk, and returns the commands.
std::vector<Command> FeedInChunks(const std::vector<std::string>& chunks) {
  const std::vector<size_t> lengths = CommandLengths();
  RespParser parser;
  std::vector<std::string_view> args;
  std::vector<Command> out;
  std::string buffer;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    while (!buffer.empty()) {
      ParseResult r = parser.ParseCommand(buffer, &args);
      if (r.status == ParseStatus::kNeedMore) {
        EXPECT_EQ(r.consumed, 0u);
        // min_needed must be a true lower bound on the next command's size.
        if (r.min_needed != 0 && out.size() < lengths.size()) {
          EXPECT_LE(r.min_needed, lengths[out.size()]) << "command " << out.size();
          EXPECT_GT(r.min_needed, buffer.size());
        }
        break;
      }
      EXPECT_EQ(r.status, ParseStatus::kComplete) << r.error;
      if (r.status != ParseStatus::kComplete) return out;
      Command cmd;
      for (std::string_view a : args) cmd.emplace_back(a);
      out.push_back(std::move(cmd));
      buffer.erase(0, r.consumed);
    }
  }
  EXPECT_TRUE(buffer.empty());
  return out;
}

TEST(RespParserTest, WholeStreamAtOnce) { EXPECT_EQ(FeedInChunks({kStream}), kExpected); }

TEST(RespParserTest, StreamSplitAtEverySplitPoint) {
  for (size_t split = 0; split <= kStream.size(); ++split) {
    SCOPED_TRACE("split at " + std::to_string(split));
    EXPECT_EQ(FeedInChunks({kStream.substr(0, split), kStream.substr(split)}), kExpected);
  }
}

TEST(RespParserTest, StreamSplitAtEveryPairOfSplitPoints) {
  for (size_t a = 0; a <= kStream.size(); ++a) {
    for (size_t b = a; b <= kStream.size(); ++b) {
      std::vector<Command> got =
          FeedInChunks({kStream.substr(0, a), kStream.substr(a, b - a), kStream.substr(b)});
      ASSERT_EQ(got, kExpected) << "splits at " << a << " and " << b;
    }
  }
}

TEST(RespParserTest, StreamFedOneByteAtATime) {
  std::vector<std::string> chunks;
  for (char c : kStream) chunks.emplace_back(1, c);
  EXPECT_EQ(FeedInChunks(chunks), kExpected);
}

TEST(RespParserTest, MultibulkArgumentsAreViewsIntoTheInput) {
  RespParser parser;
  std::vector<std::string_view> args;
  const std::string input = "*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n";
  ParseResult r = parser.ParseCommand(input, &args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.consumed, input.size());
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].data(), input.data() + 8);
  EXPECT_EQ(args[1].data(), input.data() + 17);
}

TEST(RespParserTest, PlainInlineArgumentsAreViewsIntoTheInput) {
  RespParser parser;
  std::vector<std::string_view> args;
  const std::string input = "SET k \"quoted\" v\r\n";
  ASSERT_EQ(parser.ParseCommand(input, &args).status, ParseStatus::kComplete);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].data(), input.data());
  EXPECT_EQ(args[1].data(), input.data() + 4);
  EXPECT_EQ(args[2], "quoted");
  EXPECT_EQ(args[3].data(), input.data() + 15);
}

TEST(RespParserTest, ArgsClearedBeforeFilling) {
  RespParser parser;
  std::vector<std::string_view> args = {"stale"};
  ASSERT_EQ(parser.ParseCommand("*0\r\n", &args).status, ParseStatus::kComplete);
  EXPECT_TRUE(args.empty());
}

TEST(RespParserTest, ConsumesOnlyTheFirstCommand) {
  RespParser parser;
  std::vector<std::string_view> args;
  ParseResult r = parser.ParseCommand("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI", &args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.consumed, 14u);
}

TEST(RespParserTest, MinNeededWhenBulkLengthIsKnown) {
  RespParser parser;
  std::vector<std::string_view> args;
  std::string input = "*2\r\n$3\r\nSET\r\n$100\r\n" + std::string(10, 'x');
  ParseResult r = parser.ParseCommand(input, &args);
  ASSERT_EQ(r.status, ParseStatus::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.min_needed, 19u + 100 + 2);
  // Redis needs the two bytes after the payload before the argument counts.
  input.append(90, 'x');
  input.append("\r");
  EXPECT_EQ(parser.ParseCommand(input, &args).status, ParseStatus::kNeedMore);
  input.append("\n");
  r = parser.ParseCommand(input, &args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.consumed, 121u);
  EXPECT_EQ(args[1].size(), 100u);
}

TEST(RespParserTest, HeaderNeedsOneByteAfterCr) {
  RespParser parser;
  std::vector<std::string_view> args;
  EXPECT_EQ(parser.ParseCommand("*1\r", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("*1\r\n$3\r", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("*1\r\n$3", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("*", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("PING\r", &args).status, ParseStatus::kNeedMore);
}

TEST(RespParserTest, LikeRedisTheByteAfterCrIsNotChecked) {
  // redis-server 7 answers +PONG to exactly these bytes.
  RespParser parser;
  std::vector<std::string_view> args;
  ParseResult r = parser.ParseCommand("*1\rX$4\r\nPING\rX", &args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(r.consumed, 14u);
  ASSERT_EQ(args.size(), 1u);
  EXPECT_EQ(args[0], "PING");
}

TEST(RespParserTest, LikeRedisANulByteHidesTheLineEnd) {
  // Redis searches header and inline line ends with strchr(): it keeps waiting.
  RespParser parser;
  std::vector<std::string_view> args;
  EXPECT_EQ(parser.ParseCommand("*1\r\n\0\r\n"s, &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("ECHO a\0b\r\n"s, &args).status, ParseStatus::kNeedMore);
  // ...until the line is too long.
  std::string big = "ECHO a\0b\r\n"s + std::string(70000, 'x');
  ParseResult r = parser.ParseCommand(big, &args);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.error, "ERR Protocol error: too big inline request");
}

TEST(RespParserTest, InlineSplitArgsRules) {
  struct Case {
    std::string line;
    Command want;
  };
  const std::vector<Case> cases = {
      {"SET \"a b\" c", {"SET", "a b", "c"}},
      {R"("\x41\x4a\n\t\r\b\a\z\"")", {"AJ\n\t\r\b\az\""}},
      {R"("\x4" "\xZZ")", {"x4", "xZZ"}},
      {R"('a\'b' 'c\d' 'e"f')", {"a'b", "c\\d", "e\"f"}},
      {"a\"b c\"", {"ab c"}},
      {"pre'fix x'", {"prefix x"}},
      {"ECHO \"\"", {"ECHO", ""}},
      {"ECHO ''", {"ECHO", ""}},
      {"  \t PING \t ", {"PING"}},
      {"a\vb \vc", {"a\vb", "c"}},
      {"a\rb", {"a", "b"}},
      {"\"a\"\t\"b\"", {"a", "b"}},
      {"\"a\"\v'b'", {"a", "b"}},
      {"\xff\xfe", {"\xff\xfe"}},
  };
  RespParser parser;
  std::vector<std::string_view> args;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string input = c.line + "\r\n";
    ParseResult r = parser.ParseCommand(input, &args);
    ASSERT_EQ(r.status, ParseStatus::kComplete) << r.error;
    EXPECT_EQ(r.consumed, input.size());
    Command got(args.begin(), args.end());
    EXPECT_EQ(got, c.want);
  }
}

struct ErrorCase {
  std::string input;
  std::string_view error;
};

void ExpectErrors(const std::vector<ErrorCase>& cases, ParserLimits limits = {}) {
  RespParser parser(limits);
  std::vector<std::string_view> args;
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.input.substr(0, 40)));
    ParseResult r = parser.ParseCommand(c.input, &args);
    EXPECT_EQ(r.status, ParseStatus::kError);
    EXPECT_EQ(r.error, c.error);
    EXPECT_EQ(r.consumed, 0u);
  }
}

TEST(RespParserTest, InvalidMultibulkLength) {
  constexpr std::string_view kErr = "ERR Protocol error: invalid multibulk length";
  ExpectErrors({
      {"*a\r\n", kErr},
      {"*\r\n", kErr},
      {"*01\r\n", kErr},
      {"*-0\r\n", kErr},
      {"*+1\r\n", kErr},
      {"* 1\r\n", kErr},
      {"*1 \r\n", kErr},
      {"*-\r\n", kErr},
      {"*2147483648\r\n", kErr},
      {"*9223372036854775807\r\n", kErr},
      {"*9223372036854775808\r\n", kErr},
      {"*99999999999999999999\r\n", kErr},
      {"*" + std::string(70000, '1') + "\r\n", kErr},  // long, but has a CR
  });
}

TEST(RespParserTest, MultibulkCountLimits) {
  RespParser parser;
  std::vector<std::string_view> args;
  // INT_MAX is accepted (Redis waits for the arguments); one more is not.
  EXPECT_EQ(parser.ParseCommand("*2147483647\r\n", &args).status, ParseStatus::kNeedMore);
  EXPECT_EQ(parser.ParseCommand("*-9223372036854775808\r\nPING\r\n", &args).status,
            ParseStatus::kComplete);
  ParserLimits small;
  small.max_multibulk_len = 5;
  ExpectErrors({{"*6\r\n", "ERR Protocol error: invalid multibulk length"}}, small);
  parser.set_limits(small);
  EXPECT_EQ(parser.ParseCommand("*5\r\n", &args).status, ParseStatus::kNeedMore);
}

TEST(RespParserTest, InvalidBulkLength) {
  constexpr std::string_view kErr = "ERR Protocol error: invalid bulk length";
  ExpectErrors({
      {"*1\r\n$-1\r\n", kErr},
      {"*1\r\n$-0\r\n", kErr},
      {"*1\r\n$\r\n", kErr},
      {"*1\r\n$01\r\n", kErr},
      {"*1\r\n$1x\r\n", kErr},
      {"*1\r\n$536870913\r\n", kErr},  // > proto-max-bulk-len (512MB)
      {"*2\r\n$4\r\nECHO\r\n$abc\r\nxyz\r\n", kErr},
  });
}

TEST(RespParserTest, BulkOverLimitIsAnErrorAtTheHeader) {
  ParserLimits limits;
  limits.proto_max_bulk_len = 10;
  ExpectErrors({{"*2\r\n$3\r\nSET\r\n$11\r\n", "ERR Protocol error: invalid bulk length"}}, limits);
  RespParser parser(limits);
  std::vector<std::string_view> args;
  ParseResult r = parser.ParseCommand("*2\r\n$3\r\nSET\r\n$10\r\n", &args);
  EXPECT_EQ(r.status, ParseStatus::kNeedMore);
  EXPECT_EQ(r.min_needed, 18u + 12);
  // The default limit (512MB) accepts a 512MB header and waits.
  RespParser def;
  EXPECT_EQ(def.ParseCommand("*1\r\n$536870912\r\n", &args).status, ParseStatus::kNeedMore);
}

TEST(RespParserTest, ExpectedDollar) {
  ExpectErrors({
      {"*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},  // CR/LF mapped to space
      {"*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\xff\r\n", "ERR Protocol error: expected '$', got '\xff'"},
      {"*1\r\nPING\r\n", "ERR Protocol error: expected '$', got 'P'"},
  });
}

TEST(RespParserTest, TooBigInlineRequest) {
  constexpr std::string_view kErr = "ERR Protocol error: too big inline request";
  RespParser parser;
  std::vector<std::string_view> args;
  std::string line(64 * 1024, 'a');
  EXPECT_EQ(parser.ParseCommand(line, &args).status, ParseStatus::kNeedMore);
  line.push_back('a');
  ExpectErrors({{line, kErr}});
  // A long line that does end is accepted, like in Redis.
  line += "\r\n";
  EXPECT_EQ(parser.ParseCommand(line, &args).status, ParseStatus::kComplete);
}

TEST(RespParserTest, TooBigCountStrings) {
  RespParser parser;
  std::vector<std::string_view> args;
  std::string mbulk = "*" + std::string(64 * 1024 - 1, '1');
  EXPECT_EQ(parser.ParseCommand(mbulk, &args).status, ParseStatus::kNeedMore);
  mbulk.push_back('1');
  ExpectErrors({{mbulk, "ERR Protocol error: too big mbulk count string"}});

  const std::string prefix = "*2\r\n$4\r\nECHO\r\n";
  std::string bulk = prefix + "$" + std::string(64 * 1024 - 1, '1');
  EXPECT_EQ(parser.ParseCommand(bulk, &args).status, ParseStatus::kNeedMore);
  bulk.push_back('1');
  ExpectErrors({{bulk, "ERR Protocol error: too big bulk count string"}});
  // The cap applies before the '$' is checked.
  ExpectErrors({{"*1\r\n" + std::string(70000, 'X'), "ERR Protocol error: too big bulk count string"}});
}

TEST(RespParserTest, UnbalancedQuotes) {
  constexpr std::string_view kErr = "ERR Protocol error: unbalanced quotes in request";
  ExpectErrors({
      {"ECHO \"a\r\n", kErr},
      {"ECHO 'a\r\n", kErr},
      {"ECHO \"a\"b\r\n", kErr},
      {"ECHO 'a'b\r\n", kErr},
      {"ECHO \"\"\"\"\r\n", kErr},
      {"ECHO \"a\\\"\r\n", kErr},
      {"ECHO \"a\\\r\n", kErr},
      {"\"\n", kErr},
  });
}

TEST(RespParserTest, ErrorsInsideAPipelineComeAfterTheGoodCommands) {
  RespParser parser;
  std::vector<std::string_view> args;
  std::string input = "PING\r\n*1\r\n$x\r\n";
  ParseResult r = parser.ParseCommand(input, &args);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  r = parser.ParseCommand(std::string_view(input).substr(r.consumed), &args);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.error, "ERR Protocol error: invalid bulk length");
}

}  // namespace
}  // namespace hotcache::protocol
