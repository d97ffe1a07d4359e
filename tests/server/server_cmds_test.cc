// INFO CONFIG TIME DBSIZE FLUSHDB FLUSHALL SWAPDB SHUTDOWN through the real
// dispatcher (CommandHarness); expected bytes are redis-server 7's replies.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

// The body of an INFO reply (RESP2 bulk string).
std::string InfoText(CommandHarness& h, const std::vector<std::string>& args) {
  const std::string reply = h.Run(args);
  EXPECT_EQ(reply[0], '$') << reply;
  const size_t start = reply.find("\r\n") + 2;
  const size_t len = std::stoul(reply.substr(1, start - 3));
  EXPECT_EQ(reply.size(), start + len + 2);
  return reply.substr(start, len);
}

// The value of `field` in an INFO text, or "<absent>".
std::string Field(const std::string& text, const std::string& field) {
  const std::string needle = field + ":";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find("\r\n", pos);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(pos, needle.size(), needle) == 0) {
      return text.substr(pos + needle.size(), eol - pos - needle.size());
    }
    pos = eol + 2;
  }
  return "<absent>";
}

TEST(ServerCmdsTest, DbSizeFlushDbFlushAll) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  EXPECT_EQ(h.Run({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(h.Run({"SELECT", "1"}), "+OK\r\n");
  h.Run({"SET", "c", "3"});
  EXPECT_EQ(h.Run({"DBSIZE"}), ":1\r\n");

  EXPECT_EQ(h.Run({"FLUSHDB", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"FLUSHDB", "sync", "async"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"FLUSHDB", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(h.Run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":2\r\n");  // FLUSHDB cleared only db 1

  h.Run({"SELECT", "1"});
  h.Run({"SET", "c", "3"});
  h.Run({"SELECT", "0"});
  EXPECT_EQ(h.Run({"FLUSHALL", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"FLUSHALL", "sync"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
  h.Run({"SELECT", "1"});
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(h.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"FLUSHDB"}), "+OK\r\n");
}

TEST(ServerCmdsTest, DbSizeIgnoresExpiredKeys) {
  CommandHarness h;
  h.Run({"SET", "a", "1", "PX", "100"});
  h.Run({"SET", "b", "1"});
  h.clock().Advance(200);
  // Redis's DBSIZE counts keys not yet reclaimed; reading `a` reclaims it.
  EXPECT_EQ(h.Run({"GET", "a"}), "$-1\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":1\r\n");
}

TEST(ServerCmdsTest, SwapDb) {
  CommandHarness h;
  h.Run({"SET", "k", "db0"});
  h.Run({"SELECT", "1"});
  h.Run({"SET", "k", "db1"});
  h.Run({"SET", "k2", "x"});
  h.Run({"SELECT", "0"});
  EXPECT_EQ(h.Run({"SWAPDB", "a", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "0", "b"}), "-ERR invalid second DB index\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "0", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "-1", "0"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "99999999999", "0"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$3\r\ndb1\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":2\r\n");
  h.Run({"SELECT", "1"});
  EXPECT_EQ(h.Run({"GET", "k"}), "$3\r\ndb0\r\n");
  EXPECT_EQ(h.Run({"SWAPDB", "1", "1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$3\r\ndb0\r\n");
  EXPECT_EQ(h.Run({"SWAPDB"}), "-ERR wrong number of arguments for 'swapdb' command\r\n");
}

TEST(ServerCmdsTest, Time) {
  CommandHarness h;
  const int64_t before = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const std::string reply = h.Run({"TIME"});
  ASSERT_EQ(reply.substr(0, 4), "*2\r\n") << reply;
  // *2 $10 <seconds> $n <micros>
  const size_t s_start = reply.find("\r\n", 4) + 2;
  const int64_t seconds = std::stoll(reply.substr(s_start, 10));
  EXPECT_GE(seconds, before);
  EXPECT_LE(seconds, before + 5);
  const size_t us_header = reply.find("\r\n", s_start) + 2;
  const size_t us_start = reply.find("\r\n", us_header) + 2;
  EXPECT_LT(std::stoll(reply.substr(us_start)), 1000000);
  EXPECT_EQ(h.Run({"TIME", "x"}), "-ERR wrong number of arguments for 'time' command\r\n");
}

TEST(ServerCmdsTest, ConfigGetSet) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET", "MAXMEMORY"}), "*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nosuch"}), "*0\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "1mb"}), "+OK\r\n");
  EXPECT_EQ(h.config().maxmemory(), 1048576);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n");
  // Several patterns, duplicates once.
  EXPECT_EQ(h.Run({"CONFIG", "GET", "port", "maxmemory-p*", "PORT"}),
            "*4\r\n$4\r\nport\r\n$4\r\n6379\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "foo", "bar"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "abc"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
            "be a memory value\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "databases", "3"}),
            "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "port", "1", "port"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "a"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET"}),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "foo"}), "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
  // All or nothing.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "5", "hz", "abc"}),
            "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer\r\n");
  EXPECT_EQ(h.config().maxmemory(), 1048576);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "5", "hz", "20"}), "+OK\r\n");
  EXPECT_EQ(h.config().maxmemory(), 5);
  EXPECT_EQ(h.config().hz(), 20);
}

