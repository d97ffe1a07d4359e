// The generic key family (server/commands/keys.cc) through the real
// dispatcher, compared with redis-server 7.0's replies byte for byte.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;  // ManualClock's default start

// Keys are created directly in the store so these tests do not depend on
// other families (SET, HSET).
class KeysTest : public ::testing::Test {
 protected:
  storage::DbView View(int db = 0) { return storage::DbView(&h_.store(), db, h_.clock().NowMs()); }
  void PutString(std::string_view key, std::string_view value, int db = 0) {
    bool created = false;
    View(db).FindOrCreate(key, &created)->SetString(value);
  }
  void PutHash(std::string_view key, int db = 0) {
    bool created = false;
    storage::Entry* e = View(db).FindOrCreate(key, &created);
    e->SetEmptyHash();
    e->hash()["f"] = "v";
  }
  // The string value at key, or "<none>".
  std::string ValueOf(std::string_view key, int db = 0) {
    storage::Entry* e = View(db).Find(key);
    if (e == nullptr) return "<none>";
    if (e->type() != storage::ValueType::kString) return "<hash>";
    return std::string(e->str());
  }
  int64_t ExpireAtOf(std::string_view key, int db = 0) {
    storage::Entry* e = View(db).Find(key);
    return e == nullptr ? -2 : e->expire_at_ms();
  }

  CommandHarness h_;
};

// Parses "*n\r\n" followed by n bulk strings.
std::vector<std::string> ParseBulks(std::string_view reply, size_t* consumed = nullptr) {
  std::vector<std::string> out;
  size_t pos = reply.find("\r\n");
  EXPECT_EQ(reply[0], '*') << reply;
  const size_t n = std::stoul(std::string(reply.substr(1, pos - 1)));
  pos += 2;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(reply[pos], '$') << reply;
    const size_t eol = reply.find("\r\n", pos);
    const size_t len = std::stoul(std::string(reply.substr(pos + 1, eol - pos - 1)));
    out.emplace_back(reply.substr(eol + 2, len));
    pos = eol + 2 + len + 2;
  }
  if (consumed != nullptr) *consumed = pos;
  return out;
}

struct ScanReply {
  uint64_t cursor = 0;
  std::vector<std::string> keys;
};

ScanReply ParseScan(std::string_view reply) {
  ScanReply r;
  EXPECT_EQ(reply.substr(0, 4), "*2\r\n") << reply;
  const size_t eol = reply.find("\r\n", 4);
  const size_t len = std::stoul(std::string(reply.substr(5, eol - 5)));
  r.cursor = std::stoull(std::string(reply.substr(eol + 2, len)));
  size_t consumed = 0;
  r.keys = ParseBulks(reply.substr(eol + 2 + len + 2), &consumed);
  EXPECT_EQ(eol + 2 + len + 2 + consumed, reply.size()) << reply;
  return r;
}

std::set<std::string> Sorted(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

TEST_F(KeysTest, KeySpecsAndFlags) {
  struct Row {
    const char* name;
    int arity, first, last, step;
  };
  for (const Row& r :
       {Row{"del", -2, 1, -1, 1}, Row{"unlink", -2, 1, -1, 1}, Row{"exists", -2, 1, -1, 1},
        Row{"touch", -2, 1, -1, 1}, Row{"rename", 3, 1, 2, 1}, Row{"renamenx", 3, 1, 2, 1},
        Row{"move", 3, 1, 1, 1}, Row{"expire", -3, 1, 1, 1}, Row{"ttl", 2, 1, 1, 1},
        Row{"keys", 2, 0, 0, 0}, Row{"scan", -2, 0, 0, 0}, Row{"randomkey", 1, 0, 0, 0}}) {
    const CommandSpec* spec = h_.table().Find(r.name);
    ASSERT_NE(spec, nullptr) << r.name;
    EXPECT_EQ(spec->arity, r.arity) << r.name;
    EXPECT_EQ(spec->first_key, r.first) << r.name;
    EXPECT_EQ(spec->last_key, r.last) << r.name;
    EXPECT_EQ(spec->key_step, r.step) << r.name;
    EXPECT_EQ(spec->group, "generic");
  }
  for (const char* name : {"keys", "scan", "randomkey"}) {
    EXPECT_TRUE(h_.table().Find(name)->flags & kAllShards) << name;
  }
  EXPECT_EQ(h_.Run({"EXPIRE", "k"}), "-ERR wrong number of arguments for 'expire' command\r\n");
  EXPECT_EQ(h_.Run({"DEL"}), "-ERR wrong number of arguments for 'del' command\r\n");
}

TEST_F(KeysTest, DelAndUnlink) {
  PutString("a", "1");
  PutString("b", "2");
  PutHash("h");
  EXPECT_EQ(h_.Run({"DEL", "a", "a", "nokey", "h"}), ":2\r\n");
  EXPECT_EQ(ValueOf("a"), "<none>");
  EXPECT_EQ(ValueOf("h"), "<none>");
  EXPECT_EQ(ValueOf("b"), "2");
  EXPECT_EQ(h_.Run({"UNLINK", "b", "x"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"unlink", "b"}), ":0\r\n");
  // An expired key is not counted.
  PutString("e", "1");
  EXPECT_EQ(h_.Run({"PEXPIRE", "e", "10"}), ":1\r\n");
  h_.clock().Advance(11);
  EXPECT_EQ(h_.Run({"DEL", "e"}), ":0\r\n");
}

TEST_F(KeysTest, ExistsCountsDuplicatesAndTouch) {
  PutString("a", "1");
  PutHash("h");
  EXPECT_EQ(h_.Run({"EXISTS", "a", "a", "a", "nokey", "h"}), ":4\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "nokey"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"TOUCH", "a", "a", "nokey"}), ":2\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "5"}), ":1\r\n");
  h_.clock().Advance(6);
  EXPECT_EQ(h_.Run({"EXISTS", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"TOUCH", "a"}), ":0\r\n");
}

