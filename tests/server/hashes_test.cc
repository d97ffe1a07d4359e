// The hash family through the real dispatcher. Expected bytes are what
// redis-server 7.0 replies to the same commands (field order aside: hotcache
// does not keep insertion order, so multi-field replies are compared as sets).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

constexpr char kOk[] = "+OK\r\n";
constexpr char kNull2[] = "$-1\r\n";
constexpr char kEmptyArray[] = "*0\r\n";
constexpr char kEmptyScan[] = "*2\r\n$1\r\n0\r\n*0\r\n";
constexpr char kWrongType[] =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr char kSyntax[] = "-ERR syntax error\r\n";
constexpr char kNotInt[] = "-ERR value is not an integer or out of range\r\n";
constexpr char kNotFloat[] = "-ERR value is not a valid float\r\n";

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string Arity(const std::string& cmd) {
  return "-ERR wrong number of arguments for '" + cmd + "' command\r\n";
}

// A parsed RESP reply (enough for these tests: aggregates of bulks/nulls).
struct Reply {
  char type = 0;                 // '$', '*', '%', '_', ':', '+', '-'
  std::string str;               // bulk / simple / error / integer text
  std::vector<Reply> elems;      // aggregate elements (maps: k, v, k, v, ...)
};

Reply Parse(const std::string& raw, size_t* pos) {
  Reply r;
  r.type = raw.at(*pos);
  const size_t eol = raw.find("\r\n", *pos);
  const std::string head = raw.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  switch (r.type) {
    case '$': {
      const long n = std::stol(head);
      if (n >= 0) {
        r.str = raw.substr(*pos, n);
        *pos += n + 2;
      }
      break;
    }
    case '*':
    case '%': {
      long n = std::stol(head);
      if (r.type == '%') n *= 2;
      for (long i = 0; i < n; ++i) r.elems.push_back(Parse(raw, pos));
      break;
    }
    default:
      r.str = head;
  }
  return r;
}

Reply Parse(const std::string& raw) {
  size_t pos = 0;
  Reply r = Parse(raw, &pos);
  EXPECT_EQ(pos, raw.size()) << "trailing bytes in " << raw;
  return r;
}

// Field -> value pairs from a flat (RESP2) or nested (RESP3 pairs) reply.
std::map<std::string, std::string> Pairs(const Reply& r) {
  std::map<std::string, std::string> out;
  if (!r.elems.empty() && r.elems[0].type == '*') {
    for (const Reply& p : r.elems) out[p.elems.at(0).str] = p.elems.at(1).str;
  } else {
    for (size_t i = 0; i + 1 < r.elems.size(); i += 2) out[r.elems[i].str] = r.elems[i + 1].str;
  }
  return out;
}

std::multiset<std::string> Strings(const Reply& r) {
  std::multiset<std::string> out;
  for (const Reply& e : r.elems) out.insert(e.str);
  return out;
}

class HashesTest : public ::testing::Test {
 protected:
  int64_t Now() { return h_.clock().NowMs(); }
  storage::DbView View() { return storage::DbView(&h_.store(), 0, Now()); }
  storage::Entry* Peek(const std::string& key) { return View().Find(key); }
  std::string Run(const std::vector<std::string>& args) { return h_.Run(args); }
  void Resp3() { h_.client().SetResp(3); }

  CommandHarness h_;
};

TEST_F(HashesTest, HSetAndHGet) {
  EXPECT_EQ(Run({"HGET", "h", "f"}), kNull2);
  EXPECT_EQ(Run({"HSET", "h", "f", "v"}), Int(1));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("v"));
  EXPECT_EQ(Run({"HGET", "h", "other"}), kNull2);
  EXPECT_EQ(Run({"HSET", "h", "f", "v2", "g", "w", "k", "x"}), Int(2));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("v2"));
  // A field repeated in one call counts once and the last value wins.
  EXPECT_EQ(Run({"HSET", "h", "n", "1", "n", "2"}), Int(1));
  EXPECT_EQ(Run({"HGET", "h", "n"}), Bulk("2"));
  EXPECT_EQ(Run({"hset", "h", "", ""}), Int(1));
  EXPECT_EQ(Run({"hget", "h", ""}), "$0\r\n\r\n");
  const std::string bin("a\0b\r\n", 5);
  EXPECT_EQ(Run({"HSET", "h", bin, bin}), Int(1));
  EXPECT_EQ(Run({"HGET", "h", bin}), Bulk(bin));
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  ASSERT_NE(Peek("h"), nullptr);
  EXPECT_EQ(Peek("h")->type(), storage::ValueType::kHash);
  EXPECT_EQ(Peek("h")->hash().size(), 6u);
}

