#include "server/config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace hotcache::server {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string GetValue(const Config& c, std::string_view name) {
  return c.GetOne(name).value_or("<missing>");
}

TEST(ConfigTest, Defaults) {
  Config c;
  EXPECT_EQ(c.port(), 6379);
  EXPECT_EQ(c.bind(), "127.0.0.1");
  EXPECT_EQ(c.io_threads(), 0);
  EXPECT_EQ(c.databases(), 16);
  EXPECT_EQ(c.shard_bits(), 6);
  EXPECT_EQ(c.maxmemory(), 0);
  EXPECT_EQ(c.maxmemory_policy(), EvictionPolicy::kNoEviction);
  EXPECT_EQ(c.maxmemory_samples(), 5);
  EXPECT_EQ(c.requirepass(), "");
  EXPECT_EQ(c.timeout_seconds(), 0);
  EXPECT_EQ(c.maxclients(), 10000);
  EXPECT_EQ(c.proto_max_bulk_len(), 512LL * 1024 * 1024);
  EXPECT_EQ(c.client_query_buffer_limit(), 1024LL * 1024 * 1024);
  EXPECT_EQ(c.hz(), 10);
  EXPECT_EQ(c.loglevel(), "notice");
  EXPECT_EQ(c.logfile(), "");
  EXPECT_EQ(c.tcp_keepalive(), 300);
  EXPECT_EQ(c.tcp_backlog(), 511);
  EXPECT_FALSE(c.protected_mode());
  EXPECT_FALSE(c.lazyfree_lazy_user_flush());
  EXPECT_EQ(c.pg_dsn(), "");
  EXPECT_TRUE(c.pg_sync().empty());
  EXPECT_EQ(GetValue(c, "save"), "");
  EXPECT_EQ(GetValue(c, "appendonly"), "no");
  EXPECT_EQ(GetValue(c, "daemonize"), "no");
  EXPECT_EQ(GetValue(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(GetValue(c, "proto-max-bulk-len"), "536870912");
  EXPECT_EQ(c.config_file(), "");
}

TEST(ConfigTest, LoadTextParsesDirectivesCommentsAndQuoting) {
  Config c;
  std::string error;
  ASSERT_TRUE(
      c.LoadText("# a comment\n"
                 "\n"
                 "   port 7000  \r\n"
                 "MAXMEMORY 100mb\n"
                 "maxmemory-policy ALLKEYS-LRU\n"
                 "requirepass \"sec ret\\x41\\n\"\n"
                 "bind 127.0.0.1 ::1\n"
                 "logfile 'it\\'s.log'\n"
                 "save 900 1\n"
                 "save \"\"\n"
                 "appendonly no\n"
                 "lazyfree-lazy-user-flush YES\n"
                 "client-output-buffer-limit pubsub 1mb 2kb 7\n"
                 "pg-sync \"products id name\"\n"
                 "pg-sync orders\n"
                 "hz 1000\n",
                 &error))
      << error;
  EXPECT_EQ(c.port(), 7000);
  EXPECT_EQ(c.maxmemory(), 100 * 1024 * 1024);
  EXPECT_EQ(GetValue(c, "maxmemory"), "104857600");
  EXPECT_EQ(c.maxmemory_policy(), EvictionPolicy::kAllKeysLru);
  EXPECT_EQ(GetValue(c, "maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(c.requirepass(), "sec retA\n");
  EXPECT_EQ(c.bind(), "127.0.0.1 ::1");
  EXPECT_EQ(c.logfile(), "it's.log");
  EXPECT_EQ(GetValue(c, "save"), "");
  EXPECT_TRUE(c.lazyfree_lazy_user_flush());
  EXPECT_EQ(GetValue(c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2048 7");
  OutputBufferLimit pubsub = c.client_output_buffer_limit(ClientClass::kPubSub);
  EXPECT_EQ(pubsub.hard_bytes, 1048576);
  EXPECT_EQ(pubsub.soft_bytes, 2048);
  EXPECT_EQ(pubsub.soft_seconds, 7);
  EXPECT_EQ(c.pg_sync(), (std::vector<std::string>{"products id name", "orders"}));
  EXPECT_EQ(GetValue(c, "pg-sync"), "products id name\norders");
  EXPECT_EQ(c.hz(), 500);  // clamped as Redis does
}

TEST(ConfigTest, LoadTextErrorsNameTheDirectiveAndLine) {
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("port 1\n\nprot 7000\n", &error));
    EXPECT_EQ(error, "line 3: unknown directive 'prot'");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("# x\nport abc\n", &error));
    EXPECT_EQ(
        error,
        "line 2: invalid value 'abc' for 'port': argument couldn't be parsed into an integer");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("maxmemory 1.5gb\n", &error));
    EXPECT_EQ(error,
              "line 1: invalid value '1.5gb' for 'maxmemory': argument must be a memory value");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("port 1 2\n", &error));
    EXPECT_EQ(error, "line 1: wrong number of arguments for 'port'");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("requirepass \"abc\n", &error));
    EXPECT_EQ(error, "line 1: unbalanced quotes");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("requirepass \"abc\"x\n", &error));
    EXPECT_EQ(error, "line 1: unbalanced quotes");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("appendonly yes\n", &error));
    EXPECT_NE(error.find("'appendonly'"), std::string::npos) << error;
    EXPECT_NE(error.find("not supported"), std::string::npos) << error;
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("daemonize yes\n", &error));
    EXPECT_NE(error.find("'daemonize'"), std::string::npos) << error;
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("shard-bits 9\n", &error));
    EXPECT_EQ(error,
              "line 1: invalid value '9' for 'shard-bits': argument must be between 0 and 8 "
              "inclusive");
  }
  {
    Config c;
    std::string error;
    EXPECT_FALSE(c.LoadText("loglevel loud\n", &error));
    EXPECT_EQ(error,
              "line 1: invalid value 'loud' for 'loglevel': argument(s) must be one of the "
              "following: debug, verbose, notice, warning");
  }
}

