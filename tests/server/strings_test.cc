// The string family through the real dispatcher. Expected bytes are what
// redis-server 7.0 replies to the same commands.

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

constexpr char kOk[] = "+OK\r\n";
constexpr char kNull2[] = "$-1\r\n";
constexpr char kWrongType[] =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr char kSyntax[] = "-ERR syntax error\r\n";
constexpr char kNotInt[] = "-ERR value is not an integer or out of range\r\n";
constexpr char kNotFloat[] = "-ERR value is not a valid float\r\n";

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}
std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
std::string InvalidExpire(const std::string& cmd) {
  return "-ERR invalid expire time in '" + cmd + "' command\r\n";
}

class StringsTest : public ::testing::Test {
 protected:
  int64_t Now() { return h_.clock().NowMs(); }
  storage::DbView View() { return storage::DbView(&h_.store(), 0, Now()); }
  // The live entry for key in db 0, or nullptr (single-threaded test: no locks).
  storage::Entry* Peek(const std::string& key) { return View().Find(key); }
  // Absolute expiry in ms; 0 = persistent; -2 = no such key.
  int64_t ExpireAt(const std::string& key) {
    storage::Entry* e = Peek(key);
    return e == nullptr ? -2 : e->expire_at_ms();
  }
  void MakeHash(const std::string& key) {
    bool created;
    storage::Entry* e = View().FindOrCreate(key, &created);
    e->SetEmptyHash();
    e->hash()["f"] = "v";
  }

  CommandHarness h_;
};

TEST_F(StringsTest, GetAndSet) {
  EXPECT_EQ(h_.Run({"GET", "k"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"set", "k", std::string("a\0b\r\n", 5)}), kOk);
  EXPECT_EQ(h_.Run({"get", "k"}), std::string("$5\r\na\0b\r\n\r\n", 11));
  EXPECT_EQ(h_.Run({"SET", "e", ""}), kOk);
  EXPECT_EQ(h_.Run({"GET", "e"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(h_.Run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
}

TEST_F(StringsTest, Resp3Nulls) {
  h_.client().SetResp(3);
  EXPECT_EQ(h_.Run({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "v", "XX"}), "_\r\n");
  EXPECT_EQ(h_.Run({"MGET", "k", "missing"}), "*2\r\n_\r\n_\r\n");
  EXPECT_EQ(h_.Run({"GETDEL", "missing"}), "_\r\n");
  EXPECT_EQ(h_.Run({"GETEX", "missing"}), "_\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "1.5"}), "$3\r\n1.5\r\n");
}

TEST_F(StringsTest, GetCountsHitsAndMisses) {
  const uint64_t hits = h_.store().keyspace_hits();
  const uint64_t misses = h_.store().keyspace_misses();
  h_.Run({"GET", "k"});
  h_.Run({"SET", "k", "v"});
  h_.Run({"GET", "k"});
  EXPECT_EQ(h_.store().keyspace_hits(), hits + 1);
  EXPECT_EQ(h_.store().keyspace_misses(), misses + 1);
}

TEST_F(StringsTest, SetReusesCapacityOnOverwrite) {
  std::string big(1000, 'a');
  ASSERT_EQ(h_.Run({"SET", "k", big}), kOk);
  const char* data = Peek("k")->str().data();
  ASSERT_EQ(h_.Run({"SET", "k", std::string(900, 'b')}), kOk);
  EXPECT_EQ(Peek("k")->str().data(), data);
  EXPECT_EQ(Peek("k")->str(), std::string(900, 'b'));
}

TEST_F(StringsTest, SetOptionSyntaxErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"SET", "k", "v", "EX"},
           {"SET", "k", "v", "NX", "XX"},
           {"SET", "k", "v", "XX", "NX"},
           {"SET", "k", "v", "EX", "10", "PX", "10"},
           {"SET", "k", "v", "PX", "10", "EXAT", "10"},
           {"SET", "k", "v", "EXAT", "10", "PXAT", "10"},
           {"SET", "k", "v", "EX", "10", "KEEPTTL"},
           {"SET", "k", "v", "KEEPTTL", "EX", "10"},
           {"SET", "k", "v", "PERSIST"},
           {"SET", "k", "v", "foo"},
           {"SET", "k", "v", "EX", "abc", "NX", "XX"},  // syntax wins over the value
       }) {
    EXPECT_EQ(h_.Run(args), kSyntax) << args[3];
  }
  EXPECT_EQ(Peek("k"), nullptr);
}

TEST_F(StringsTest, SetInvalidExpireTimes) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"SET", "k", "v", "EX", "0"},
           {"SET", "k", "v", "EX", "-1"},
           {"SET", "k", "v", "PX", "0"},
           {"SET", "k", "v", "EXAT", "0"},
           {"SET", "k", "v", "PXAT", "0"},
           {"SET", "k", "v", "EX", "9223372036854775807"},
           {"SET", "k", "v", "EX", "9223372036854775"},  // *1000 fits, + now overflows
           {"SET", "k", "v", "EX", "9223372036854774"},
           {"SET", "k", "v", "PX", "9223372036854775807"},
           {"SET", "k", "v", "EXAT", "9223372036854776"},
       }) {
    EXPECT_EQ(h_.Run(args), InvalidExpire("set")) << args[3] << " " << args[4];
  }
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EX", "abc"}), kNotInt);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EX", "1.5"}), kNotInt);
  EXPECT_EQ(Peek("k"), nullptr);
  // Absolute times near the limit are fine.
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EXAT", "9223372036854775"}), kOk);
  EXPECT_EQ(ExpireAt("k"), 9223372036854775000);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PXAT", "9223372036854775807"}), kOk);
  EXPECT_EQ(ExpireAt("k"), 9223372036854775807);
}