TEST_F(HashesTest, HSetArity) {
  EXPECT_EQ(Run({"HSET", "h", "f"}), Arity("hset"));
  EXPECT_EQ(Run({"HSET", "h", "f", "v", "g"}), Arity("hset"));
  EXPECT_EQ(Run({"HSET", "h"}), Arity("hset"));
  EXPECT_EQ(Peek("h"), nullptr);
  EXPECT_EQ(Run({"HGET", "h"}), Arity("hget"));
  EXPECT_EQ(Run({"HGET", "h", "f", "g"}), Arity("hget"));
  EXPECT_EQ(Run({"HSETNX", "h", "f"}), Arity("hsetnx"));
  EXPECT_EQ(Run({"HMGET", "h"}), Arity("hmget"));
  EXPECT_EQ(Run({"HMSET", "h", "f"}), Arity("hmset"));
  EXPECT_EQ(Run({"HMSET", "h", "f", "v", "g"}), Arity("hmset"));
  EXPECT_EQ(Run({"HGETALL"}), Arity("hgetall"));
  EXPECT_EQ(Run({"HGETALL", "a", "b"}), Arity("hgetall"));
  EXPECT_EQ(Run({"HDEL", "h"}), Arity("hdel"));
  EXPECT_EQ(Run({"HEXISTS", "h"}), Arity("hexists"));
  EXPECT_EQ(Run({"HLEN"}), Arity("hlen"));
  EXPECT_EQ(Run({"HKEYS"}), Arity("hkeys"));
  EXPECT_EQ(Run({"HVALS"}), Arity("hvals"));
  EXPECT_EQ(Run({"HINCRBY", "h", "f"}), Arity("hincrby"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f"}), Arity("hincrbyfloat"));
  EXPECT_EQ(Run({"HSTRLEN", "h"}), Arity("hstrlen"));
  EXPECT_EQ(Run({"HSCAN", "h"}), Arity("hscan"));
  EXPECT_EQ(Run({"HRANDFIELD"}), Arity("hrandfield"));
}

TEST_F(HashesTest, HMSet) {
  EXPECT_EQ(Run({"HMSET", "h", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(Run({"HMSET", "h", "a", "3"}), kOk);
  EXPECT_EQ(Run({"HMGET", "h", "a", "b", "c"}), "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$-1\r\n");
}

TEST_F(HashesTest, HSetNx) {
  EXPECT_EQ(Run({"HSETNX", "h", "f", "v"}), Int(1));
  EXPECT_EQ(Run({"HSETNX", "h", "f", "w"}), Int(0));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("v"));
  EXPECT_EQ(Run({"HSETNX", "h", "g", "w"}), Int(1));
  EXPECT_EQ(Run({"HLEN", "h"}), Int(2));
}

TEST_F(HashesTest, HMGet) {
  EXPECT_EQ(Run({"HMGET", "missing", "a", "b"}), "*2\r\n$-1\r\n$-1\r\n");
  Run({"HSET", "h", "a", "1", "b", ""});
  EXPECT_EQ(Run({"HMGET", "h", "a", "x", "b", "a"}),
            "*4\r\n$1\r\n1\r\n$-1\r\n$0\r\n\r\n$1\r\n1\r\n");
  Resp3();
  EXPECT_EQ(Run({"HMGET", "h", "x", "a"}), "*2\r\n_\r\n$1\r\n1\r\n");
  EXPECT_EQ(Run({"HMGET", "missing", "a"}), "*1\r\n_\r\n");
  EXPECT_EQ(Run({"HGET", "h", "x"}), "_\r\n");
  EXPECT_EQ(Run({"HGET", "missing", "x"}), "_\r\n");
}

TEST_F(HashesTest, HGetAllKeysVals) {
  EXPECT_EQ(Run({"HGETALL", "missing"}), kEmptyArray);
  EXPECT_EQ(Run({"HKEYS", "missing"}), kEmptyArray);
  EXPECT_EQ(Run({"HVALS", "missing"}), kEmptyArray);
  Run({"HSET", "one", "f", "v"});
  EXPECT_EQ(Run({"HGETALL", "one"}), "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HKEYS", "one"}), "*1\r\n$1\r\nf\r\n");
  EXPECT_EQ(Run({"HVALS", "one"}), "*1\r\n$1\r\nv\r\n");

  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  const Reply all = Parse(Run({"HGETALL", "h"}));
  EXPECT_EQ(all.type, '*');
  EXPECT_EQ(all.elems.size(), 6u);
  const std::map<std::string, std::string> want = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_EQ(Pairs(all), want);
  EXPECT_EQ(Strings(Parse(Run({"HKEYS", "h"}))), (std::multiset<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Strings(Parse(Run({"HVALS", "h"}))), (std::multiset<std::string>{"1", "2", "3"}));

  Resp3();
  EXPECT_EQ(Run({"HGETALL", "missing"}), "%0\r\n");
  EXPECT_EQ(Run({"HKEYS", "missing"}), kEmptyArray);
  EXPECT_EQ(Run({"HVALS", "missing"}), kEmptyArray);
  EXPECT_EQ(Run({"HGETALL", "one"}), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HKEYS", "one"}), "*1\r\n$1\r\nf\r\n");
  const Reply map = Parse(Run({"HGETALL", "h"}));
  EXPECT_EQ(map.type, '%');
  EXPECT_EQ(Pairs(map), want);
  // The order of HKEYS and HVALS agrees with HGETALL's.
  const Reply keys = Parse(Run({"HKEYS", "h"}));
  const Reply vals = Parse(Run({"HVALS", "h"}));
  ASSERT_EQ(keys.elems.size(), 3u);
  ASSERT_EQ(vals.elems.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(want.at(keys.elems[i].str), vals.elems[i].str);
}

TEST_F(HashesTest, HDelRemovesEmptyHash) {
  EXPECT_EQ(Run({"HDEL", "missing", "f"}), Int(0));
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Run({"HDEL", "h", "x"}), Int(0));
  EXPECT_EQ(Run({"HDEL", "h", "a", "a", "x"}), Int(1));
  EXPECT_EQ(Run({"HLEN", "h"}), Int(2));
  EXPECT_EQ(Run({"HDEL", "h", "b"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(1));
  EXPECT_EQ(Run({"HDEL", "h", "c", "zz"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(0));
  EXPECT_EQ(Run({"TYPE", "h"}), "+none\r\n");
  EXPECT_EQ(Peek("h"), nullptr);
  // The key can be reused for any type afterwards.
  EXPECT_EQ(Run({"SET", "h", "s"}), kOk);
  EXPECT_EQ(Run({"GET", "h"}), Bulk("s"));
}

TEST_F(HashesTest, HDelKeepsExpiryOfRemainingHash) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"EXPIRE", "h", "100"}), Int(1));
  EXPECT_EQ(Run({"HDEL", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"TTL", "h"}), Int(100));
  EXPECT_EQ(Run({"HSET", "h", "c", "3"}), Int(1));
  EXPECT_EQ(Run({"TTL", "h"}), Int(100));
  h_.clock().Advance(100 * 1000 + 1);
  EXPECT_EQ(Run({"HGET", "h", "b"}), kNull2);
  EXPECT_EQ(Run({"HLEN", "h"}), Int(0));
  EXPECT_EQ(Run({"HSET", "h", "z", "1"}), Int(1));
  EXPECT_EQ(Run({"TTL", "h"}), Int(-1));
}

TEST_F(HashesTest, HExistsHLenHStrLen) {
  EXPECT_EQ(Run({"HEXISTS", "missing", "f"}), Int(0));
  EXPECT_EQ(Run({"HLEN", "missing"}), Int(0));
  EXPECT_EQ(Run({"HSTRLEN", "missing", "f"}), Int(0));
  Run({"HSET", "h", "f", "hello", "e", "", "n", "-12345"});
  EXPECT_EQ(Run({"HEXISTS", "h", "f"}), Int(1));
  EXPECT_EQ(Run({"HEXISTS", "h", "e"}), Int(1));
  EXPECT_EQ(Run({"HEXISTS", "h", "x"}), Int(0));
  EXPECT_EQ(Run({"HLEN", "h"}), Int(3));
  EXPECT_EQ(Run({"HSTRLEN", "h", "f"}), Int(5));
  EXPECT_EQ(Run({"HSTRLEN", "h", "e"}), Int(0));
  EXPECT_EQ(Run({"HSTRLEN", "h", "n"}), Int(6));
  EXPECT_EQ(Run({"HSTRLEN", "h", "x"}), Int(0));
}

TEST_F(HashesTest, HIncrBy) {
  EXPECT_EQ(Run({"HINCRBY", "h", "f", "5"}), Int(5));
  EXPECT_EQ(Run({"HINCRBY", "h", "f", "-7"}), Int(-2));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("-2"));
  EXPECT_EQ(Run({"HINCRBY", "h", "g", "0"}), Int(0));
  EXPECT_EQ(Run({"HGET", "h", "g"}), Bulk("0"));
  // Argument errors come first and create nothing.
  EXPECT_EQ(Run({"HINCRBY", "new", "f", "x"}), kNotInt);
  EXPECT_EQ(Run({"HINCRBY", "new", "f", "1.5"}), kNotInt);
  EXPECT_EQ(Run({"HINCRBY", "new", "f", " 1"}), kNotInt);
  EXPECT_EQ(Run({"HINCRBY", "new", "f", "9223372036854775808"}), kNotInt);
  EXPECT_EQ(Peek("new"), nullptr);
  // Stored values must be canonical integers.
  Run({"HSET", "h", "s", "abc", "sp", " 1", "lz", "01", "fl", "1.0", "e", ""});
  for (const char* field : {"s", "sp", "lz", "fl", "e"}) {
    EXPECT_EQ(Run({"HINCRBY", "h", field, "1"}), "-ERR hash value is not an integer\r\n")
        << field;
  }
  EXPECT_EQ(Run({"HGET", "h", "sp"}), Bulk(" 1"));
  // Overflow, both ways; the value is unchanged.
  Run({"HSET", "h", "max", "9223372036854775807", "min", "-9223372036854775808"});
  EXPECT_EQ(Run({"HINCRBY", "h", "max", "1"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(Run({"HINCRBY", "h", "min", "-1"}),
            "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(Run({"HGET", "h", "max"}), Bulk("9223372036854775807"));
  EXPECT_EQ(Run({"HINCRBY", "h", "max", "-9223372036854775808"}), Int(-1));
  EXPECT_EQ(Run({"HINCRBY", "h", "min", "9223372036854775807"}), Int(-1));
  EXPECT_EQ(Run({"HINCRBY", "h2", "f", "-9223372036854775808"}),
            Int(INT64_MIN));
  EXPECT_EQ(Run({"HGET", "h2", "f"}), Bulk("-9223372036854775808"));
}

TEST_F(HashesTest, HIncrByFloat) {
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f", "10.5"}), Bulk("10.5"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f", "-5"}), Bulk("5.6"));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("5.6"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "g", "5.0e3"}), Bulk("5000"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "z", "1e10"}), Bulk("10000000000"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "z", "0.1"}), Bulk("10000000000.09999999962747097"));
  Run({"HSET", "h", "i", "7", "e", "1e3", "sp", " 1", "s", "abc", "inf", "inf", "big", "1e4932"});
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "i", "0.5"}), Bulk("7.5"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "e", "1"}), Bulk("1001"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "sp", "1"}), "-ERR hash value is not a float\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "s", "1"}), "-ERR hash value is not a float\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "inf", "1"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "big", "1e4932"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(Run({"HGET", "h", "big"}), Bulk("1e4932"));
  // Argument errors, checked before the key.
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", "x"}), kNotFloat);
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", "nan"}), kNotFloat);
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", ""}), kNotFloat);
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", "-inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(Peek("new"), nullptr);
  Run({"SET", "str", "1"});
  EXPECT_EQ(Run({"HINCRBYFLOAT", "str", "f", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "str", "f", "1"}), kWrongType);
  Resp3();
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "i", "1"}), Bulk("8.5"));
}

