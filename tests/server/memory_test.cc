// MEMORY / OBJECT replies and maxmemory enforcement through the dispatcher.

#include <string>

#include "gtest/gtest.h"
#include "storage/memory.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

const std::string kOk = "+OK\r\n";
const std::string kNil = "$-1\r\n";
const std::string kOom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

std::string Bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

int64_t IntOf(const std::string& reply) {
  EXPECT_EQ(reply[0], ':') << reply;
  return std::stoll(reply.substr(1));
}

class MemoryCommandsTest : public ::testing::Test {
 protected:
  CommandHarness h_;
};

TEST_F(MemoryCommandsTest, ObjectEncodingFollowsRedisRules) {
  h_.Run({"SET", "i", "12345"});
  h_.Run({"SET", "z", "007"});
  h_.Run({"SET", "e", std::string(44, 'x')});
  h_.Run({"SET", "r", std::string(45, 'x')});
  h_.Run({"HSET", "h", "f", "v"});
  h_.Run({"HSET", "big", "f", std::string(65, 'v')});
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "i"}), Bulk("int"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "z"}), Bulk("embstr"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "e"}), Bulk("embstr"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "r"}), Bulk("raw"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "big"}), Bulk("hashtable"));
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "missing"}), kNil);
  EXPECT_EQ(h_.Run({"OBJECT", "REFCOUNT", "i"}), ":1\r\n");
  h_.Run({"SET", "small", "100"});
  EXPECT_EQ(h_.Run({"OBJECT", "REFCOUNT", "small"}), ":2147483647\r\n");
}

TEST_F(MemoryCommandsTest, ObjectIdleTimeAndFreqDependOnThePolicy) {
  h_.Run({"SET", "k", "v"});
  h_.clock().Advance(7500);
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "k"}), ":7\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "k"}), ":7\r\n") << "OBJECT does not touch";
  h_.Run({"EXISTS", "k"});
  h_.Run({"TYPE", "k"});
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "k"}), ":7\r\n") << "EXISTS and TYPE do not touch";
  h_.Run({"GET", "k"});
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "k"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "FREQ", "k"}),
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "FREQ", "missing"}), kNil);
  EXPECT_EQ(h_.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), kOk);
  h_.Run({"SET", "f", "v"});
  EXPECT_EQ(h_.Run({"OBJECT", "FREQ", "f"}), ":5\r\n") << "LFU_INIT_VAL at creation";
  h_.Run({"GET", "f"});
  EXPECT_EQ(h_.Run({"OBJECT", "FREQ", "f"}), ":6\r\n") << "p = 1 at the initial value";
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "f"}),
            "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.\r\n");
}

TEST_F(MemoryCommandsTest, MemoryUsage) {
  h_.Run({"SET", "s", "v"});
  h_.Run({"SET", "b", std::string(10000, 'x')});
  const int64_t small = IntOf(h_.Run({"MEMORY", "USAGE", "s"}));
  const int64_t big = IntOf(h_.Run({"MEMORY", "USAGE", "b", "SAMPLES", "0"}));
  EXPECT_GT(small, 28);
  EXPECT_LT(small, 100);
  EXPECT_GE(big, 10000);
  EXPECT_LT(big, 10200);
  EXPECT_EQ(h_.Run({"MEMORY", "USAGE", "missing"}), kNil);
  EXPECT_EQ(h_.Run({"MEMORY", "USAGE", "s", "SAMPLES"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"MEMORY", "USAGE", "s", "FOO", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"MEMORY", "USAGE", "s", "SAMPLES", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"MEMORY", "USAGE", "s", "SAMPLES", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"MEMORY", "FOO"}), "-ERR unknown subcommand 'FOO'. Try MEMORY HELP.\r\n");
}

TEST_F(MemoryCommandsTest, NoEvictionRejectsWritesAndLosesNothing) {
  for (int i = 0; i < 200; ++i) h_.Run({"SET", "k" + std::to_string(i), std::string(100, 'v')});
  const uint64_t limit = storage::UsedMemory() - 1;
  ASSERT_EQ(h_.Run({"CONFIG", "SET", "maxmemory", std::to_string(limit)}), kOk);
  EXPECT_EQ(h_.Run({"SET", "new", "v"}), kOom);
  EXPECT_EQ(h_.Run({"APPEND", "k1", "more"}), kOom);
  EXPECT_EQ(h_.Run({"GET", "new"}), kNil);
  EXPECT_EQ(h_.Run({"GET", "k1"}), Bulk(std::string(100, 'v'))) << "reads still work";
  EXPECT_EQ(h_.Run({"DEL", "k2"}), ":1\r\n") << "DEL is not deny-oom";
  EXPECT_EQ(h_.Run({"DBSIZE"}), ":199\r\n");
  EXPECT_EQ(h_.Run({"CONFIG", "SET", "maxmemory", "0"}), kOk);
  EXPECT_EQ(h_.Run({"SET", "new", "v"}), kOk);
}

TEST_F(MemoryCommandsTest, AllKeysLruStaysUnderMaxmemory) {
  const uint64_t limit = storage::UsedMemory() + 200 * 1024;
  ASSERT_EQ(h_.Run({"CONFIG", "SET", "maxmemory", std::to_string(limit)}), kOk);
  ASSERT_EQ(h_.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), kOk);
  const std::string value(200, 'v');
  for (int i = 0; i < 10000; ++i) {  // ~10x the limit
    ASSERT_EQ(h_.Run({"SET", "key:" + std::to_string(i), value}), kOk);
    ASSERT_LE(storage::UsedMemory(), limit + 4096) << i;
  }
  const std::string info = h_.Run({"INFO", "stats"});
  EXPECT_EQ(info.find("evicted_keys:0\r\n"), std::string::npos);
  EXPECT_EQ(h_.Run({"GET", "key:9999"}), Bulk(value)) << "the newest key survives";
  EXPECT_EQ(h_.Run({"GET", "key:0"}), kNil) << "the oldest is gone";
}

TEST_F(MemoryCommandsTest, VolatileLruWithoutVolatileKeysIsOom) {
  for (int i = 0; i < 100; ++i) h_.Run({"SET", "p" + std::to_string(i), std::string(100, 'v')});
  h_.Run({"SET", "t", "v", "EX", "100"});
  ASSERT_EQ(h_.Run({"CONFIG", "SET", "maxmemory-policy", "volatile-lru"}), kOk);
  ASSERT_EQ(h_.Run({"CONFIG", "SET", "maxmemory", std::to_string(storage::UsedMemory() - 1)}), kOk);
  // The one volatile key goes; then nothing is evictable.
  std::string reply;
  for (int i = 0; i < 3 && reply != kOom; ++i) reply = h_.Run({"SET", "n" + std::to_string(i), "v"});
  EXPECT_EQ(reply, kOom);
  EXPECT_EQ(h_.Run({"EXISTS", "t"}), ":0\r\n");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(h_.Run({"EXISTS", "p" + std::to_string(i)}), ":1\r\n");
}

}  // namespace
}  // namespace hotcache::server