TEST_F(StringsTest, SetExpiryOptions) {
  EXPECT_EQ(h_.Run({"SET", "k", "v", "ex", "10"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 10000);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PX", "1500"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 1500);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EXAT", std::to_string(Now() / 1000 + 100)}), kOk);
  EXPECT_EQ(ExpireAt("k"), (Now() / 1000 + 100) * 1000);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PXAT", std::to_string(Now() + 7)}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 7);
  // The same option twice: the last value counts.
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EX", "10", "EX", "20"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 20000);
  // KEEPTTL keeps it; a plain SET removes it.
  EXPECT_EQ(h_.Run({"SET", "k", "v2", "KEEPTTL"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 20000);
  EXPECT_EQ(h_.Run({"SET", "k", "v3"}), kOk);
  EXPECT_EQ(ExpireAt("k"), 0);
  EXPECT_EQ(h_.Run({"GET", "k"}), "$2\r\nv3\r\n");
}

TEST_F(StringsTest, SetKeyExpiresAfterClockAdvance) {
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PX", "100"}), kOk);
  h_.clock().Advance(100);  // Redis: expired only once now > expiry time
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  h_.clock().Advance(1);
  EXPECT_EQ(h_.Run({"GET", "k"}), kNull2);
  EXPECT_EQ(Peek("k"), nullptr);
  // XX on an expired key: it counts as absent.
  EXPECT_EQ(h_.Run({"SET", "k", "v", "EX", "1"}), kOk);
  h_.clock().Advance(1001);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "XX"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "w", "NX"}), kOk);
}

TEST_F(StringsTest, SetAbsoluteTimeInThePastRepliesOkAndKeyIsGone) {
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h_.Run({"SET", "k", "v2", "EXAT", "1"}), kOk);
  EXPECT_EQ(h_.Run({"GET", "k"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h_.Run({"SET", "k", "v2", "EXAT", "1", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(Peek("k"), nullptr);
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PXAT", "1", "NX"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "PXAT", "1", "XX"}), kOk);
  EXPECT_EQ(Peek("k"), nullptr);
}

TEST_F(StringsTest, SetNxXxGet) {
  EXPECT_EQ(h_.Run({"SET", "k", "v", "XX"}), kNull2);
  EXPECT_EQ(Peek("k"), nullptr);
  EXPECT_EQ(h_.Run({"SET", "k", "v", "NX"}), kOk);
  EXPECT_EQ(h_.Run({"SET", "k", "w", "NX"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "w", "nx", "nx"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "w", "XX"}), kOk);
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nw\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "x", "GET"}), "$1\r\nw\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "y", "get", "get"}), "$1\r\nx\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "z", "NX", "GET"}), "$1\r\ny\r\n");
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\ny\r\n");  // NX prevented the write
  EXPECT_EQ(h_.Run({"SET", "k2", "a", "NX", "GET"}), kNull2);
  EXPECT_EQ(h_.Run({"GET", "k2"}), "$1\r\na\r\n");
  EXPECT_EQ(h_.Run({"SET", "k3", "a", "XX", "GET"}), kNull2);
  EXPECT_EQ(Peek("k3"), nullptr);
  EXPECT_EQ(h_.Run({"SET", "k", "q", "EX", "1", "XX", "GET"}), "$1\r\ny\r\n");
  EXPECT_EQ(ExpireAt("k"), Now() + 1000);
}