TEST(ServerCmdsTest, ConfigGetResp3IsAMap) {
  CommandHarness h;
  h.client().SetResp(3);
  EXPECT_EQ(h.Run({"CONFIG", "GET", "port"}), "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET", "nosuch"}), "%0\r\n");
}

TEST(ServerCmdsTest, ConfigHelpRewriteResetStat) {
  CommandHarness h;
  const std::string help = h.Run({"CONFIG", "HELP"});
  EXPECT_EQ(help.substr(0, help.find("\r\n", 5) + 2),
            "*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
  EXPECT_NE(help.find("+    Prints this help.\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"CONFIG", "REWRITE"}), "-ERR The server is running without a config file\r\n");

  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "missing"});
  std::string stats = InfoText(h, {"INFO", "stats"});
  EXPECT_EQ(Field(stats, "keyspace_hits"), "1");
  EXPECT_EQ(Field(stats, "keyspace_misses"), "1");
  EXPECT_NE(Field(stats, "total_commands_processed"), "0");
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  stats = InfoText(h, {"INFO", "stats"});
  EXPECT_EQ(Field(stats, "keyspace_hits"), "0");
  EXPECT_EQ(Field(stats, "keyspace_misses"), "0");
  EXPECT_EQ(Field(stats, "total_commands_processed"), "1");  // CONFIG RESETSTAT itself
  const std::string cmdstats = InfoText(h, {"INFO", "commandstats"});
  EXPECT_EQ(cmdstats.find("cmdstat_get:"), std::string::npos) << cmdstats;
}

TEST(ServerCmdsTest, InfoSectionsAndFormat) {
  CommandHarness h;
  const std::string text = InfoText(h, {"INFO"});
  EXPECT_EQ(text.substr(0, 10), "# Server\r\n");
  for (const char* header :
       {"# Server\r\n", "\r\n\r\n# Clients\r\n", "\r\n\r\n# Memory\r\n",
        "\r\n\r\n# Persistence\r\n", "\r\n\r\n# Stats\r\n", "\r\n\r\n# Replication\r\n",
        "\r\n\r\n# CPU\r\n", "\r\n\r\n# Cluster\r\n", "\r\n\r\n# Keyspace\r\n"}) {
    EXPECT_NE(text.find(header), std::string::npos) << header;
  }
  EXPECT_EQ(text.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  EXPECT_NE(text.substr(text.size() - 4), "\r\n\r\n");

  EXPECT_EQ(Field(text, "redis_version"), "7.0.15");
  EXPECT_EQ(Field(text, "redis_mode"), "standalone");
  EXPECT_EQ(Field(text, "arch_bits"), "64");
  EXPECT_EQ(Field(text, "multiplexing_api"), "epoll");
  EXPECT_EQ(Field(text, "run_id"), std::string(40, 'a'));
  EXPECT_EQ(Field(text, "tcp_port"), "6379");
  EXPECT_EQ(Field(text, "hz"), "10");
  EXPECT_EQ(Field(text, "config_file"), "");
  EXPECT_EQ(Field(text, "hotcache_version"), HOTCACHE_VERSION);
  EXPECT_EQ(Field(text, "server_time_usec"), std::to_string(h.clock().NowMs() * 1000));
  EXPECT_EQ(Field(text, "uptime_in_seconds"), "0");
  EXPECT_NE(Field(text, "process_id"), "<absent>");
  EXPECT_NE(Field(text, "os"), "<absent>");
  EXPECT_NE(Field(text, "executable"), "<absent>");
  EXPECT_NE(Field(text, "io_threads_active"), "<absent>");
  EXPECT_EQ(Field(text, "connected_clients"), "1");
  EXPECT_EQ(Field(text, "maxclients"), "10000");
  EXPECT_EQ(Field(text, "blocked_clients"), "0");
  EXPECT_NE(Field(text, "used_memory"), "0");
  EXPECT_NE(Field(text, "used_memory_human"), "<absent>");
  EXPECT_NE(Field(text, "used_memory_rss"), "<absent>");
  EXPECT_NE(Field(text, "used_memory_peak"), "<absent>");
  EXPECT_NE(Field(text, "mem_fragmentation_ratio"), "<absent>");
  EXPECT_EQ(Field(text, "maxmemory"), "0");
  EXPECT_EQ(Field(text, "maxmemory_human"), "0B");
  EXPECT_EQ(Field(text, "maxmemory_policy"), "noeviction");
  EXPECT_EQ(Field(text, "mem_allocator"), "libc");
  EXPECT_EQ(Field(text, "role"), "master");
  EXPECT_EQ(Field(text, "cluster_enabled"), "0");
  for (const char* f :
       {"total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
        "total_net_input_bytes", "total_net_output_bytes", "rejected_connections", "expired_keys",
        "evicted_keys", "keyspace_hits", "keyspace_misses", "total_error_replies"}) {
    EXPECT_NE(Field(text, f), "<absent>") << f;
  }

  h.clock().Advance(90'061'000);  // 1 day, 1 hour, 1 minute, 1 second
  const std::string server = InfoText(h, {"info", "SERVER"});
  EXPECT_EQ(Field(server, "uptime_in_seconds"), "90061");
  EXPECT_EQ(Field(server, "uptime_in_days"), "1");
  EXPECT_EQ(server.find("# Clients"), std::string::npos);

  // Sections come in Redis's order whatever the order asked; unknown ones are ignored.
  const std::string two = InfoText(h, {"INFO", "keyspace", "nosuch", "server"});
  EXPECT_EQ(two.substr(0, 10), "# Server\r\n");
  EXPECT_NE(two.find("\r\n\r\n# Keyspace\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"INFO", "nosuch"}), "$0\r\n\r\n");

  const std::string all = InfoText(h, {"INFO", "all"});
  EXPECT_NE(all.find("# Commandstats\r\n"), std::string::npos);
  const std::string def = InfoText(h, {"INFO", "default", "commandstats"});
  EXPECT_NE(def.find("# Commandstats\r\n"), std::string::npos);
  EXPECT_NE(def.find("# Keyspace\r\n"), std::string::npos);
}

TEST(ServerCmdsTest, InfoMaxmemoryHuman) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "maxmemory", "100mb", "maxmemory-policy", "allkeys-lru"});
  const std::string text = InfoText(h, {"INFO", "memory"});
  EXPECT_EQ(Field(text, "maxmemory"), "104857600");
  EXPECT_EQ(Field(text, "maxmemory_human"), "100.00M");
  EXPECT_EQ(Field(text, "maxmemory_policy"), "allkeys-lru");
  h.Run({"CONFIG", "SET", "maxmemory", "1536"});
  EXPECT_EQ(Field(InfoText(h, {"INFO", "memory"}), "maxmemory_human"), "1.50K");
}

TEST(ServerCmdsTest, InfoResp3IsVerbatim) {
  CommandHarness h;
  h.client().SetResp(3);
  EXPECT_EQ(h.Run({"INFO", "keyspace"}), "=16\r\ntxt:# Keyspace\r\n\r\n");
  EXPECT_EQ(h.Run({"INFO", "nosuch"}), "=4\r\ntxt:\r\n");
}

TEST(ServerCmdsTest, InfoKeyspace) {
  CommandHarness h;
  EXPECT_EQ(InfoText(h, {"INFO", "keyspace"}), "# Keyspace\r\n");
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "EX", "100"});
  h.Run({"SELECT", "3"});
  h.Run({"SET", "c", "3"});
  EXPECT_EQ(InfoText(h, {"INFO", "keyspace"}),
            "# Keyspace\r\n"
            "db0:keys=2,expires=1,avg_ttl=0\r\n"
            "db3:keys=1,expires=0,avg_ttl=0\r\n");
  h.Run({"FLUSHALL"});
  EXPECT_EQ(InfoText(h, {"INFO", "keyspace"}), "# Keyspace\r\n");
}

