#include "protocol/reply_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace hotcache::protocol {
namespace {

using namespace std::string_literals;

// Runs `write` on a RESP2 and on a RESP3 writer and checks both outputs.
void ExpectBoth(const std::function<void(ReplyWriter&)>& write, const std::string& resp2,
                const std::string& resp3) {
  std::string out2 = "prefix";
  ReplyWriter w2(&out2, /*resp3=*/false);
  write(w2);
  EXPECT_EQ(out2, "prefix" + resp2);
  std::string out3;
  ReplyWriter w3(&out3, /*resp3=*/true);
  write(w3);
  EXPECT_EQ(out3, resp3);
}

void ExpectSame(const std::function<void(ReplyWriter&)>& write, const std::string& both) {
  ExpectBoth(write, both, both);
}

TEST(ReplyWriterTest, SimpleString) {
  ExpectSame([](ReplyWriter& w) { w.SimpleString("OK"); }, "+OK\r\n");
  ExpectSame([](ReplyWriter& w) { w.SimpleString(""); }, "+\r\n");
}

TEST(ReplyWriterTest, Error) {
  ExpectSame([](ReplyWriter& w) { w.Error("ERR syntax error"); }, "-ERR syntax error\r\n");
  ExpectSame([](ReplyWriter& w) { w.Error("ERR a\r\nb\nc\rd"); }, "-ERR a  b c d\r\n");
}

TEST(ReplyWriterTest, Integer) {
  ExpectSame([](ReplyWriter& w) { w.Integer(0); }, ":0\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(7); }, ":7\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(42); }, ":42\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(-1); }, ":-1\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(100); }, ":100\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(1234567890123); }, ":1234567890123\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(INT64_MAX); }, ":9223372036854775807\r\n");
  ExpectSame([](ReplyWriter& w) { w.Integer(INT64_MIN); }, ":-9223372036854775808\r\n");
}

TEST(ReplyWriterTest, IntegerMatchesToStringForManyValues) {
  std::string out;
  ReplyWriter w(&out);
  for (int64_t v = -100000; v <= 100000; v += 7) {
    out.clear();
    w.Integer(v);
    ASSERT_EQ(out, ":" + std::to_string(v) + "\r\n");
  }
  for (int64_t v = 1; v > 0 && v < INT64_MAX / 3; v = v * 3 + 1) {
    out.clear();
    w.Integer(v);
    ASSERT_EQ(out, ":" + std::to_string(v) + "\r\n");
  }
}

TEST(ReplyWriterTest, Bulk) {
  ExpectSame([](ReplyWriter& w) { w.Bulk("foo"); }, "$3\r\nfoo\r\n");
  ExpectSame([](ReplyWriter& w) { w.Bulk(""); }, "$0\r\n\r\n");
  ExpectSame([](ReplyWriter& w) { w.Bulk("a\r\n\0b"s); }, "$5\r\na\r\n\0b\r\n"s);
  const std::string big(12345, 'x');
  ExpectSame([&](ReplyWriter& w) { w.Bulk(big); }, "$12345\r\n" + big + "\r\n");
}

TEST(ReplyWriterTest, Nulls) {
  ExpectBoth([](ReplyWriter& w) { w.Null(); }, "$-1\r\n", "_\r\n");
  ExpectBoth([](ReplyWriter& w) { w.NullArray(); }, "*-1\r\n", "_\r\n");
}

TEST(ReplyWriterTest, AggregateHeaders) {
  ExpectSame([](ReplyWriter& w) { w.ArrayHeader(0); }, "*0\r\n");
  ExpectSame([](ReplyWriter& w) { w.ArrayHeader(3); }, "*3\r\n");
  ExpectBoth([](ReplyWriter& w) { w.MapHeader(2); }, "*4\r\n", "%2\r\n");
  ExpectBoth([](ReplyWriter& w) { w.MapHeader(0); }, "*0\r\n", "%0\r\n");
  ExpectBoth([](ReplyWriter& w) { w.SetHeader(5); }, "*5\r\n", "~5\r\n");
  ExpectBoth([](ReplyWriter& w) { w.PushHeader(3); }, "*3\r\n", ">3\r\n");
}

TEST(ReplyWriterTest, Boolean) {
  ExpectBoth([](ReplyWriter& w) { w.Boolean(true); }, ":1\r\n", "#t\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Boolean(false); }, ":0\r\n", "#f\r\n");
}

TEST(ReplyWriterTest, Verbatim) {
  ExpectBoth([](ReplyWriter& w) { w.Verbatim("txt", "hello"); }, "$5\r\nhello\r\n",
             "=9\r\ntxt:hello\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Verbatim("mkd", ""); }, "$0\r\n\r\n", "=4\r\nmkd:\r\n");
}

TEST(ReplyWriterTest, BigNumber) {
  ExpectBoth([](ReplyWriter& w) { w.BigNumber("3492890328409238509324850943850943825024385"); },
             "$43\r\n3492890328409238509324850943850943825024385\r\n",
             "(3492890328409238509324850943850943825024385\r\n");
}

TEST(ReplyWriterTest, Raw) {
  ExpectSame([](ReplyWriter& w) { w.Raw("+PONG\r\n"); }, "+PONG\r\n");
}

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// Redis 7.0's addReplyDouble(): "%.17g", with inf spelled out, as ",<text>"
// (RESP3) or a bulk string (RESP2). Expected texts as redis-server 7.0.15 sends them.
TEST(ReplyWriterTest, Double) {
  const double inf = std::numeric_limits<double>::infinity();
  const struct {
    double value;
    std::string text;
  } cases[] = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.0, "1"},
      {-3.0, "-3"},
      {1.5, "1.5"},
      {0.1, "0.10000000000000001"},
      {3.14159, "3.1415899999999999"},
      {100.5, "100.5"},
      {1e15, "1000000000000000"},
      {1e20, "1e+20"},
      {-1e20, "-1e+20"},
      {1e-7, "9.9999999999999995e-08"},
      {inf, "inf"},
      {-inf, "-inf"},
      {std::nan(""), "nan"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    ExpectBoth([&](ReplyWriter& w) { w.Double(c.value); }, Bulk(c.text), "," + c.text + "\r\n");
  }
}

TEST(ReplyWriterTest, DoubleRoundTrips) {
  std::string out;
  ReplyWriter w(&out, true);
  double v = 1.0 / 3;
  for (int i = 0; i < 2000; ++i) {
    out.clear();
    w.Double(v);
    ASSERT_EQ(out.substr(out.size() - 2), "\r\n");
    EXPECT_EQ(std::strtod(out.c_str() + 1, nullptr), v) << out;
    v *= -1.7;
  }
}

TEST(ReplyWriterTest, AppendsAndSwitchesProtocol) {
  std::string out;
  ReplyWriter w(&out);
  EXPECT_FALSE(w.resp3());
  EXPECT_EQ(w.buffer(), &out);
  w.ArrayHeader(2);
  w.Bulk("a");
  w.Null();
  w.set_resp3(true);
  EXPECT_TRUE(w.resp3());
  w.Null();
  EXPECT_EQ(out, "*2\r\n$1\r\na\r\n$-1\r\n_\r\n");
}

}  // namespace
}  // namespace hotcache::protocol
