// PING ECHO QUIT AUTH HELLO SELECT CLIENT: replies compared byte for byte
// with what redis-server 7.0 sends.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

std::string Hello2(int64_t id) {
  return "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:"
         "2\r\n"
         "$2\r\nid\r\n:" +
         std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0"
         "\r\n";
}

std::string Hello3(int64_t id) {
  return "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:"
         "3\r\n"
         "$2\r\nid\r\n:" +
         std::to_string(id) +
         "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0"
         "\r\n";
}

// The text of a RESP2 bulk or RESP3 verbatim reply.
std::string BodyOf(const std::string& reply) {
  const size_t start = reply.find("\r\n") + 2;
  std::string body = reply.substr(start, reply.size() - start - 2);
  if (reply[0] == '=') body = body.substr(4);  // "txt:"
  return body;
}

TEST(ConnectionTest, Ping) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"ping", "hello"}), "$5\r\nhello\r\n");
  EXPECT_EQ(h.Run({"PING", ""}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST(ConnectionTest, Echo) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"ECHO", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(h.Run({"ECHO", ""}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_EQ(h.Run({"ECHO", "a", "b"}), "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(ConnectionTest, QuitRepliesOkAndClosesAfterReply) {
  CommandHarness h;
  EXPECT_FALSE(h.client().close_after_reply);
  EXPECT_EQ(h.Run({"QUIT"}), "+OK\r\n");
  EXPECT_TRUE(h.client().close_after_reply);
  auto other = h.NewClient();
  EXPECT_EQ(h.RunAs(*other, {"QUIT", "extra"}), "+OK\r\n");
  EXPECT_TRUE(other->close_after_reply);
}

TEST(ConnectionTest, AuthWithoutRequirepass) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"AUTH", "x"}),
            "-ERR AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?\r\n");
  // The default user is "nopass": any password.
  EXPECT_EQ(h.Run({"AUTH", "default", "x"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"AUTH", "alice", "x"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.Run({"AUTH", "a", "b", "c"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"AUTH"}), "-ERR wrong number of arguments for 'auth' command\r\n");
}

TEST(ConnectionTest, AuthWithRequirepass) {
  CommandHarness h;
  std::string error;
  ASSERT_TRUE(h.config().Set("requirepass", "secret", &error)) << error;
  auto c = h.NewClient();
  c->authenticated = false;
  EXPECT_EQ(h.RunAs(*c, {"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(h.RunAs(*c, {"CLIENT", "ID"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "default", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "alice", "secret"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_FALSE(c->authenticated);
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "secret"}), "+OK\r\n");
  EXPECT_TRUE(c->authenticated);
  EXPECT_EQ(h.RunAs(*c, {"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "default", "secret"}), "+OK\r\n");
  // A failed AUTH does not log an authenticated client out.
  EXPECT_EQ(h.RunAs(*c, {"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.RunAs(*c, {"PING"}), "+PONG\r\n");
}

TEST(ConnectionTest, HelloRequiresAuthenticationOrAuthOption) {
  CommandHarness h;
  std::string error;
  ASSERT_TRUE(h.config().Set("requirepass", "secret", &error)) << error;
  auto c = h.NewClient();
  c->authenticated = false;
  const std::string noauth =
      "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
      "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
      "protocol version at the same time\r\n";
  EXPECT_EQ(h.RunAs(*c, {"HELLO"}), noauth);
  EXPECT_EQ(h.RunAs(*c, {"HELLO", "3"}), noauth);
  EXPECT_EQ(c->resp, 2);
  EXPECT_EQ(h.RunAs(*c, {"HELLO", "3", "AUTH", "default", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(c->resp, 2);
  const int64_t id = static_cast<int64_t>(c->info->id);
  EXPECT_EQ(h.RunAs(*c, {"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "bar"}), Hello2(id));
  EXPECT_TRUE(c->authenticated);
  EXPECT_EQ(h.RunAs(*c, {"CLIENT", "GETNAME"}), "$3\r\nbar\r\n");
}

TEST(ConnectionTest, HelloSwitchesProtocol) {
  CommandHarness h;
  const int64_t id = static_cast<int64_t>(h.client().info->id);
  EXPECT_EQ(h.Run({"HELLO"}), Hello2(id));
  // The reply to HELLO 3 is itself RESP3, and so is everything after it.
  EXPECT_EQ(h.Run({"HELLO", "3"}), Hello3(id));
  EXPECT_EQ(h.client().resp, 3);
  EXPECT_EQ(h.client().info->resp.load(), 3);
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "_\r\n");
  EXPECT_EQ(h.Run({"HELLO"}), Hello3(id));
  EXPECT_EQ(h.Run({"HELLO", "2"}), Hello2(id));
  EXPECT_EQ(h.client().resp, 2);
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
}

TEST(ConnectionTest, HelloErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"HELLO", "1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.Run({"HELLO", "-1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.Run({"HELLO", "abc"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"HELLO", "02"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"HELLO", "2", "foo"}), "-ERR Syntax error in HELLO option 'foo'\r\n");
  EXPECT_EQ(h.Run({"HELLO", "2", "AUTH", "default"}),
            "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(h.Run({"HELLO", "3", "SETNAME"}), "-ERR Syntax error in HELLO option 'SETNAME'\r\n");
  EXPECT_EQ(h.Run({"HELLO", "2", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(h.client().resp, 2);  // nothing switched on error
  EXPECT_EQ(h.Run({"HELLO", "2", "setname", "x", "setname", "y"}),
            Hello2(static_cast<int64_t>(h.client().info->id)));
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$1\r\ny\r\n");
}

TEST(ConnectionTest, SelectRangeAndErrors) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(h.client().db, 1);
  EXPECT_EQ(h.client().info->db.load(), 1);
  EXPECT_EQ(h.Run({"SELECT", "15"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "2147483647"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "2147483648"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(h.Run({"SELECT", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "01"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", " 1"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.client().db, 15);  // unchanged by the errors
  EXPECT_EQ(h.Run({"SELECT"}), "-ERR wrong number of arguments for 'select' command\r\n");
}

TEST(ConnectionTest, SelectRespectsConfiguredDatabases) {
  CommandHarness h;
  std::string error;
  // "databases" is a start-up directive (not CONFIG SET-able), as in Redis.
  ASSERT_TRUE(h.config().LoadText("databases 4\n", &error)) << error;
  EXPECT_EQ(h.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SELECT", "4"}), "-ERR DB index is out of range\r\n");
}

TEST(ConnectionTest, SelectIsolatesDatabasesAndClients) {
  CommandHarness h;
  auto other = h.NewClient();
  EXPECT_EQ(h.Run({"SET", "k", "zero"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(h.Run({"SET", "k", "one"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$3\r\none\r\n");
  // The other client is still on db 0.
  EXPECT_EQ(h.RunAs(*other, {"GET", "k"}), "$4\r\nzero\r\n");
  EXPECT_EQ(h.Run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$4\r\nzero\r\n");
}

TEST(ConnectionTest, ClientReplyOffSkipOn) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "foo"}), "-ERR syntax error\r\n");
  // SKIP: no reply to itself nor to the next command, then replies again.
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.Run({"PING", "a"}), "");
  EXPECT_EQ(h.Run({"PING", "b"}), "$1\r\nb\r\n");
  // OFF: silence until ON, which replies.
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.Run({"PING", "c"}), "");
  EXPECT_EQ(h.Run({"ECHO", "d"}), "");
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "SKIP"}), "");  // ignored while OFF
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_FALSE(h.client().reply_off);
}

TEST(ConnectionTest, ClientIdAndNames) {
  CommandHarness h;
  auto other = h.NewClient();
  EXPECT_EQ(h.Run({"CLIENT", "ID"}), ":" + std::to_string(h.client().info->id) + "\r\n");
  EXPECT_EQ(h.RunAs(*other, {"client", "id"}), ":" + std::to_string(other->info->id) + "\r\n");
  EXPECT_NE(h.client().info->id, other->info->id);

  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "web-1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$5\r\nweb-1\r\n");
  EXPECT_EQ(h.RunAs(*other, {"CLIENT", "GETNAME"}), "$-1\r\n");
  for (const std::string& bad :
       std::vector<std::string>{"a b", "a\nb", "caf\xc3\xa9", std::string("a\0b", 3)}) {
    EXPECT_EQ(h.Run({"CLIENT", "SETNAME", bad}),
              "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  }
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$5\r\nweb-1\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");  // clears the name
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$-1\r\n");

  EXPECT_EQ(h.Run({"CLIENT", "ID", "x"}),
            "-ERR wrong number of arguments for 'client|id' command\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(h.Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
}

TEST(ConnectionTest, ClientInfoLineFormat) {
  CommandHarness h;
  h.clock().Advance(5'000);
  const std::string id = std::to_string(h.client().info->id);
  const std::string reply = h.Run({"CLIENT", "INFO"});
  ASSERT_EQ(reply[0], '$');
  EXPECT_EQ(BodyOf(reply),
            "id=" + id +
                " addr=127.0.0.1:40000 laddr=127.0.0.1:6379 fd=-1 name= age=5 idle=0 flags=N db=0 "
                "sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=0 "
                "rbp=0 obl=0 oll=0 omem=0 tot-mem=10 events=r cmd=client|info user=default "
                "redir=-1 resp=2 lib-name= lib-ver=\n");

  // RESP3: a verbatim string of format "txt"; the fields follow the client.
  EXPECT_EQ(h.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "me"}), "+OK\r\n");
  h.Run({"HELLO", "3"});
  const std::string reply3 = h.Run({"CLIENT", "INFO"});
  ASSERT_EQ(reply3.substr(0, 1), "=");
  EXPECT_NE(reply3.find("\r\ntxt:id=" + id + " "), std::string::npos) << reply3;
  const std::string body = BodyOf(reply3);
  EXPECT_NE(body.find(" name=me "), std::string::npos) << body;
  EXPECT_NE(body.find(" db=3 "), std::string::npos) << body;
  EXPECT_NE(body.find(" resp=3 "), std::string::npos) << body;
}

TEST(ConnectionTest, ClientSetInfo) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "foo", "bar"}), "-ERR Unrecognized option 'foo'\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "a b"}),
            "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n");
  const std::string body = BodyOf(h.Run({"CLIENT", "INFO"}));
  EXPECT_NE(body.find(" lib-name=redis-py lib-ver=5.0.1\n"), std::string::npos) << body;
}

TEST(ConnectionTest, ClientListShowsEveryClientAndFilters) {
  CommandHarness h;
  auto other = h.NewClient();
  EXPECT_EQ(h.RunAs(*other, {"CLIENT", "SETNAME", "worker"}), "+OK\r\n");
  const std::string me = std::to_string(h.client().info->id);
  const std::string them = std::to_string(other->info->id);

  std::string list = BodyOf(h.Run({"CLIENT", "LIST"}));
  const size_t mine = list.find("id=" + me + " ");
  const size_t theirs = list.find("id=" + them + " ");
  ASSERT_NE(mine, std::string::npos) << list;
  ASSERT_NE(theirs, std::string::npos) << list;
  EXPECT_LT(mine, theirs);  // in id order
  EXPECT_NE(list.find(" name=worker "), std::string::npos);
  EXPECT_NE(list.find("cmd=client|list "), std::string::npos);
  EXPECT_NE(list.find("cmd=client|setname "), std::string::npos);
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 2);

  list = BodyOf(h.Run({"CLIENT", "LIST", "TYPE", "normal"}));
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 2);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "replica"}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "foo"}), "-ERR Unknown client type 'foo'\r\n");

  list = BodyOf(h.Run({"CLIENT", "LIST", "ID", them, "999"}));
  EXPECT_EQ(list.rfind("id=" + them + " ", 0), 0u) << list;
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 1);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID", "0"}), "$0\r\n\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID", "abc"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "ID"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "foo"}), "-ERR syntax error\r\n");
}

TEST(ConnectionTest, ClientKill) {
  CommandHarness h;
  auto other = h.NewClient();
  auto third = h.NewClient();
  const std::string them = std::to_string(other->info->id);

  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "999"}), ":0\r\n");
  EXPECT_FALSE(other->info->kill_requested.load());
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", them}), ":1\r\n");
  EXPECT_TRUE(other->info->kill_requested.load());
  EXPECT_FALSE(third->info->kill_requested.load());
  EXPECT_FALSE(h.client().close_after_reply);

  // SKIPME yes (the default) spares the caller.
  const std::string me = std::to_string(h.client().info->id);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", me}), ":0\r\n");
  EXPECT_FALSE(h.client().close_after_reply);
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", me, "SKIPME", "no"}), ":1\r\n");
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST(ConnectionTest, ClientKillFiltersAndErrors) {
  CommandHarness h;
  auto other = h.NewClient();
  // Old form: by address, may kill the caller, +OK or an error.
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID"}), "-ERR No such client\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ADDR", "1.2.3.4:5"}), ":0\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "LADDR", "1.2.3.4:5"}), ":0\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "0"}), "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "abc"}), "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "foo"}), "-ERR Unknown client type 'foo'\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "USER", "foo"}), "-ERR No such user 'foo'\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "MAXAGE", "5"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "9", "SKIPME", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", "9", "SKIPME"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL"}),
            "-ERR wrong number of arguments for 'client|kill' command\r\n");
  EXPECT_FALSE(other->info->kill_requested.load());
  EXPECT_FALSE(h.client().close_after_reply);

  // Every client of the harness has the same address: the old form kills all,
  // the caller included (after its reply).
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "127.0.0.1:40000"}), "+OK\r\n");
  EXPECT_TRUE(other->info->kill_requested.load());
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST(ConnectionTest, ClientKillByTypeAndUserSkipsCaller) {
  CommandHarness h;
  auto other = h.NewClient();
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "pubsub"}), ":0\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "normal", "USER", "default"}), ":1\r\n");
  EXPECT_TRUE(other->info->kill_requested.load());
  EXPECT_FALSE(h.client().close_after_reply);
}

TEST(ConnectionTest, ClientHelp) {
  CommandHarness h;
  const std::string help = h.Run({"CLIENT", "HELP"});
  EXPECT_EQ(
      help.rfind("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0),
      0u);
  EXPECT_NE(help.find("+REPLY (ON|OFF|SKIP)\r\n"), std::string::npos);
  const std::string tail = "+HELP\r\n+    Prints this help.\r\n";
  ASSERT_GT(help.size(), tail.size());
  EXPECT_EQ(help.substr(help.size() - tail.size()), tail);
}

}  // namespace
}  // namespace hotcache::server