TEST_F(HashesTest, WrongTypeEveryHashCommand) {
  Run({"SET", "s", "v"});
  const std::vector<std::vector<std::string>> cmds = {
      {"HSET", "s", "f", "v"},      {"HMSET", "s", "f", "v"},   {"HSETNX", "s", "f", "v"},
      {"HGET", "s", "f"},           {"HMGET", "s", "f"},        {"HGETALL", "s"},
      {"HDEL", "s", "f"},           {"HEXISTS", "s", "f"},      {"HLEN", "s"},
      {"HKEYS", "s"},               {"HVALS", "s"},             {"HINCRBY", "s", "f", "1"},
      {"HINCRBYFLOAT", "s", "f", "1"}, {"HSTRLEN", "s", "f"},   {"HSCAN", "s", "0"},
      {"HRANDFIELD", "s"},          {"HRANDFIELD", "s", "2"},   {"HRANDFIELD", "s", "-2"},
      {"HRANDFIELD", "s", "0"},     {"HRANDFIELD", "s", "1", "WITHVALUES"},
  };
  for (const auto& cmd : cmds) EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  EXPECT_EQ(Run({"GET", "s"}), Bulk("v"));
  // Argument errors come before the type check, as in Redis.
  EXPECT_EQ(Run({"HINCRBY", "s", "f", "x"}), kNotInt);
  EXPECT_EQ(Run({"HSCAN", "s", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "s", "x"}), kNotInt);
  EXPECT_EQ(Run({"HRANDFIELD", "s", "1", "bad"}), kSyntax);
  // ... but HSCAN's options are parsed after it.
  EXPECT_EQ(Run({"HSCAN", "s", "0", "bad"}), kWrongType);
}