TEST(ConfigTest, MemoryUnitsAsRedis) {
  struct Case {
    const char* text;
    int64_t bytes;
  };
  for (const Case& k :
       {Case{"0", 0}, Case{"10", 10}, Case{"10b", 10}, Case{"1k", 1000}, Case{"1kb", 1024},
        Case{"1K", 1000}, Case{"2m", 2000000}, Case{"2MB", 2 * 1024 * 1024}, Case{"1g", 1000000000},
        Case{"1gb", 1073741824}, Case{"", 0}}) {
    Config c;
    std::string error;
    ASSERT_TRUE(c.Set("maxmemory", k.text, &error)) << k.text << ": " << error;
    EXPECT_EQ(c.maxmemory(), k.bytes) << k.text;
  }
  for (const char* bad : {"-1", "1.5gb", " 5", "5 ", "0x10", "1tb", "+5", "abc"}) {
    Config c;
    std::string error;
    EXPECT_FALSE(c.Set("maxmemory", bad, &error)) << bad;
    EXPECT_EQ(error,
              "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
              "be a memory value")
        << bad;
  }
}

TEST(ConfigTest, SetErrorsAreRedisTexts) {
  Config c;
  std::string error;
  EXPECT_FALSE(c.Set("foo", "bar", &error));
  EXPECT_EQ(error, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_FALSE(c.Set("databases", "3", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  EXPECT_FALSE(c.Set("port", "05", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be "
            "parsed into an integer");
  EXPECT_FALSE(c.Set("port", "70000", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be "
            "between 0 and 65535 inclusive");
  EXPECT_FALSE(c.Set("maxmemory-policy", "foo", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            "noeviction");
  EXPECT_FALSE(c.Set("appendonly", "maybe", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must "
            "be 'yes' or 'no'");
  EXPECT_FALSE(c.Set("proto-max-bulk-len", "10", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
            "must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_FALSE(c.Set("client-output-buffer-limit", "normal 1 2", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_FALSE(c.Set("client-output-buffer-limit", "master 1 2 3", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_FALSE(c.Set("client-output-buffer-limit", "normal 1 2 -3", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_FALSE(c.Set("pg-dsn", "host=x", &error));
  EXPECT_NE(error.find("can't set immutable config"), std::string::npos);
  // The name is echoed as given.
  EXPECT_FALSE(c.Set("MaxMemory", "x", &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'MaxMemory') - argument must be "
            "a memory value");
  // Nothing above changed anything.
  EXPECT_EQ(c.port(), 6379);
  EXPECT_EQ(c.maxmemory(), 0);
}

TEST(ConfigTest, SetManyIsAllOrNothing) {
  Config c;
  std::string error;
  using P = std::pair<std::string_view, std::string_view>;
  std::vector<P> bad = {{"maxmemory", "5"}, {"hz", "abc"}};
  EXPECT_FALSE(c.SetMany(bad, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer");
  EXPECT_EQ(c.maxmemory(), 0);

  std::vector<P> dup = {{"maxmemory", "1"}, {"MAXMEMORY", "2"}};
  EXPECT_FALSE(c.SetMany(dup, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate "
            "parameter");

  // An immutable error before an unknown name wins; an unknown name first wins.
  std::vector<P> immutable_first = {{"port", "0"}, {"databases", "5"}, {"foo", "1"}};
  EXPECT_FALSE(c.SetMany(immutable_first, &error));
  EXPECT_EQ(error,
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config");
  std::vector<P> unknown_first = {{"foo", "1"}, {"databases", "5"}};
  EXPECT_FALSE(c.SetMany(unknown_first, &error));
  EXPECT_EQ(error, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(c.port(), 6379);

  std::vector<P> good = {{"maxmemory", "1mb"}, {"hz", "20"}, {"loglevel", "WARNING"}};
  EXPECT_TRUE(c.SetMany(good, &error)) << error;
  EXPECT_EQ(c.maxmemory(), 1048576);
  EXPECT_EQ(c.hz(), 20);
  EXPECT_EQ(c.loglevel(), "warning");
}

TEST(ConfigTest, OnChangeRunsAfterSetAndLoad) {
  Config c;
  int maxmemory_calls = 0;
  int port_calls = 0;
  int64_t seen = -1;
  c.OnChange("maxmemory", [&] {
    ++maxmemory_calls;
    seen = c.maxmemory();
  });
  c.OnChange("PORT", [&] { ++port_calls; });
  std::string error;
  ASSERT_TRUE(c.Set("maxmemory", "2kb", &error));
  EXPECT_EQ(maxmemory_calls, 1);
  EXPECT_EQ(seen, 2048);
  EXPECT_EQ(port_calls, 0);
  EXPECT_FALSE(c.Set("maxmemory", "bad", &error));
  EXPECT_EQ(maxmemory_calls, 1);
  ASSERT_TRUE(c.LoadText("maxmemory 1k\nport 1234\n", &error));
  EXPECT_EQ(maxmemory_calls, 2);
  EXPECT_EQ(port_calls, 1);
}

TEST(ConfigTest, GetGlobAndExactName) {
  Config c;
  Pairs got = c.Get("maxmemory*");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::string>("maxmemory", "0")));
  EXPECT_EQ(got[1], (std::pair<std::string, std::string>("maxmemory-policy", "noeviction")));
  EXPECT_EQ(got[2], (std::pair<std::string, std::string>("maxmemory-samples", "5")));
  // An exact name answers with the name as given (Redis 7 does so).
  got = c.Get("MAXMEMORY");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, "MAXMEMORY");
  EXPECT_TRUE(c.Get("nosuch").empty());
  EXPECT_TRUE(c.Get("nosuch*").empty());
  EXPECT_EQ(c.Get("PORT?").size(), 0u);
  EXPECT_EQ(c.Get("[pq]ort").size(), 1u);
  EXPECT_GT(c.Get("*").size(), 25u);
}

// Builds an argv for LoadArgs.
struct Argv {
  explicit Argv(std::vector<std::string> args) : storage(std::move(args)) {
    ptrs.push_back(const_cast<char*>("hotcache-server"));
    for (std::string& s : storage) ptrs.push_back(s.data());
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
  char** argv() { return ptrs.data(); }
  std::vector<std::string> storage;
  std::vector<char*> ptrs;
};

TEST(ConfigTest, LoadArgsFileThenFlagsWin) {
  const std::string path = testing::TempDir() + "/hotcache_config_test.conf";
  {
    std::ofstream out(path);
    out << "port 7000\nmaxmemory 1mb\nloglevel debug\n";
  }
  Config c;
  Argv args({path, "--port", "7001", "--save", "--requirepass", "", "--bind", "127.0.0.1", "::1",
             "--pg-sync", "products id, name", "--maxmemory-policy", "volatile-ttl"});
  std::string error;
  bool help = true, print_sql = true;
  ASSERT_TRUE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql)) << error;
  EXPECT_FALSE(help);
  EXPECT_FALSE(print_sql);
  EXPECT_EQ(c.port(), 7001);
  EXPECT_EQ(c.maxmemory(), 1048576);
  EXPECT_EQ(c.loglevel(), "debug");
  EXPECT_EQ(c.bind(), "127.0.0.1 ::1");
  EXPECT_EQ(c.pg_sync(), (std::vector<std::string>{"products id, name"}));
  EXPECT_EQ(c.maxmemory_policy(), EvictionPolicy::kVolatileTtl);
  EXPECT_NE(c.config_file().find("hotcache_config_test.conf"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ConfigTest, LoadArgsFlagsAndErrors) {
  {
    Config c;
    Argv args({"--port", "7002", "-h"});
    std::string error;
    bool help = false, print_sql = false;
    ASSERT_TRUE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql));
    EXPECT_TRUE(help);
  }
  {
    Config c;
    Argv args({"--print-trigger-sql", "--pg-dsn", "host=/tmp dbname=shop"});
    std::string error;
    bool help = false, print_sql = false;
    ASSERT_TRUE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql)) << error;
    EXPECT_TRUE(print_sql);
    EXPECT_FALSE(help);
    EXPECT_EQ(c.pg_dsn(), "host=/tmp dbname=shop");
  }
  {
    Config c;
    Argv args({"--prot", "7000"});
    std::string error;
    bool help = false, print_sql = false;
    EXPECT_FALSE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql));
    EXPECT_EQ(error, "--prot: unknown directive 'prot'");
  }
  {
    Config c;
    Argv args({"--port", "abc"});
    std::string error;
    bool help = false, print_sql = false;
    EXPECT_FALSE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql));
    EXPECT_EQ(error,
              "--port: invalid value 'abc' for 'port': argument couldn't be parsed into an "
              "integer");
  }
  {
    Config c;
    Argv args({"/nonexistent/hotcache.conf"});
    std::string error;
    bool help = false, print_sql = false;
    EXPECT_FALSE(c.LoadArgs(args.argc(), args.argv(), &error, &help, &print_sql));
    EXPECT_NE(error.find("/nonexistent/hotcache.conf"), std::string::npos) << error;
  }
}

TEST(ConfigTest, HelpTextListsEveryDirective) {
  Config c;
  const std::string help = c.HelpText();
  for (const auto& [name, value] : c.Get("*")) {
    EXPECT_NE(help.find("  " + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(help.find("--print-trigger-sql"), std::string::npos);
  EXPECT_NE(help.find("--help"), std::string::npos);
}

}  // namespace
}  // namespace hotcache::server