TEST_F(KeysTest, Type) {
  PutString("s", "x");
  PutHash("h");
  EXPECT_EQ(h_.Run({"TYPE", "s"}), "+string\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "nokey"}), "+none\r\n");
  h_.client().SetResp(3);
  EXPECT_EQ(h_.Run({"TYPE", "s"}), "+string\r\n");
}

TEST_F(KeysTest, Keys) {
  EXPECT_EQ(h_.Run({"KEYS", "*"}), "*0\r\n");
  for (const char* k : {"one", "two", "three", "four", ""}) PutString(k, "v");
  PutHash("hash");
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "*"}))),
            (std::set<std::string>{"", "one", "two", "three", "four", "hash"}));
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "t*"}))), (std::set<std::string>{"two", "three"}));
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "?o*"}))), (std::set<std::string>{"four"}));
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "[ot]*e"}))),
            (std::set<std::string>{"one", "three"}));
  EXPECT_EQ(h_.Run({"KEYS", "nomatch*"}), "*0\r\n");
  // Expired keys are not listed.
  EXPECT_EQ(h_.Run({"PEXPIRE", "one", "1"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRE", "two", "2"}), ":1\r\n");
  h_.clock().Advance(2);
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "o*"}))), std::set<std::string>{});
  // At its expiry time exactly a key is still alive (Redis: expired once now > when).
  EXPECT_EQ(Sorted(ParseBulks(h_.Run({"KEYS", "tw?"}))), std::set<std::string>{"two"});
  // Only the client's database.
  PutString("other", "v", 1);
  EXPECT_EQ(h_.Run({"KEYS", "oth*"}), "*0\r\n");
  h_.client().SetDb(1);
  EXPECT_EQ(h_.Run({"KEYS", "*"}), "*1\r\n$5\r\nother\r\n");
}