TEST_F(HashesTest, WrongTypeStringCommandsOnHash) {
  Run({"HSET", "h", "f", "1"});
  const std::vector<std::vector<std::string>> cmds = {
      {"GET", "h"},          {"GETSET", "h", "v"},       {"GETDEL", "h"},
      {"GETEX", "h"},        {"APPEND", "h", "x"},       {"STRLEN", "h"},
      {"GETRANGE", "h", "0", "1"}, {"SETRANGE", "h", "0", "x"}, {"INCR", "h"},
      {"DECR", "h"},         {"INCRBY", "h", "1"},       {"DECRBY", "h", "1"},
      {"INCRBYFLOAT", "h", "1"}, {"SET", "h", "v", "GET"},
  };
  for (const auto& cmd : cmds) EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  EXPECT_EQ(Run({"MGET", "h"}), "*1\r\n$-1\r\n");  // MGET never fails
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("1"));
  // Plain SET replaces the hash.
  EXPECT_EQ(Run({"SET", "h", "v"}), kOk);
  EXPECT_EQ(Run({"TYPE", "h"}), "+string\r\n");
  EXPECT_EQ(Run({"HGET", "h", "f"}), kWrongType);
}

TEST_F(HashesTest, HScanSmallHashWhole) {
  EXPECT_EQ(Run({"HSCAN", "missing", "0"}), kEmptyScan);
  EXPECT_EQ(Run({"HSCAN", "missing", "0", "bad", "options"}), kEmptyScan);
  EXPECT_EQ(Run({"HSCAN", "missing", "x"}), "-ERR invalid cursor\r\n");
  Run({"HSET", "one", "f", "v"});
  EXPECT_EQ(Run({"HSCAN", "one", "0"}), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  // The cursor and COUNT do not matter for a small hash.
  EXPECT_EQ(Run({"HSCAN", "one", "12345", "COUNT", "1"}),
            "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  std::vector<std::string> args = {"HSET", "h"};
  std::map<std::string, std::string> want;
  for (int i = 0; i < 128; ++i) {
    const std::string f = "field:" + std::to_string(i);
    args.push_back(f);
    args.push_back(std::to_string(i));
    want[f] = std::to_string(i);
  }
  Run(args);
  Reply r = Parse(Run({"HSCAN", "h", "0", "COUNT", "1"}));
  ASSERT_EQ(r.elems.size(), 2u);
  EXPECT_EQ(r.elems[0].str, "0");
  EXPECT_EQ(Pairs(r.elems[1]), want);
  // MATCH filters fields (not values).
  r = Parse(Run({"HSCAN", "h", "0", "MATCH", "field:1?"}));
  std::map<std::string, std::string> tens;
  for (int i = 10; i < 20; ++i) tens["field:" + std::to_string(i)] = std::to_string(i);
  EXPECT_EQ(Pairs(r.elems[1]), tens);
  r = Parse(Run({"HSCAN", "h", "0", "match", "1*"}));
  EXPECT_TRUE(r.elems[1].elems.empty());
  r = Parse(Run({"HSCAN", "h", "0", "match", "*", "count", "1000"}));
  EXPECT_EQ(Pairs(r.elems[1]), want);
  Resp3();  // a flat array in RESP3 too
  EXPECT_EQ(Run({"HSCAN", "one", "0"}), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST_F(HashesTest, HScanErrors) {
  Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(Run({"HSCAN", "h", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"HSCAN", "h", " 1"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"HSCAN", "h", "18446744073709551616"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"HSCAN", "h", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "COUNT", "-1"}), kSyntax);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "COUNT", "x"}), kNotInt);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "COUNT"}), kSyntax);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "TYPE", "string"}), kSyntax);
  EXPECT_EQ(Run({"HSCAN", "h", "0", "NOVALUES"}), kSyntax);
}

