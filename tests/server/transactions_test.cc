// MULTI EXEC DISCARD WATCH UNWATCH (server/commands/transactions.cc, the
// dispatcher's queuing and ExecTransaction, watch_table.cc) through the real
// dispatcher. Expected bytes are redis-server 7.0's replies.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

constexpr char kOk[] = "+OK\r\n";
constexpr char kQueued[] = "+QUEUED\r\n";
constexpr char kNullArray[] = "*-1\r\n";

class TransactionsTest : public ::testing::Test {
 protected:
  std::string Run(const std::vector<std::string>& args) { return h_.Run(args); }
  std::string RunB(const std::vector<std::string>& args) { return h_.RunAs(*b_, args); }
  // MULTI, PING, EXEC as the default client: "*1\r\n+PONG\r\n" if it ran.
  std::string ExecPing() {
    EXPECT_EQ(Run({"MULTI"}), kOk);
    EXPECT_EQ(Run({"PING"}), kQueued);
    return Run({"EXEC"});
  }

  CommandHarness h_;
  std::unique_ptr<ClientState> b_ = h_.NewClient();
};

constexpr char kRan[] = "*1\r\n+PONG\r\n";

TEST_F(TransactionsTest, QueuesAndExecutesInOrder) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_TRUE(h_.client().info->in_multi.load());
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(Run({"GET", "a"}), kQueued);
  EXPECT_EQ(h_.client().info->multi_queued.load(), 3);
  // Nothing ran yet: another client sees no key.
  EXPECT_EQ(RunB({"GET", "a"}), "$-1\r\n");
  EXPECT_EQ(Run({"EXEC"}), "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
  EXPECT_FALSE(h_.client().in_multi);
  EXPECT_FALSE(h_.client().info->in_multi.load());
  EXPECT_EQ(h_.client().info->multi_queued.load(), -1);
  EXPECT_EQ(RunB({"GET", "a"}), "$1\r\n2\r\n");
}

TEST_F(TransactionsTest, EmptyTransaction) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
}

TEST_F(TransactionsTest, ErrorsOutsideMulti) {
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(Run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
  EXPECT_EQ(Run({"MULTI", "x"}), "-ERR wrong number of arguments for 'multi' command\r\n");
  EXPECT_EQ(Run({"WATCH"}), "-ERR wrong number of arguments for 'watch' command\r\n");
  EXPECT_EQ(Run({"UNWATCH", "x"}), "-ERR wrong number of arguments for 'unwatch' command\r\n");
  EXPECT_EQ(Run({"UNWATCH"}), kOk);
}

TEST_F(TransactionsTest, NestedMultiIsAnErrorButDoesNotAbort) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+OK\r\n");
}

TEST_F(TransactionsTest, WatchInsideMultiIsAnErrorButDoesNotAbort) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_TRUE(h_.client().watched_keys.empty());
  EXPECT_EQ(Run({"PING"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), kRan);
}

TEST_F(TransactionsTest, DiscardDropsTheQueue) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"DISCARD"}), kOk);
  EXPECT_FALSE(h_.client().in_multi);
  EXPECT_EQ(h_.client().info->multi_queued.load(), -1);
  EXPECT_EQ(Run({"GET", "a"}), "$-1\r\n");
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST_F(TransactionsTest, QueueTimeErrorsAbortWithExecAbort) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"NOSUCH"}), "-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
  EXPECT_EQ(Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$-1\r\n");

  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"INCR", "a", "b"}), "-ERR wrong number of arguments for 'incr' command\r\n");
  EXPECT_EQ(Run({"WATCH"}), "-ERR wrong number of arguments for 'watch' command\r\n");
  EXPECT_EQ(Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_FALSE(h_.client().in_multi);
  EXPECT_EQ(Run({"GET", "a"}), "$-1\r\n");
}

TEST_F(TransactionsTest, RejectedExecAbortsWithItsReason) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"EXEC", "x"}),
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
            "command\r\n");
  EXPECT_FALSE(h_.client().in_multi);
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$-1\r\n");
  // Outside MULTI too (and it drops the watches).
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"EXEC", "x"}),
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
            "command\r\n");
  EXPECT_FALSE(h_.server().watches.active());
}