TEST_F(StringsTest, SetOnHashKey) {
  MakeHash("h");
  EXPECT_EQ(h_.Run({"SET", "h", "v", "GET"}), kWrongType);
  EXPECT_EQ(Peek("h")->type(), storage::ValueType::kHash);
  EXPECT_EQ(h_.Run({"SET", "h", "v", "NX"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "h", "v"}), kOk);  // overwrites any type
  EXPECT_EQ(h_.Run({"GET", "h"}), "$1\r\nv\r\n");
  MakeHash("h2");
  EXPECT_EQ(h_.Run({"SETEX", "h2", "10", "v"}), kOk);
  EXPECT_EQ(h_.Run({"GET", "h2"}), "$1\r\nv\r\n");
}

TEST_F(StringsTest, SetNxSetExPSetEx) {
  EXPECT_EQ(h_.Run({"SETNX", "k", "v"}), Int(1));
  EXPECT_EQ(h_.Run({"SETNX", "k", "w"}), Int(0));
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  MakeHash("h");
  EXPECT_EQ(h_.Run({"SETNX", "h", "w"}), Int(0));

  EXPECT_EQ(h_.Run({"SETEX", "k", "0", "v"}), InvalidExpire("setex"));
  EXPECT_EQ(h_.Run({"SETEX", "k", "-5", "v"}), InvalidExpire("setex"));
  EXPECT_EQ(h_.Run({"SETEX", "k", "abc", "v"}), kNotInt);
  EXPECT_EQ(h_.Run({"SETEX", "k", "10", "x"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 10000);
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nx\r\n");

  EXPECT_EQ(h_.Run({"PSETEX", "p", "0", "v"}), InvalidExpire("psetex"));
  EXPECT_EQ(h_.Run({"PSETEX", "p", "9223372036854775807", "v"}), InvalidExpire("psetex"));
  EXPECT_EQ(h_.Run({"PSETEX", "p", "250", "v"}), kOk);
  EXPECT_EQ(ExpireAt("p"), Now() + 250);
  h_.clock().Advance(251);
  EXPECT_EQ(h_.Run({"GET", "p"}), kNull2);
  EXPECT_EQ(h_.Run({"SETEX", "k"}), "-ERR wrong number of arguments for 'setex' command\r\n");
}

TEST_F(StringsTest, MGetMSetMSetNx) {
  EXPECT_EQ(h_.Run({"MSET", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(h_.Run({"MSETNX", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'msetnx' command\r\n");
  EXPECT_EQ(h_.Run({"MSET", "a"}), "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "old", "EX", "100"}), kOk);
  EXPECT_EQ(h_.Run({"MSET", "a", "1", "b", "2", "b", "3"}), kOk);
  EXPECT_EQ(ExpireAt("a"), 0);  // MSET clears the TTL
  MakeHash("h");
  EXPECT_EQ(h_.Run({"MGET", "a", "h", "missing", "b"}),
            "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n3\r\n");
  EXPECT_EQ(h_.Run({"MSETNX", "a", "x", "c", "3"}), Int(0));
  EXPECT_EQ(Peek("c"), nullptr);
  EXPECT_EQ(h_.Run({"MSETNX", "h", "x"}), Int(0));
  EXPECT_EQ(h_.Run({"MSETNX", "c", "1", "d", "2", "c", "9"}), Int(1));
  EXPECT_EQ(h_.Run({"MGET", "c", "d"}), "*2\r\n$1\r\n9\r\n$1\r\n2\r\n");
  EXPECT_EQ(h_.Run({"MGET"}), "-ERR wrong number of arguments for 'mget' command\r\n");
}

TEST_F(StringsTest, ManyKeysAcrossShards) {
  std::vector<std::string> mset{"MSET"};
  std::vector<std::string> mget{"MGET"};
  std::string expected = "*100\r\n";
  for (int i = 0; i < 100; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back("val:" + std::to_string(i));
    mget.push_back("key:" + std::to_string(i));
    expected += Bulk("val:" + std::to_string(i));
  }
  EXPECT_EQ(h_.Run(mset), kOk);
  EXPECT_EQ(h_.Run(mget), expected);
}

TEST_F(StringsTest, GetSetGetDel) {
  EXPECT_EQ(h_.Run({"GETSET", "k", "v"}), kNull2);
  EXPECT_EQ(h_.Run({"SET", "k", "w", "EX", "100"}), kOk);
  EXPECT_EQ(h_.Run({"GETSET", "k", "x"}), "$1\r\nw\r\n");
  EXPECT_EQ(ExpireAt("k"), 0);  // GETSET clears the TTL
  EXPECT_EQ(h_.Run({"GETDEL", "k"}), "$1\r\nx\r\n");
  EXPECT_EQ(Peek("k"), nullptr);
  EXPECT_EQ(h_.Run({"GETDEL", "k"}), kNull2);
  MakeHash("h");
  EXPECT_EQ(h_.Run({"GETSET", "h", "x"}), kWrongType);
  EXPECT_EQ(h_.Run({"GETDEL", "h"}), kWrongType);
  EXPECT_NE(Peek("h"), nullptr);
}

TEST_F(StringsTest, GetEx) {
  EXPECT_EQ(h_.Run({"GETEX", "missing", "EX", "-1"}), kNull2);  // lookup before validation
  EXPECT_EQ(h_.Run({"GETEX", "missing", "EX", "abc"}), kNull2);
  EXPECT_EQ(h_.Run({"GETEX", "missing", "foo"}), kSyntax);
  EXPECT_EQ(h_.Run({"GETEX", "missing", "EX"}), kSyntax);
  MakeHash("h");
  EXPECT_EQ(h_.Run({"GETEX", "h"}), kWrongType);
  EXPECT_EQ(h_.Run({"GETEX", "h", "EX", "-1"}), kWrongType);

  EXPECT_EQ(h_.Run({"SET", "k", "hello"}), kOk);
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "-1"}), InvalidExpire("getex"));
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "0"}), InvalidExpire("getex"));
  EXPECT_EQ(h_.Run({"GETEX", "k", "PX", "9223372036854775807"}), InvalidExpire("getex"));
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "x"}), kNotInt);
  EXPECT_EQ(h_.Run({"GETEX", "k", "PERSIST", "EX", "10"}), kSyntax);
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "10", "PERSIST"}), kSyntax);
  EXPECT_EQ(h_.Run({"GETEX", "k", "NX"}), kSyntax);
  EXPECT_EQ(h_.Run({"GETEX", "k", "KEEPTTL"}), kSyntax);
  EXPECT_EQ(h_.Run({"GETEX", "k", "GET"}), kSyntax);

  const std::string hello = "$5\r\nhello\r\n";
  EXPECT_EQ(h_.Run({"GETEX", "k"}), hello);
  EXPECT_EQ(ExpireAt("k"), 0);
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "10"}), hello);
  EXPECT_EQ(ExpireAt("k"), Now() + 10000);
  EXPECT_EQ(h_.Run({"GETEX", "k"}), hello);  // no option: TTL unchanged
  EXPECT_EQ(ExpireAt("k"), Now() + 10000);
  EXPECT_EQ(h_.Run({"GETEX", "k", "px", "500"}), hello);
  EXPECT_EQ(ExpireAt("k"), Now() + 500);
  EXPECT_EQ(h_.Run({"GETEX", "k", "PERSIST"}), hello);
  EXPECT_EQ(ExpireAt("k"), 0);
  EXPECT_EQ(h_.Run({"GETEX", "k", "EXAT", std::to_string(Now() / 1000 + 50)}), hello);
  EXPECT_EQ(ExpireAt("k"), (Now() / 1000 + 50) * 1000);
  EXPECT_EQ(h_.Run({"GETEX", "k", "PXAT", std::to_string(Now() + 30)}), hello);
  EXPECT_EQ(ExpireAt("k"), Now() + 30);
  h_.clock().Advance(31);
  EXPECT_EQ(h_.Run({"GETEX", "k"}), kNull2);

  // An absolute time already past: replies with the value, deletes the key.
  EXPECT_EQ(h_.Run({"SET", "k", "hello"}), kOk);
  EXPECT_EQ(h_.Run({"GETEX", "k", "EXAT", "1"}), hello);
  EXPECT_EQ(Peek("k"), nullptr);
  EXPECT_EQ(h_.Run({"SET", "k", "hello"}), kOk);
  EXPECT_EQ(h_.Run({"GETEX", "k", "PXAT", std::to_string(Now())}), hello);
  EXPECT_EQ(Peek("k"), nullptr);
}