// Scans `key` to the end with COUNT `count`; returns every field returned
// (with multiplicity) and the number of calls.
std::multiset<std::string> ScanAll(CommandHarness& h, const std::string& key, int count,
                                   int* calls, const std::function<void(int)>& between = {}) {
  std::multiset<std::string> seen;
  std::string cursor = "0";
  *calls = 0;
  do {
    const Reply r = Parse(h.Run({"HSCAN", key, cursor, "COUNT", std::to_string(count)}));
    EXPECT_EQ(r.elems.size(), 2u);
    if (r.elems.size() != 2) break;
    cursor = r.elems[0].str;
    for (size_t i = 0; i < r.elems[1].elems.size(); i += 2) seen.insert(r.elems[1].elems[i].str);
    if (between) between(*calls);
    ++*calls;
  } while (cursor != "0" && *calls < 100000);
  return seen;
}

TEST_F(HashesTest, HScanLargeHashReturnsEveryFieldOnce) {
  std::vector<std::string> args = {"HSET", "h"};
  std::multiset<std::string> want;
  for (int i = 0; i < 1000; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v");
    want.insert("f" + std::to_string(i));
  }
  Run(args);
  int calls = 0;
  EXPECT_EQ(ScanAll(h_, "h", 10, &calls), want);
  // COUNT 10 on 1000 fields: 1000 / 32 = 31 fields per call at least.
  EXPECT_GT(calls, 1);
  EXPECT_LE(calls, 33);
  EXPECT_EQ(ScanAll(h_, "h", 400, &calls), want);
  EXPECT_GE(calls, 2);
  EXPECT_LE(calls, 3);
  EXPECT_EQ(ScanAll(h_, "h", 5000, &calls), want);
  EXPECT_EQ(calls, 1);
  // A first call returns at least COUNT fields and a non-zero cursor.
  const Reply r = Parse(Run({"HSCAN", "h", "0", "COUNT", "100"}));
  EXPECT_NE(r.elems[0].str, "0");
  EXPECT_GE(r.elems[1].elems.size(), 200u);
  // MATCH filters after selection: the union over a whole scan is exact.
  std::multiset<std::string> matched;
  std::string cursor = "0";
  int guard = 0;
  do {
    const Reply m = Parse(Run({"HSCAN", "h", cursor, "MATCH", "f1*"}));
    cursor = m.elems[0].str;
    for (size_t i = 0; i < m.elems[1].elems.size(); i += 2) matched.insert(m.elems[1].elems[i].str);
  } while (cursor != "0" && ++guard < 1000);
  EXPECT_EQ(matched.size(), 111u);  // f1, f10..f19, f100..f199
}