TEST(ServerCmdsTest, InfoCommandStats) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  h.Run({"GET", "k"});
  h.Run({"GET"});                    // rejected: arity
  h.Run({"INCR", "k"});              // failed: not an integer
  h.Run({"CONFIG", "GET", "port"});  // a subcommand
  const std::string text = InfoText(h, {"INFO", "commandstats"});
  EXPECT_EQ(text.substr(0, 16), "# Commandstats\r\n");
  const std::string get = Field(text, "cmdstat_get");
  EXPECT_EQ(get.substr(0, 8), "calls=2,") << get;
  EXPECT_NE(get.find(",usec_per_call="), std::string::npos) << get;
  EXPECT_NE(get.find(",rejected_calls=1,failed_calls=0"), std::string::npos) << get;
  EXPECT_EQ(Field(text, "cmdstat_set").substr(0, 8), "calls=1,");
  const std::string incr = Field(text, "cmdstat_incr");
  EXPECT_NE(incr.find("rejected_calls=0,failed_calls=1"), std::string::npos) << incr;
  EXPECT_EQ(Field(text, "cmdstat_config|get").substr(0, 8), "calls=1,");
  EXPECT_EQ(Field(text, "cmdstat_del"), "<absent>");  // never called
  // usec_per_call has two decimals.
  const size_t upc = get.find("usec_per_call=") + 14;
  const std::string value = get.substr(upc, get.find(',', upc) - upc);
  EXPECT_EQ(value.size() - value.find('.'), 3u) << value;

  const std::string stats = InfoText(h, {"INFO", "stats"});
  EXPECT_EQ(Field(stats, "total_error_replies"), "2");
}

TEST(ServerCmdsTest, Shutdown) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE", "SAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOW", "ABORT"}), "-ERR syntax error\r\n");
  // No way to stop (a harness without the net layer): Redis's failure reply.
  EXPECT_EQ(h.Run({"SHUTDOWN"}), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
  int requested = 0;
  h.server().request_shutdown = [&] { ++requested; };
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE", "NOW", "FORCE"}), "");
  EXPECT_EQ(requested, 1);
  EXPECT_TRUE(h.client().close_after_reply);
}

}  // namespace
}  // namespace hotcache::server