TEST_F(StringsTest, AppendAndStrlen) {
  EXPECT_EQ(h_.Run({"STRLEN", "k"}), Int(0));
  EXPECT_EQ(h_.Run({"APPEND", "k", "abc"}), Int(3));
  EXPECT_EQ(h_.Run({"SET", "k", "hello", "EX", "100"}), kOk);
  EXPECT_EQ(h_.Run({"APPEND", "k", " world"}), Int(11));
  EXPECT_EQ(ExpireAt("k"), Now() + 100000);  // APPEND keeps the TTL
  EXPECT_EQ(h_.Run({"GET", "k"}), "$11\r\nhello world\r\n");
  EXPECT_EQ(h_.Run({"APPEND", "k", ""}), Int(11));
  EXPECT_EQ(h_.Run({"STRLEN", "k"}), Int(11));
  MakeHash("h");
  EXPECT_EQ(h_.Run({"APPEND", "h", "x"}), kWrongType);
  EXPECT_EQ(h_.Run({"STRLEN", "h"}), kWrongType);
}

TEST_F(StringsTest, AppendRespectsProtoMaxBulkLen) {
  std::string error;
  ASSERT_TRUE(h_.config().Set("proto-max-bulk-len", "1048576", &error)) << error;
  EXPECT_EQ(h_.Run({"SET", "k", std::string(1048570, 'a')}), kOk);
  EXPECT_EQ(h_.Run({"APPEND", "k", "123456"}), Int(1048576));
  EXPECT_EQ(h_.Run({"APPEND", "k", "7"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(h_.Run({"STRLEN", "k"}), Int(1048576));
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "1048576", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
}

TEST_F(StringsTest, GetRange) {
  EXPECT_EQ(h_.Run({"GETRANGE", "missing", "0", "1"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "missing", "a", "1"}), kNotInt);
  EXPECT_EQ(h_.Run({"GETRANGE", "missing", "0", "1.5"}), kNotInt);
  MakeHash("h");
  EXPECT_EQ(h_.Run({"GETRANGE", "h", "a", "1"}), kNotInt);
  EXPECT_EQ(h_.Run({"GETRANGE", "h", "0", "1"}), kWrongType);
  EXPECT_EQ(h_.Run({"SET", "s", "hello"}), kOk);
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "0", "-1"}), "$5\r\nhello\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-3", "-1"}), "$3\r\nllo\r\n");
  EXPECT_EQ(h_.Run({"SUBSTR", "s", "-3", "-1"}), "$3\r\nllo\r\n") << "GETRANGE's old name";
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-1", "-3"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-100", "2"}), "$3\r\nhel\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "3", "100"}), "$2\r\nlo\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "5", "6"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "4", "2"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-9223372036854775808", "9223372036854775807"}),
            "$5\r\nhello\r\n");
  EXPECT_EQ(h_.Run({"SET", "e", ""}), kOk);
  EXPECT_EQ(h_.Run({"GETRANGE", "e", "0", "-1"}), "$0\r\n\r\n");
}