TEST_F(HashesTest, HScanLargeHashStableUnderChanges) {
  std::vector<std::string> args = {"HSET", "h"};
  std::multiset<std::string> stable;
  for (int i = 0; i < 2000; ++i) {
    args.push_back("s" + std::to_string(i));
    args.push_back("v");
    stable.insert("s" + std::to_string(i));
  }
  for (int i = 0; i < 500; ++i) {
    args.push_back("d" + std::to_string(i));
    args.push_back("v");
  }
  Run(args);
  // Between calls, delete the d* fields and add many new ones (the map
  // rehashes); fields present throughout are returned exactly once.
  int calls = 0;
  auto mutate = [&](int call) {
    for (int i = 0; i < 50; ++i) {
      Run({"HDEL", "h", "d" + std::to_string(call * 50 + i)});
      Run({"HSET", "h", "n" + std::to_string(call * 1000 + i), "v"});
    }
  };
  const std::multiset<std::string> seen = ScanAll(h_, "h", 10, &calls, mutate);
  for (const std::string& f : stable) EXPECT_EQ(seen.count(f), 1u) << f;
  for (const std::string& f : seen) EXPECT_LE(seen.count(f), 1u) << f;
}

TEST_F(HashesTest, HRandFieldSingle) {
  EXPECT_EQ(Run({"HRANDFIELD", "missing"}), kNull2);
  Run({"HSET", "one", "f", "v"});
  EXPECT_EQ(Run({"HRANDFIELD", "one"}), Bulk("f"));
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const Reply r = Parse(Run({"HRANDFIELD", "h"}));
    EXPECT_EQ(r.type, '$');
    seen.insert(r.str);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b", "c"}));
  Resp3();
  EXPECT_EQ(Run({"HRANDFIELD", "missing"}), "_\r\n");
}

