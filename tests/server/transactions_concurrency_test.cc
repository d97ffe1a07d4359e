// MULTI/EXEC atomicity and WATCH across threads: several threads, each with
// its own Dispatcher (as each I/O thread has) over one shared ServerContext.
// Run under TSan in CI.

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/reply_writer.h"
#include "server/commands/dispatcher.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

// One simulated connection: its own client state and dispatcher.
class Conn {
 public:
  explicit Conn(CommandHarness& h)
      : client_(h.NewClient()),
        dispatcher_(h.server(), h.stats().AddThread(h.table().id_count())) {}

  std::string Run(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::string out;
    protocol::ReplyWriter writer(&out, false);
    dispatcher_.Execute(*client_, views, writer);
    return out;
  }

 private:
  std::unique_ptr<ClientState> client_;
  Dispatcher dispatcher_;
};

// Parses an array of bulk strings ("*n" then "$len"/"$-1"); nulls become "<nil>".
bool ParseBulkArray(std::string_view r, std::vector<std::string>* out) {
  out->clear();
  auto line = [&r](size_t* pos) {
    const size_t eol = r.find("\r\n", *pos);
    std::string_view l = r.substr(*pos, eol - *pos);
    *pos = eol + 2;
    return l;
  };
  size_t pos = 0;
  std::string_view head = line(&pos);
  if (head.empty() || head[0] != '*') return false;
  const int n = std::stoi(std::string(head.substr(1)));
  for (int i = 0; i < n; ++i) {
    std::string_view h = line(&pos);
    if (h == "$-1") {
      out->push_back("<nil>");
      continue;
    }
    if (h.empty() || h[0] != '$') return false;
    const size_t len = std::stoul(std::string(h.substr(1)));
    out->emplace_back(r.substr(pos, len));
    pos += len + 2;
  }
  return pos == r.size();
}

constexpr int kKeys = 40;  // spread over most of the 64 shards

std::vector<std::string> KeyNames() {
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back("key:" + std::to_string(i));
  return keys;
}

TEST(TransactionsConcurrencyTest, ReadersNeverSeeHalfATransaction) {
  CommandHarness h;
  const std::vector<std::string> keys = KeyNames();
  {
    std::set<size_t> shards;
    for (const std::string& k : keys) shards.insert(h.store().ShardOfKey(k));
    ASSERT_GT(shards.size(), 16u);  // the transaction really spans many shards
  }
  constexpr int kWriters = 2;
  constexpr int kReaders = 2;
  constexpr int kRounds = 150;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kWriters + kReaders; ++i) conns.push_back(std::make_unique<Conn>(h));

  std::atomic<int> writers_left{kWriters};
  std::atomic<int> mixed{0};
  std::atomic<int> bad_replies{0};
  std::atomic<int> reads{0};
  std::atomic<int> readers_started{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      Conn& c = *conns[w];
      // Start only once every reader is reading, so reads overlap the writes.
      while (readers_started.load() < kReaders) std::this_thread::yield();
      for (int round = 0; round < kRounds; ++round) {
        if (c.Run({"MULTI"}) != "+OK\r\n") bad_replies.fetch_add(1);
        if (round % 5 == 4) {
          // Delete every key, in two commands: still all-or-nothing.
          std::vector<std::string> del1 = {"DEL"}, del2 = {"UNLINK"};
          for (int i = 0; i < kKeys; ++i) (i % 2 ? del1 : del2).push_back(keys[i]);
          c.Run(del1);
          c.Run(del2);
        } else {
          const std::string value = "w" + std::to_string(w) + "-" + std::to_string(round);
          std::vector<std::string> mset = {"MSET"};
          for (const std::string& k : keys) {
            mset.push_back(k);
            mset.push_back(value);
          }
          c.Run(mset);
          c.Run({"SET", keys[0], value});  // a second command in the same transaction
        }
        const std::string r = c.Run({"EXEC"});
        if (r.empty() || r[0] != '*' || r == "*-1\r\n") bad_replies.fetch_add(1);
      }
      writers_left.fetch_sub(1);
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      Conn& c = *conns[kWriters + r];
      std::vector<std::string> mget = {"MGET"};
      mget.insert(mget.end(), keys.begin(), keys.end());
      std::vector<std::string> values;
      // Bounded: stops when the writers are done (or after a hard cap).
      for (int n = 0; n < 200000 && (n == 0 || writers_left.load() > 0); ++n) {
        if (n == 1) readers_started.fetch_add(1);
        if (!ParseBulkArray(c.Run(mget), &values) || values.size() != keys.size()) {
          bad_replies.fetch_add(1);
          continue;
        }
        reads.fetch_add(1);
        for (const std::string& v : values) {
          if (v != values[0]) {
            mixed.fetch_add(1);
            break;
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_EQ(bad_replies.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

// Optimistic locking with WATCH: every thread increments a counter through
// WATCH / GET / MULTI / SET / EXEC, retrying on a null EXEC. No increment may
// be lost: an EXEC whose GET was overtaken must return a null array.
TEST(TransactionsConcurrencyTest, WatchMakesCheckAndSetSafe) {
  CommandHarness h;
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kThreads; ++i) conns.push_back(std::make_unique<Conn>(h));
  std::atomic<int> done{0};
  std::atomic<int> aborted{0};
  std::atomic<int> bad_replies{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Conn& c = *conns[t];
      int succeeded = 0;
      for (int attempt = 0; attempt < 100000 && succeeded < kIncrements; ++attempt) {
        c.Run({"WATCH", "counter", "other"});
        const std::string got = c.Run({"GET", "counter"});
        int64_t value = 0;
        if (got != "$-1\r\n") {
          const size_t eol = got.find("\r\n");
          value = std::stoll(got.substr(eol + 2));
        }
        c.Run({"MULTI"});
        c.Run({"SET", "counter", std::to_string(value + 1)});
        const std::string r = c.Run({"EXEC"});
        if (r == "*1\r\n+OK\r\n") {
          ++succeeded;
        } else if (r == "*-1\r\n") {
          aborted.fetch_add(1);
        } else {
          bad_replies.fetch_add(1);
        }
      }
      done.fetch_add(succeeded);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(bad_replies.load(), 0);
  EXPECT_EQ(done.load(), kThreads * kIncrements);
  EXPECT_EQ(h.Run({"GET", "counter"}),
            "$3\r\n" + std::to_string(kThreads * kIncrements) + "\r\n");
  EXPECT_FALSE(h.server().watches.active());
}

}  // namespace
}  // namespace hotcache::server