TEST_F(StringsTest, SetRange) {
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "a", "x"}), kNotInt);
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "0", ""}), Int(0));
  EXPECT_EQ(Peek("k"), nullptr);  // nothing created
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "536870912", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "9223372036854775807", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(Peek("k"), nullptr);
  EXPECT_EQ(h_.Run({"SETRANGE", "k", "2", "ab"}), Int(4));
  EXPECT_EQ(h_.Run({"GET", "k"}), std::string("$4\r\n\0\0ab\r\n", 10));
  EXPECT_EQ(h_.Run({"SET", "s", "hello", "EX", "10"}), kOk);
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "1", ""}), Int(5));
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "1", "EL"}), Int(5));
  EXPECT_EQ(h_.Run({"GET", "s"}), "$5\r\nhELlo\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "7", "xy"}), Int(9));
  EXPECT_EQ(h_.Run({"GET", "s"}), std::string("$9\r\nhELlo\0\0xy\r\n", 15));
  EXPECT_EQ(ExpireAt("s"), Now() + 10000);  // TTL kept
  MakeHash("h");
  EXPECT_EQ(h_.Run({"SETRANGE", "h", "0", ""}), kWrongType);
  EXPECT_EQ(h_.Run({"SETRANGE", "h", "-1", ""}), "-ERR offset is out of range\r\n");
}