TEST_F(TransactionsTest, RuntimeErrorsDoNotRollBack) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "x"}), kQueued);
  EXPECT_EQ(Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(Run({"SET", "b", "y"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}),
            "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$1\r\nx\r\n");
  EXPECT_EQ(Run({"GET", "b"}), "$1\r\ny\r\n");
}

TEST_F(TransactionsTest, SelectInsideTransaction) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SELECT", "1"}), kQueued);
  EXPECT_EQ(Run({"SET", "q", "1"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(Run({"GET", "q"}), "$1\r\n1\r\n");
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(Run({"GET", "q"}), "$-1\r\n");
}

TEST_F(TransactionsTest, Resp3) {
  EXPECT_EQ(Run({"HELLO", "3"}).substr(0, 1), "%");
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "x"}), kQueued);
  EXPECT_EQ(Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(Run({"GET", "a"}), kQueued);
  EXPECT_EQ(Run({"GET", "nokey"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}),
            "*4\r\n+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n_\r\n");
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), "_\r\n");
}

// ---- WATCH ------------------------------------------------------------------

TEST_F(TransactionsTest, WriteByAnotherClientAbortsExec) {
  EXPECT_EQ(Run({"SET", "k", "0"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_TRUE(h_.server().watches.active());
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_TRUE(h_.client().watch_dirty.load());
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "2"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), kNullArray);
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\n1\r\n");
  // EXEC dropped the watch and the dirty flag.
  EXPECT_FALSE(h_.server().watches.active());
  EXPECT_FALSE(h_.client().watch_dirty.load());
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, UnchangedWatchedKeysLetExecRun) {
  EXPECT_EQ(Run({"SET", "k", "0"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k", "other", "k"}), kOk);
  EXPECT_EQ(h_.client().watched_keys.size(), 2u);
  EXPECT_EQ(RunB({"SET", "unrelated", "1"}), kOk);
  EXPECT_EQ(RunB({"GET", "k"}), "$1\r\n0\r\n");
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "2"}), kQueued);
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+OK\r\n");
  EXPECT_TRUE(h_.client().watched_keys.empty());
  // After EXEC the key is no longer watched.
  EXPECT_EQ(RunB({"SET", "k", "3"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, OwnWriteAbortsToo) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, WriteCreatingTheKeyAborts) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"HSET", "k", "f", "v"}), ":1\r\n");
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, DeleteAborts) {
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"DEL", "k"}), ":1\r\n");
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, SameValueStillCountsAsAChange) {
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, WritesThatChangeNothingDoNotAbort) {
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k", "missing"}), kOk);
  EXPECT_EQ(RunB({"DEL", "missing"}), ":0\r\n");
  EXPECT_EQ(RunB({"SETNX", "k", "2"}), ":0\r\n");
  EXPECT_EQ(RunB({"SET", "k", "2", "NX"}), "$-1\r\n");
  EXPECT_EQ(RunB({"SET", "missing", "2", "XX"}), "$-1\r\n");
  EXPECT_EQ(RunB({"EXPIRE", "missing", "10"}), ":0\r\n");
  EXPECT_EQ(RunB({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(RunB({"GETDEL", "missing"}), "$-1\r\n");
  EXPECT_EQ(RunB({"INCR", "missing", "x"}),
            "-ERR wrong number of arguments for 'incr' command\r\n");
  EXPECT_EQ(RunB({"GET", "k"}), "$1\r\n1\r\n");
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, FailedWriteDoesNotAbort) {
  EXPECT_EQ(Run({"SET", "k", "x"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"INCR", "k"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, SetGetOnMissingKeyAborts) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "v", "GET"}), "$-1\r\n");
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, WatchIsPerDatabase) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SELECT", "1"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, MoveIntoWatchedDatabaseAborts) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SELECT", "1"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(RunB({"MOVE", "k", "0"}), ":1\r\n");
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, TransactionOfAnotherClientAborts) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"MULTI"}), kOk);
  EXPECT_EQ(RunB({"MSET", "a", "1", "k", "2"}), kQueued);
  EXPECT_EQ(ExecPing(), kRan);  // B has not run yet
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"EXEC"}), "*1\r\n+OK\r\n");
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, UnwatchForgetsChanges) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"UNWATCH"}), kOk);
  EXPECT_FALSE(h_.server().watches.active());
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, UnwatchIsQueuedInsideMulti) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"UNWATCH"}), kQueued);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"EXEC"}), kNullArray);
}