TEST_F(HashesTest, HRandFieldCount) {
  EXPECT_EQ(Run({"HRANDFIELD", "missing", "5"}), kEmptyArray);
  EXPECT_EQ(Run({"HRANDFIELD", "missing", "-5", "WITHVALUES"}), kEmptyArray);
  Run({"HSET", "one", "f", "v"});
  EXPECT_EQ(Run({"HRANDFIELD", "one", "0"}), kEmptyArray);
  EXPECT_EQ(Run({"HRANDFIELD", "one", "0", "withvalues"}), kEmptyArray);
  EXPECT_EQ(Run({"HRANDFIELD", "one", "1"}), "*1\r\n$1\r\nf\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "5"}), "*1\r\n$1\r\nf\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "-3"}), "*3\r\n$1\r\nf\r\n$1\r\nf\r\n$1\r\nf\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "1", "WITHVALUES"}), "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "-2", "WITHVALUES"}),
            "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n");

  std::vector<std::string> args = {"HSET", "h"};
  std::map<std::string, std::string> all;
  for (int i = 0; i < 20; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v" + std::to_string(i));
    all["f" + std::to_string(i)] = "v" + std::to_string(i);
  }
  Run(args);
  // Positive count: distinct fields, at most the hash's size.
  for (int n : {1, 2, 5, 19, 20, 21, 100}) {
    const Reply r = Parse(Run({"HRANDFIELD", "h", std::to_string(n)}));
    const std::multiset<std::string> got = Strings(r);
    EXPECT_EQ(got.size(), static_cast<size_t>(std::min(n, 20))) << n;
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size()) << n;
    for (const std::string& f : got) EXPECT_TRUE(all.count(f)) << f;
  }
  // Negative count: exactly |count| picks, repetitions allowed.
  const Reply neg = Parse(Run({"HRANDFIELD", "h", "-100"}));
  EXPECT_EQ(neg.elems.size(), 100u);
  std::set<std::string> distinct;
  for (const Reply& e : neg.elems) {
    EXPECT_TRUE(all.count(e.str));
    distinct.insert(e.str);
  }
  EXPECT_LT(distinct.size(), 100u);
  // WITHVALUES pairs fields with their values (RESP2: flat).
  const Reply wv = Parse(Run({"HRANDFIELD", "h", "5", "WITHVALUES"}));
  EXPECT_EQ(wv.elems.size(), 10u);
  for (const auto& [f, v] : Pairs(wv)) EXPECT_EQ(all.at(f), v);
  const Reply wv_all = Parse(Run({"HRANDFIELD", "h", "50", "withvalues"}));
  EXPECT_EQ(Pairs(wv_all), all);
  const Reply wv_neg = Parse(Run({"HRANDFIELD", "h", "-30", "WITHVALUES"}));
  EXPECT_EQ(wv_neg.elems.size(), 60u);
  for (size_t i = 0; i < 60; i += 2) EXPECT_EQ(all.at(wv_neg.elems[i].str), wv_neg.elems[i + 1].str);
}

TEST_F(HashesTest, HRandFieldResp3Pairs) {
  Run({"HSET", "one", "f", "v"});
  Resp3();
  EXPECT_EQ(Run({"HRANDFIELD", "one", "1", "WITHVALUES"}),
            "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "3", "WITHVALUES"}),
            "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "-2", "WITHVALUES"}),
            "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "one", "-2"}), "*2\r\n$1\r\nf\r\n$1\r\nf\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "missing", "2", "WITHVALUES"}), kEmptyArray);
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"});
  const Reply r = Parse(Run({"HRANDFIELD", "h", "2", "WITHVALUES"}));
  ASSERT_EQ(r.elems.size(), 2u);
  for (const Reply& p : r.elems) {
    EXPECT_EQ(p.type, '*');
    ASSERT_EQ(p.elems.size(), 2u);
    EXPECT_EQ(std::to_string(p.elems[0].str[0] - 'a' + 1), p.elems[1].str);
  }
}