TEST_F(KeysTest, ScanErrors) {
  EXPECT_EQ(h_.Run({"SCAN", "abc"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", " 1"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "1 "}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0x10"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "18446744073709551616"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "-"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "abc", "COUNT", "0"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT", "99999999999999999999"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "MATCH"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "0", "bar", "x"}), "-ERR syntax error\r\n");
}

TEST_F(KeysTest, ScanSmallKeyspaceInOneCall) {
  const std::string empty = "*2\r\n$1\r\n0\r\n*0\r\n";
  EXPECT_EQ(h_.Run({"SCAN", "0"}), empty);
  // strtoul accepts these cursors, as Redis does.
  EXPECT_EQ(h_.Run({"SCAN", ""}), empty);
  EXPECT_EQ(h_.Run({"SCAN", "+0"}), empty);
  EXPECT_EQ(ParseScan(h_.Run({"SCAN", "-1"})).cursor, 0u);
  EXPECT_EQ(ParseScan(h_.Run({"SCAN", "18446744073709551615"})).cursor, 0u);
  PutString("a", "1");
  PutString("b", "1");
  PutString("c", "1");
  PutHash("h");
  ScanReply r = ParseScan(h_.Run({"SCAN", "0"}));
  EXPECT_EQ(r.cursor, 0u);
  EXPECT_EQ(Sorted(r.keys), (std::set<std::string>{"a", "b", "c", "h"}));
  r = ParseScan(h_.Run({"scan", "0", "type", "STRING"}));
  EXPECT_EQ(Sorted(r.keys), (std::set<std::string>{"a", "b", "c"}));
  r = ParseScan(h_.Run({"SCAN", "0", "TYPE", "hash"}));
  EXPECT_EQ(r.keys, std::vector<std::string>{"h"});
  r = ParseScan(h_.Run({"SCAN", "0", "TYPE", "list"}));
  EXPECT_TRUE(r.keys.empty());
  r = ParseScan(h_.Run({"SCAN", "0", "MATCH", "[ab]", "TYPE", "string"}));
  EXPECT_EQ(Sorted(r.keys), (std::set<std::string>{"a", "b"}));
  r = ParseScan(h_.Run({"SCAN", "0", "MATCH", "h*", "TYPE", "string"}));
  EXPECT_TRUE(r.keys.empty());
  // The last COUNT wins; a repeated option is fine.
  r = ParseScan(h_.Run({"SCAN", "0", "COUNT", "1", "COUNT", "100", "MATCH", "*"}));
  EXPECT_EQ(r.cursor, 0u);
  EXPECT_EQ(r.keys.size(), 4u);
  // Expired keys are not returned.
  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "1"}), ":1\r\n");
  h_.clock().Advance(2);
  r = ParseScan(h_.Run({"SCAN", "0"}));
  EXPECT_EQ(Sorted(r.keys), (std::set<std::string>{"b", "c", "h"}));
  // RESP3: the same shape (arrays).
  h_.client().SetResp(3);
  r = ParseScan(h_.Run({"SCAN", "0", "MATCH", "c"}));
  EXPECT_EQ(r.keys, std::vector<std::string>{"c"});
}

// Runs a full SCAN iteration; returns every key returned and the call count.
std::multiset<std::string> FullScan(CommandHarness& h, std::vector<std::string> options,
                                    size_t* calls) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  *calls = 0;
  do {
    std::vector<std::string> args = {"SCAN", std::to_string(cursor)};
    args.insert(args.end(), options.begin(), options.end());
    ScanReply r = ParseScan(h.Run(args));
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.cursor;
    ++*calls;
  } while (cursor != 0 && *calls < 1'000'000);
  return seen;
}

TEST_F(KeysTest, ScanFullIterationReturnsEveryKey) {
  constexpr int kKeys = 3000;
  std::set<std::string> all;
  std::set<std::string> tens;
  for (int i = 0; i < kKeys; ++i) {
    std::string key = "key:" + std::to_string(i);
    if (i % 3 == 0) {
      PutHash(key);
    } else {
      PutString(key, "v");
    }
    if (key.starts_with("key:1")) tens.insert(key);
    all.insert(std::move(key));
  }

  size_t calls_default = 0;
  std::multiset<std::string> seen = FullScan(h_, {}, &calls_default);
  EXPECT_EQ(seen.size(), all.size());  // no key twice when nothing changes
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
  // COUNT 10 per call: roughly kKeys / 10 calls.
  EXPECT_GT(calls_default, static_cast<size_t>(kKeys / 40));
  EXPECT_LT(calls_default, static_cast<size_t>(kKeys));

  size_t calls_big = 0;
  seen = FullScan(h_, {"COUNT", "1000"}, &calls_big);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
  EXPECT_LT(calls_big, calls_default);
  EXPECT_LE(calls_big, 10u);

  size_t calls_one = 0;
  seen = FullScan(h_, {"COUNT", "1"}, &calls_one);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
  EXPECT_GT(calls_one, calls_default);

  size_t calls = 0;
  seen = FullScan(h_, {"MATCH", "key:1*", "COUNT", "50"}, &calls);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), tens);

  seen = FullScan(h_, {"TYPE", "hash", "COUNT", "100"}, &calls);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kKeys / 3));
  for (const std::string& k : seen) EXPECT_EQ(std::stoi(k.substr(4)) % 3, 0) << k;

  seen = FullScan(h_, {"TYPE", "string", "MATCH", "key:1*"}, &calls);
  for (const std::string& k : seen) EXPECT_NE(std::stoi(k.substr(4)) % 3, 0) << k;
  size_t expected = 0;
  for (const std::string& k : tens) expected += std::stoi(k.substr(4)) % 3 != 0;
  EXPECT_EQ(seen.size(), expected);
}