TEST_F(StringsTest, IncrDecr) {
  EXPECT_EQ(h_.Run({"INCR", "n"}), Int(1));
  EXPECT_EQ(h_.Run({"INCRBY", "n", "10"}), Int(11));
  EXPECT_EQ(h_.Run({"DECR", "n"}), Int(10));
  EXPECT_EQ(h_.Run({"DECRBY", "n", "-5"}), Int(15));
  EXPECT_EQ(h_.Run({"DECRBY", "n", "20"}), Int(-5));
  EXPECT_EQ(h_.Run({"GET", "n"}), "$2\r\n-5\r\n");
  EXPECT_EQ(h_.Run({"DECR", "m"}), Int(-1));
  EXPECT_EQ(h_.Run({"INCRBY", "n", "abc"}), kNotInt);
  EXPECT_EQ(h_.Run({"INCRBY", "n", "1.0"}), kNotInt);
  EXPECT_EQ(h_.Run({"DECRBY", "n", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"SET", "x", "9223372036854775807"}), kOk);
  EXPECT_EQ(h_.Run({"INCR", "x"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"SET", "x", "-9223372036854775808"}), kOk);
  EXPECT_EQ(h_.Run({"DECR", "x"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"INCRBY", "x", "-1"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"INCRBY", "x", "9223372036854775807"}), Int(-1));
  for (const char* bad : {"abc", " 1", "01", "1.5", "", "-0"}) {
    EXPECT_EQ(h_.Run({"SET", "b", bad}), kOk);
    EXPECT_EQ(h_.Run({"INCR", "b"}), kNotInt) << bad;
  }
  EXPECT_EQ(h_.Run({"SET", "t", "5", "EX", "100"}), kOk);
  EXPECT_EQ(h_.Run({"INCR", "t"}), Int(6));
  EXPECT_EQ(ExpireAt("t"), Now() + 100000);  // INCR keeps the TTL
  MakeHash("h");
  EXPECT_EQ(h_.Run({"INCR", "h"}), kWrongType);
  EXPECT_EQ(h_.Run({"DECRBY", "h", "2"}), kWrongType);
  EXPECT_EQ(h_.Run({"INCRBY", "h", "x"}), kNotInt);  // argument checked first
}

TEST_F(StringsTest, IncrByFloat) {
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "-5.6"}), "$1\r\n5\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "5.0e3"}), "$4\r\n5005\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "g", "0.1"}), "$3\r\n0.1\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "g", "0.2"}), "$3\r\n0.3\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "z", "-0.0"}), "$1\r\n0\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "big", "1e20"}), "$21\r\n100000000000000000000\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "tiny", "1e-20"}), "$1\r\n0\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "hex", "0x10"}), "$2\r\n16\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "nf", "abc"}), kNotFloat);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "nf", " 1"}), kNotFloat);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "nf", "1e5000"}), kNotFloat);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "nf", "nan"}), kNotFloat);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "nf", "inf"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(Peek("nf"), nullptr);  // no key created by a failed call
  EXPECT_EQ(h_.Run({"SET", "s", "abc"}), kOk);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "s", "1"}), kNotFloat);
  EXPECT_EQ(h_.Run({"SET", "t", "3", "PX", "5000"}), kOk);
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "t", "1.5"}), "$3\r\n4.5\r\n");
  EXPECT_EQ(ExpireAt("t"), Now() + 5000);  // TTL kept
  EXPECT_EQ(h_.Run({"INCR", "t"}), kNotInt);
  MakeHash("h");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "h", "1"}), kWrongType);
}

TEST_F(StringsTest, WrongTypeOnReads) {
  MakeHash("h");
  EXPECT_EQ(h_.Run({"GET", "h"}), kWrongType);
}

}  // namespace
}  // namespace hotcache::server