TEST_F(HashesTest, HRandFieldErrors) {
  Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(Run({"HRANDFIELD", "h", "x"}), kNotInt);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "1.5"}), kNotInt);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "x", "withvalues", "x"}), kNotInt);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            "-ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "1", "withvalue"}), kSyntax);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "1", "withvalues", "x"}), kSyntax);
  EXPECT_EQ(Run({"HRANDFIELD", "missing", "1", "withvalue"}), kSyntax);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"}),
            "-ERR value is out of range\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}),
            "-ERR value is out of range\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}),
            "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST_F(HashesTest, ReadsCountKeyspaceHitsAndMisses) {
  Run({"HSET", "h", "f", "v"});
  const std::vector<std::vector<std::string>> reads = {
      {"HGET", "h", "f"}, {"HMGET", "h", "f", "g"}, {"HGETALL", "h"}, {"HEXISTS", "h", "f"},
      {"HLEN", "h"},      {"HKEYS", "h"},           {"HVALS", "h"},   {"HSTRLEN", "h", "f"},
      {"HSCAN", "h", "0"}, {"HRANDFIELD", "h"},     {"HRANDFIELD", "h", "2"},
  };
  for (const auto& cmd : reads) {
    const uint64_t hits = h_.store().keyspace_hits();
    const uint64_t misses = h_.store().keyspace_misses();
    Run(cmd);
    EXPECT_EQ(h_.store().keyspace_hits(), hits + 1) << cmd[0];
    EXPECT_EQ(h_.store().keyspace_misses(), misses) << cmd[0];
    std::vector<std::string> on_missing = cmd;
    on_missing[1] = "missing";
    Run(on_missing);
    EXPECT_EQ(h_.store().keyspace_misses(), misses + 1) << cmd[0];
  }
  // Writes do not count.
  const uint64_t hits = h_.store().keyspace_hits();
  Run({"HSET", "h", "g", "1"});
  Run({"HINCRBY", "h", "g", "1"});
  Run({"HDEL", "h", "g"});
  EXPECT_EQ(h_.store().keyspace_hits(), hits);
}

TEST_F(HashesTest, GenericKeyCommandsOnHashes) {
  Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(1));
  EXPECT_EQ(Run({"RENAME", "h", "h2"}), kOk);
  EXPECT_EQ(Run({"HGET", "h2", "f"}), Bulk("v"));
  EXPECT_EQ(Run({"DEL", "h2"}), Int(1));
  EXPECT_EQ(Run({"HLEN", "h2"}), Int(0));
}

TEST_F(HashesTest, CommandTableRows) {
  struct Row {
    const char* name;
    int arity;
    uint32_t flags;
  };
  const Row rows[] = {
      {"hset", -4, kWrite | kDenyOom | kFast},   {"hmset", -4, kWrite | kDenyOom | kFast},
      {"hsetnx", 4, kWrite | kDenyOom | kFast},  {"hget", 3, kReadOnly | kFast},
      {"hmget", -3, kReadOnly | kFast},          {"hgetall", 2, kReadOnly},
      {"hdel", -3, kWrite | kFast},              {"hexists", 3, kReadOnly | kFast},
      {"hlen", 2, kReadOnly | kFast},            {"hkeys", 2, kReadOnly},
      {"hvals", 2, kReadOnly},                   {"hincrby", 4, kWrite | kDenyOom | kFast},
      {"hincrbyfloat", 4, kWrite | kDenyOom | kFast}, {"hstrlen", 3, kReadOnly | kFast},
      {"hscan", -3, kReadOnly},                  {"hrandfield", -2, kReadOnly},
  };
  for (const Row& row : rows) {
    const CommandSpec* spec = h_.table().Find(row.name);
    ASSERT_NE(spec, nullptr) << row.name;
    EXPECT_EQ(spec->arity, row.arity) << row.name;
    EXPECT_EQ(spec->flags, row.flags) << row.name;
    EXPECT_EQ(spec->first_key, 1) << row.name;
    EXPECT_EQ(spec->last_key, 1) << row.name;
    EXPECT_EQ(spec->key_step, 1) << row.name;
    EXPECT_EQ(spec->group, "hash") << row.name;
  }
}

}  // namespace
}  // namespace hotcache::server