// Redis's guarantee: a key present from the start to the end of a full
// iteration is returned, even while other keys are added and removed (and
// tables grow and shrink) between calls.
TEST_F(KeysTest, ScanGuaranteeUnderGrowthAndShrink) {
  constexpr int kStable = 500;
  for (int i = 0; i < kStable; ++i) PutString("stable:" + std::to_string(i), "v");
  for (int i = 0; i < 3000; ++i) PutString("tmp:" + std::to_string(i), "v");

  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int next_new = 0;
  do {
    ScanReply r = ParseScan(h_.Run({"SCAN", std::to_string(cursor), "COUNT", "20"}));
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.cursor;
    ++calls;
    if (calls == 5) {  // shrink: delete every temporary key
      for (int i = 0; i < 3000; ++i) View().Erase("tmp:" + std::to_string(i));
    }
    if (calls > 10 && calls < 40) {  // grow
      for (int i = 0; i < 200; ++i) PutString("new:" + std::to_string(next_new++), "v");
    }
  } while (cursor != 0 && calls < 100'000);
  ASSERT_EQ(cursor, 0u);
  for (int i = 0; i < kStable; ++i) {
    EXPECT_TRUE(seen.count("stable:" + std::to_string(i))) << i;
  }
}

TEST_F(KeysTest, Rename) {
  EXPECT_EQ(h_.Run({"RENAME", "nokey", "x"}), "-ERR no such key\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "nokey", "nokey"}), "-ERR no such key\r\n");
  PutString("a", "1");
  EXPECT_EQ(h_.Run({"RENAME", "a", "a"}), "+OK\r\n");
  EXPECT_EQ(ValueOf("a"), "1");
  EXPECT_EQ(h_.Run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(ValueOf("a"), "<none>");
  EXPECT_EQ(ValueOf("b"), "1");
  // Onto an existing key (of another type): replaced; the TTL follows the source.
  PutHash("h");
  EXPECT_EQ(h_.Run({"PEXPIRE", "h", "1000"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "b", "h"}), "+OK\r\n");
  EXPECT_EQ(ValueOf("h"), "1");
  EXPECT_EQ(h_.Run({"TTL", "h"}), ":-1\r\n");
  // RENAME keeps the TTL.
  EXPECT_EQ(h_.Run({"PEXPIRE", "h", "5000"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "h", "c"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "c"}), ":5000\r\n");
  EXPECT_EQ(ExpireAtOf("c"), kStart + 5000);
  h_.clock().Advance(5001);
  EXPECT_EQ(h_.Run({"RENAME", "c", "d"}), "-ERR no such key\r\n");
}

TEST_F(KeysTest, RenameNx) {
  EXPECT_EQ(h_.Run({"RENAMENX", "nokey", "x"}), "-ERR no such key\r\n");
  PutString("a", "1");
  PutString("b", "2");
  EXPECT_EQ(h_.Run({"RENAMENX", "a", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"RENAMENX", "a", "b"}), ":0\r\n");
  EXPECT_EQ(ValueOf("a"), "1");
  EXPECT_EQ(ValueOf("b"), "2");
  EXPECT_EQ(h_.Run({"RENAMENX", "a", "c"}), ":1\r\n");
  EXPECT_EQ(ValueOf("a"), "<none>");
  EXPECT_EQ(ValueOf("c"), "1");
  // An expired destination does not count as existing.
  EXPECT_EQ(h_.Run({"PEXPIRE", "b", "10"}), ":1\r\n");
  h_.clock().Advance(11);
  EXPECT_EQ(h_.Run({"RENAMENX", "c", "b"}), ":1\r\n");
  EXPECT_EQ(ValueOf("b"), "1");
}

TEST_F(KeysTest, RandomKey) {
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "$-1\r\n");
  PutString("only", "1");
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "$4\r\nonly\r\n");
  for (int i = 0; i < 20; ++i) PutString("k" + std::to_string(i), "v");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string r = h_.Run({"RANDOMKEY"});
    ASSERT_EQ(r[0], '$');
    seen.insert(r);
  }
  EXPECT_GT(seen.size(), 5u);
  // Only expired keys: none is returned.
  for (int i = 0; i < 20; ++i) View().Erase("k" + std::to_string(i));
  EXPECT_EQ(h_.Run({"PEXPIRE", "only", "1"}), ":1\r\n");
  h_.clock().Advance(2);
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "$-1\r\n");
  h_.client().SetResp(3);
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "_\r\n");
}