TEST_F(TransactionsTest, DiscardUnwatches) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"DISCARD"}), kOk);
  EXPECT_FALSE(h_.server().watches.active());
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, ExecAbortAlsoUnwatches) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"NOSUCH"}).substr(0, 4), "-ERR");
  EXPECT_EQ(Run({"EXEC"}).substr(0, 10), "-EXECABORT");
  EXPECT_FALSE(h_.server().watches.active());
}

TEST_F(TransactionsTest, QueueTimeErrorWinsOverWatch) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of previous errors.\r\n");
}

TEST_F(TransactionsTest, DisconnectUnregistersWatches) {
  {
    std::unique_ptr<ClientState> c = h_.NewClient();
    EXPECT_EQ(h_.RunAs(*c, {"WATCH", "k", "j"}), kOk);
    EXPECT_TRUE(h_.server().watches.active());
  }  // the connection goes away
  EXPECT_FALSE(h_.server().watches.active());
  // Writing the key now must not touch the freed client (ASan would see it).
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "2"}), kOk);
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, TwoClientsWatchingTheSameKey) {
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"MULTI"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "b"}), kQueued);
  EXPECT_EQ(RunB({"EXEC"}), "*1\r\n+OK\r\n");  // B wins
  EXPECT_EQ(ExecPing(), kNullArray);         // A loses
}

// ---- WATCH and expiry (Redis 7) ---------------------------------------------

TEST_F(TransactionsTest, WatchedKeyThatExpiresAborts) {
  EXPECT_EQ(Run({"SET", "k", "1", "PX", "100"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  h_.clock().Advance(200);
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, WatchedKeyThatExpiredAndWasReadAborts) {
  EXPECT_EQ(Run({"SET", "k", "1", "PX", "100"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  h_.clock().Advance(200);
  EXPECT_EQ(RunB({"GET", "k"}), "$-1\r\n");  // lazily deletes it
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, KeyAlreadyExpiredWhenWatchedDoesNotAbort) {
  EXPECT_EQ(Run({"SET", "k", "1", "PX", "50"}), kOk);
  h_.clock().Advance(100);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, LiveVolatileKeyDoesNotAbort) {
  EXPECT_EQ(Run({"SET", "k", "1", "PX", "1000"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  h_.clock().Advance(500);
  EXPECT_EQ(ExecPing(), kRan);
}

// ---- FLUSHDB FLUSHALL SWAPDB ------------------------------------------------

TEST_F(TransactionsTest, FlushDbAbortsWatchersOfExistingKeys) {
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"FLUSHDB"}), kOk);
  EXPECT_EQ(ExecPing(), kNullArray);
}

TEST_F(TransactionsTest, FlushDbLeavesWatchersOfMissingKeysAlone) {
  EXPECT_EQ(RunB({"SET", "other", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"FLUSHDB"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, FlushDbOfAnotherDatabaseDoesNotAbort) {
  EXPECT_EQ(Run({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);
  EXPECT_EQ(RunB({"SELECT", "1"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(RunB({"FLUSHDB"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

TEST_F(TransactionsTest, FlushAllAborts) {
  EXPECT_EQ(RunB({"SELECT", "3"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(RunB({"WATCH", "k"}), kOk);
  EXPECT_EQ(Run({"FLUSHALL"}), kOk);
  EXPECT_EQ(RunB({"MULTI"}), kOk);
  EXPECT_EQ(RunB({"EXEC"}), kNullArray);
}

TEST_F(TransactionsTest, SwapDbAbortsWhenTheKeyExistsOnEitherSide) {
  EXPECT_EQ(RunB({"SELECT", "1"}), kOk);
  EXPECT_EQ(RunB({"SET", "k", "1"}), kOk);
  EXPECT_EQ(Run({"WATCH", "k"}), kOk);  // missing in db 0, present in db 1
  EXPECT_EQ(RunB({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(ExecPing(), kNullArray);

  EXPECT_EQ(Run({"WATCH", "nowhere"}), kOk);
  EXPECT_EQ(RunB({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(ExecPing(), kRan);
}

}  // namespace
}  // namespace hotcache::server