TEST_F(KeysTest, Move) {
  PutString("a", "1");
  EXPECT_EQ(h_.Run({"MOVE", "a", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "nokey", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "nokey", "1"}), ":0\r\n");

  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "3000"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "1"}), ":1\r\n");
  EXPECT_EQ(ValueOf("a", 0), "<none>");
  EXPECT_EQ(ValueOf("a", 1), "1");
  EXPECT_EQ(ExpireAtOf("a", 1), kStart + 3000);  // keeps its TTL

  // The destination already has the key: nothing moves.
  PutString("a", "0");
  EXPECT_EQ(h_.Run({"MOVE", "a", "1"}), ":0\r\n");
  EXPECT_EQ(ValueOf("a", 0), "0");
  EXPECT_EQ(ValueOf("a", 1), "1");

  // From db 1 back to db 0 (occupied), then to db 15.
  h_.client().SetDb(1);
  EXPECT_EQ(h_.Run({"MOVE", "a", "0"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "a", "15"}), ":1\r\n");
  EXPECT_EQ(ValueOf("a", 15), "1");
  EXPECT_EQ(h_.Run({"MOVE", "a", "1"}), "-ERR source and destination objects are the same\r\n");
}

TEST_F(KeysTest, ExpireOptionErrors) {
  PutString("a", "1");
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    EXPECT_EQ(h_.Run({cmd, "a", "100", "nx", "xx"}),
              "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "100", "NX", "GT"}),
              "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "100", "lt", "nx"}),
              "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "100", "gt", "lt"}),
              "-ERR GT and LT options at the same time are not compatible\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "100", "foo"}), "-ERR Unsupported option foo\r\n");
    // Options are checked before the time, and before the key is looked up.
    EXPECT_EQ(h_.Run({cmd, "a", "abc", "foo"}), "-ERR Unsupported option foo\r\n");
    EXPECT_EQ(h_.Run({cmd, "nokey", "1", "nx", "xx"}),
              "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "abc"}), "-ERR value is not an integer or out of range\r\n");
    EXPECT_EQ(h_.Run({cmd, "a", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  }
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "-9223372036854775808"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(h_.Run({"EXPIREAT", "a", "9223372036854775807"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  // Overflow is detected even for a missing key.
  EXPECT_EQ(h_.Run({"PEXPIRE", "nokey", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(ValueOf("a"), "1");
  EXPECT_EQ(ExpireAtOf("a"), 0);
  // The largest absolute time is fine.
  EXPECT_EQ(h_.Run({"PEXPIREAT", "a", "9223372036854775807"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), INT64_MAX);
}

TEST_F(KeysTest, ExpireSetsTimes) {
  PutString("a", "1");
  EXPECT_EQ(h_.Run({"EXPIRE", "nokey", "10"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 10'000);
  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "1234"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 1234);
  EXPECT_EQ(h_.Run({"EXPIREAT", "a", "1800000000"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), 1'800'000'000'000);
  EXPECT_EQ(h_.Run({"PEXPIREAT", "a", "1800000000123"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), 1'800'000'000'123);
  EXPECT_EQ(h_.Run({"expire", "a", "5"}), ":1\r\n");
  h_.clock().Advance(5000);
  EXPECT_EQ(ValueOf("a"), "1");  // Redis: expired only once now > expire time
  h_.clock().Advance(1);
  EXPECT_EQ(ValueOf("a"), "<none>");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":-2\r\n");
}

TEST_F(KeysTest, ExpireInThePastDeletes) {
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"EXPIRE", "k", "0"},
                                             {"EXPIRE", "k", "-10"},
                                             {"PEXPIRE", "k", "0"},
                                             {"PEXPIRE", "k", "-1"},
                                             {"EXPIREAT", "k", "1"},
                                             {"PEXPIREAT", "k", std::to_string(kStart)},
                                             {"PEXPIREAT", "k", "-9223372036854775808"}}) {
    PutString("k", "v");
    EXPECT_EQ(h_.Run(cmd), ":1\r\n") << cmd[0] << " " << cmd[2];
    EXPECT_EQ(ValueOf("k"), "<none>") << cmd[0] << " " << cmd[2];
  }
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "-1"}), ":0\r\n");  // missing key
  PutString("k", "v");
  EXPECT_EQ(h_.Run({"PEXPIREAT", "k", std::to_string(kStart + 1)}), ":1\r\n");
  EXPECT_EQ(ValueOf("k"), "v");
}

TEST_F(KeysTest, ExpireNxXxGtLt) {
  PutString("a", "1");
  // No TTL yet: XX and GT fail, NX and LT succeed.
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10", "XX"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10", "GT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10", "xx", "gt"}), ":0\r\n");
  EXPECT_EQ(ExpireAtOf("a"), 0);
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "100", "LT"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 100'000);
  PutString("b", "1");
  EXPECT_EQ(h_.Run({"EXPIRE", "b", "100", "NX"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "b", "200", "nx", "NX"}), ":0\r\n");
  EXPECT_EQ(ExpireAtOf("b"), kStart + 100'000);

  // With a TTL of 100 s.
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "50", "GT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "100", "GT"}), ":0\r\n");  // equal is not greater
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "150", "GT"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 150'000);
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "150", "LT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "200", "LT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRE", "a", "149999", "LT"}), ":1\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 149'999);
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "20", "XX"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10", "XX", "LT"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "30", "XX", "LT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "30", "XX", "GT"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "30", "NX"}), ":0\r\n");
  EXPECT_EQ(ExpireAtOf("a"), kStart + 30'000);
  // LT to a time in the past deletes the key.
  EXPECT_EQ(h_.Run({"EXPIREAT", "a", "1", "LT"}), ":1\r\n");
  EXPECT_EQ(ValueOf("a"), "<none>");
  // GT towards the past fails and keeps the key.
  EXPECT_EQ(h_.Run({"EXPIREAT", "b", "1", "GT"}), ":0\r\n");
  EXPECT_EQ(ValueOf("b"), "1");
}

TEST_F(KeysTest, TtlAndPttlRounding) {
  PutString("a", "1");
  PutHash("h");
  EXPECT_EQ(h_.Run({"TTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "h"}), ":-1\r\n");
  struct Case {
    const char* ms;
    const char* ttl;
  };
  for (const Case& c : {Case{"1499", ":1\r\n"}, Case{"1500", ":2\r\n"}, Case{"499", ":0\r\n"},
                        Case{"500", ":1\r\n"}, Case{"1", ":0\r\n"}, Case{"100000", ":100\r\n"}}) {
    EXPECT_EQ(h_.Run({"PEXPIRE", "a", c.ms}), ":1\r\n");
    EXPECT_EQ(h_.Run({"TTL", "a"}), c.ttl) << c.ms;
    EXPECT_EQ(h_.Run({"PTTL", "a"}), ":" + std::string(c.ms) + "\r\n");
  }
  h_.clock().Advance(40'000);
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":60000\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":60\r\n");
  h_.clock().Advance(59'999);
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":0\r\n");
  h_.clock().Advance(1);  // at the expiry time itself the key still lives
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":0\r\n");
  h_.clock().Advance(1);
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":-2\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":-2\r\n");
  h_.client().SetResp(3);
  EXPECT_EQ(h_.Run({"TTL", "h"}), ":-1\r\n");
}

TEST_F(KeysTest, ExpireTimeAndPExpireTime) {
  PutString("a", "1");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "nokey"}), ":-2\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "nokey"}), ":-2\r\n");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "a"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "a"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"PEXPIREAT", "a", "1800000000499"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "a"}), ":1800000000\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "a"}), ":1800000000499\r\n");
  EXPECT_EQ(h_.Run({"PEXPIREAT", "a", "1800000000500"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "a"}), ":1800000001\r\n");  // rounded as Redis does
}

TEST_F(KeysTest, Persist) {
  PutString("a", "1");
  EXPECT_EQ(h_.Run({"PERSIST", "nokey"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"PERSIST", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"PERSIST", "a"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"PERSIST", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":-1\r\n");
  h_.clock().Advance(20'000);
  EXPECT_EQ(ValueOf("a"), "1");
  // The volatile count stays exact through EXPIRE / PERSIST / DEL.
  EXPECT_EQ(h_.Run({"EXPIRE", "a", "10"}), ":1\r\n");
  EXPECT_EQ(h_.store().VolatileCountLocked(0), 1u);
  EXPECT_EQ(h_.Run({"PERSIST", "a"}), ":1\r\n");
  EXPECT_EQ(h_.store().VolatileCountLocked(0), 0u);
}

}  // namespace
}  // namespace hotcache::server
