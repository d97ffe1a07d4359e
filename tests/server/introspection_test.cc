// COMMAND and its subcommands: replies are parsed and compared with what the
// command table holds; a few are compared byte for byte with redis-server 7.0.

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

// A parsed RESP2/RESP3 reply (just enough for these tests).
struct Resp {
  char type = 0;     // '+', '-', ':', '$', '*', '%', '~', '_', '=' ...
  std::string text;  // simple/bulk/verbatim/error text
  int64_t integer = 0;
  bool null = false;
  std::vector<Resp> items;  // aggregates; maps flattened (key, value, ...)

  // Map lookup by key text (maps and RESP2 flattened maps).
  const Resp* Get(std::string_view key) const {
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      if (items[i].text == key) return &items[i + 1];
    }
    return nullptr;
  }
  std::vector<std::string> Texts() const {
    std::vector<std::string> out;
    for (const Resp& item : items) out.push_back(item.text);
    return out;
  }
};

// Parses one reply at *pos; advances *pos. Fails the test on malformed input.
Resp Parse(const std::string& s, size_t* pos) {
  Resp r;
  r.type = s.at(*pos);
  const size_t eol = s.find("\r\n", *pos);
  EXPECT_NE(eol, std::string::npos);
  const std::string line = s.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  switch (r.type) {
    case '+':
    case '-':
      r.text = line;
      break;
    case ':':
      r.integer = std::strtoll(line.c_str(), nullptr, 10);
      break;
    case '_':
      r.null = true;
      break;
    case '$':
    case '=': {
      const long n = std::strtol(line.c_str(), nullptr, 10);
      if (n < 0) {
        r.null = true;
        break;
      }
      r.text = s.substr(*pos, n);
      if (r.type == '=') r.text = r.text.substr(4);
      *pos += n + 2;
      break;
    }
    case '*':
    case '~':
    case '%':
    case '>': {
      long n = std::strtol(line.c_str(), nullptr, 10);
      if (n < 0) {
        r.null = true;
        break;
      }
      if (r.type == '%') n *= 2;
      for (long i = 0; i < n; ++i) r.items.push_back(Parse(s, pos));
      break;
    }
    default:
      ADD_FAILURE() << "unexpected RESP type " << r.type;
  }
  return r;
}

Resp ParseAll(const std::string& s) {
  size_t pos = 0;
  Resp r = Parse(s, &pos);
  EXPECT_EQ(pos, s.size()) << "trailing bytes in reply";
  return r;
}

size_t CountWithSubcommands(const CommandTable& table) {
  size_t n = 0;
  for (const CommandSpec* spec : table.commands()) n += 1 + spec->subcommands.size();
  return n;
}

// Checks one COMMAND INFO entry against its spec.
void ExpectInfoMatches(const Resp& info, const CommandSpec& spec) {
  ASSERT_EQ(info.items.size(), 10u) << spec.name;
  EXPECT_EQ(info.items[0].text, spec.name);
  EXPECT_EQ(info.items[1].integer, spec.arity) << spec.name;
  const std::vector<std::string> flags = info.items[2].Texts();
  auto has = [&](std::string_view f) {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
  };
  EXPECT_EQ(has("write"), (spec.flags & kWrite) != 0) << spec.name;
  EXPECT_EQ(has("readonly"), (spec.flags & kReadOnly) != 0) << spec.name;
  EXPECT_EQ(has("fast"), (spec.flags & kFast) != 0) << spec.name;
  EXPECT_EQ(has("no_auth"), (spec.flags & kNoAuth) != 0) << spec.name;
  EXPECT_EQ(info.items[3].integer, spec.first_key) << spec.name;
  EXPECT_EQ(info.items[4].integer, spec.last_key) << spec.name;
  EXPECT_EQ(info.items[5].integer, spec.key_step) << spec.name;
  for (const std::string& cat : info.items[6].Texts()) {
    EXPECT_NE(spec.acl_categories.find(cat), std::string_view::npos) << spec.name << " " << cat;
  }
  EXPECT_EQ(info.items[8].items.size(), spec.first_key > 0 ? 1u : 0u) << spec.name;
  ASSERT_EQ(info.items[9].items.size(), spec.subcommands.size()) << spec.name;
  for (size_t i = 0; i < spec.subcommands.size(); ++i) {
    ExpectInfoMatches(info.items[9].items[i], spec.subcommands[i]);
  }
}

TEST(IntrospectionTest, CountIsTheTableSize) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"COMMAND", "COUNT"}),
            ":" + std::to_string(h.table().commands().size()) + "\r\n");
  EXPECT_GT(h.table().commands().size(), 5u);
  EXPECT_EQ(h.Run({"COMMAND", "COUNT", "x"}),
            "-ERR wrong number of arguments for 'command|count' command\r\n");
}

TEST(IntrospectionTest, CommandAloneDescribesEveryCommand) {
  CommandHarness h;
  const Resp all = ParseAll(h.Run({"COMMAND"}));
  ASSERT_EQ(all.items.size(), h.table().commands().size());
  for (size_t i = 0; i < all.items.size(); ++i) {
    ExpectInfoMatches(all.items[i], *h.table().commands()[i]);
  }
  // COMMAND INFO without names is the same.
  EXPECT_EQ(h.Run({"COMMAND", "INFO"}), h.Run({"COMMAND"}));
}

TEST(IntrospectionTest, InfoGet) {
  CommandHarness h;
  const CommandSpec* get = h.table().Find("get");
  ASSERT_NE(get, nullptr);
  const Resp reply = ParseAll(h.Run({"COMMAND", "INFO", "get"}));
  ASSERT_EQ(reply.items.size(), 1u);
  const Resp& info = reply.items[0];
  ExpectInfoMatches(info, *get);
  EXPECT_EQ(info.items[1].integer, 2);
  // Key spec: begin at index 1, range of one key.
  const Resp& spec = info.items[8].items.at(0);
  ASSERT_NE(spec.Get("begin_search"), nullptr);
  EXPECT_EQ(spec.Get("begin_search")->Get("type")->text, "index");
  EXPECT_EQ(spec.Get("begin_search")->Get("spec")->Get("index")->integer, 1);
  EXPECT_EQ(spec.Get("find_keys")->Get("type")->text, "range");
  EXPECT_EQ(spec.Get("find_keys")->Get("spec")->Get("lastkey")->integer, 0);
  EXPECT_EQ(spec.Get("find_keys")->Get("spec")->Get("keystep")->integer, 1);
  EXPECT_EQ(spec.Get("flags")->Texts(), (std::vector<std::string>{"RO", "access"}));
}

TEST(IntrospectionTest, InfoEchoIsByteIdenticalToRedis) {
  CommandHarness h;
  // redis-server 7.0.15, RESP2 and RESP3.
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "echo"}),
            "*1\r\n*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n"
            ":0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "echo"}),
            "*1\r\n*10\r\n$4\r\necho\r\n:2\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n"
            ":0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "client|id"}),
            "*1\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n~3\r\n+noscript\r\n+loading\r\n+stale\r\n"
            ":0\r\n:0\r\n:0\r\n~2\r\n+@slow\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n");
}

TEST(IntrospectionTest, InfoUnknownNamesAreNull) {
  CommandHarness h;
  const std::string reply = h.Run({"COMMAND", "INFO", "nosuch", "ECHO", "client|nosuch"});
  EXPECT_EQ(reply.rfind("*3\r\n$-1\r\n*10\r\n$4\r\necho\r\n", 0), 0u) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 5), "$-1\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "nosuch"}), "*1\r\n_\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "INFO", "client|list|x"}), "*1\r\n_\r\n");
}

TEST(IntrospectionTest, InfoOfContainersAndSubcommands) {
  CommandHarness h;
  const CommandSpec* client = h.table().Find("client");
  ASSERT_NE(client, nullptr);
  const Resp reply = ParseAll(h.Run({"COMMAND", "INFO", "client", "CLIENT|LIST", "command"}));
  ASSERT_EQ(reply.items.size(), 3u);
  ExpectInfoMatches(reply.items[0], *client);
  EXPECT_EQ(reply.items[1].items[0].text, "client|list");
  EXPECT_EQ(reply.items[1].items[6].Texts(),
            (std::vector<std::string>{"@admin", "@slow", "@dangerous", "@connection"}));
  ExpectInfoMatches(reply.items[2], *h.table().Find("command"));
}

TEST(IntrospectionTest, InfoOfMultiKeyCommand) {
  CommandHarness h;
  const CommandSpec* mset = h.table().Find("mset");
  if (mset == nullptr) GTEST_SKIP() << "mset not registered";
  const Resp info = ParseAll(h.Run({"COMMAND", "INFO", "mset"})).items.at(0);
  ExpectInfoMatches(info, *mset);
  const Resp& find = *info.items[8].items.at(0).Get("find_keys")->Get("spec");
  EXPECT_EQ(find.Get("lastkey")->integer, -1);
  EXPECT_EQ(find.Get("keystep")->integer, 2);
}

TEST(IntrospectionTest, DocsMatchTheTable) {
  CommandHarness h;
  // Every command, as a map name -> docs (flattened in RESP2).
  const Resp all = ParseAll(h.Run({"COMMAND", "DOCS"}));
  ASSERT_EQ(all.items.size(), 2 * h.table().commands().size());
  for (size_t i = 0; i < h.table().commands().size(); ++i) {
    const CommandSpec& spec = *h.table().commands()[i];
    EXPECT_EQ(all.items[2 * i].text, spec.name);
    const Resp& docs = all.items[2 * i + 1];
    ASSERT_NE(docs.Get("group"), nullptr) << spec.name;
    EXPECT_EQ(docs.Get("group")->text, spec.group) << spec.name;
    if (!spec.summary.empty()) {
      EXPECT_EQ(docs.Get("summary")->text, spec.summary);
    }
    if (!spec.since.empty()) {
      EXPECT_EQ(docs.Get("since")->text, spec.since);
    }
    if (!spec.complexity.empty()) {
      EXPECT_EQ(docs.Get("complexity")->text, spec.complexity);
    }
    const Resp* subs = docs.Get("subcommands");
    EXPECT_EQ(subs != nullptr, !spec.subcommands.empty()) << spec.name;
    if (subs != nullptr) {
      ASSERT_EQ(subs->items.size(), 2 * spec.subcommands.size());
      EXPECT_EQ(subs->items[0].text, spec.subcommands[0].name);
      EXPECT_EQ(subs->items[1].Get("summary")->text, spec.subcommands[0].summary);
    }
  }
}

TEST(IntrospectionTest, DocsByName) {
  CommandHarness h;
  // Byte-identical to redis-server 7.0.15 for a command without arguments.
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "quit"}),
            "*2\r\n$4\r\nquit\r\n*8\r\n$7\r\nsummary\r\n$20\r\nClose the connection\r\n$5\r\n"
            "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n"
            "$4\r\nO(1)\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  const Resp two = ParseAll(h.Run({"COMMAND", "DOCS", "PING", "nosuch", "client|getname"}));
  ASSERT_EQ(two.items.size(), 4u);
  EXPECT_EQ(two.items[0].text, "ping");
  EXPECT_EQ(two.items[2].text, "client|getname");
  EXPECT_EQ(two.items[3].Get("summary")->text, "Get the current connection name");

  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"COMMAND", "DOCS", "quit"}),
            "%1\r\n$4\r\nquit\r\n%4\r\n$7\r\nsummary\r\n$20\r\nClose the connection\r\n$5\r\n"
            "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n"
            "$4\r\nO(1)\r\n");
  const Resp client = ParseAll(h.Run({"COMMAND", "DOCS", "client"}));
  ASSERT_EQ(client.type, '%');
  const Resp* subs = client.items.at(1).Get("subcommands");
  ASSERT_NE(subs, nullptr);
  EXPECT_EQ(subs->type, '%');
  EXPECT_EQ(subs->items.size(), 2 * h.table().Find("client")->subcommands.size());
}

TEST(IntrospectionTest, List) {
  CommandHarness h;
  const Resp all = ParseAll(h.Run({"COMMAND", "LIST"}));
  EXPECT_EQ(all.items.size(), CountWithSubcommands(h.table()));
  const std::vector<std::string> names = all.Texts();
  EXPECT_NE(std::find(names.begin(), names.end(), "client|list"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "ping"), names.end());

  const Resp clients = ParseAll(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT*"}));
  EXPECT_EQ(clients.items.size(), 1 + h.table().Find("client")->subcommands.size());
  EXPECT_EQ(clients.items.at(0).text, "client");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "ech?"}), "*1\r\n$4\r\necho\r\n");

  const Resp conn = ParseAll(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "Connection"}));
  const std::vector<std::string> conn_names = conn.Texts();
  EXPECT_NE(std::find(conn_names.begin(), conn_names.end(), "hello"), conn_names.end());
  EXPECT_NE(std::find(conn_names.begin(), conn_names.end(), "client|kill"), conn_names.end());
  // The CLIENT container itself is only @slow.
  EXPECT_EQ(std::find(conn_names.begin(), conn_names.end(), "client"), conn_names.end());

  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "foo"}), "*0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat"}), "*0\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "FOO", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "foo"}), "-ERR syntax error\r\n");
}

TEST(IntrospectionTest, GetKeys) {
  CommandHarness h;
  ASSERT_NE(h.table().Find("get"), nullptr);
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "get", "a"}), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "GET", "a", "b"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "ping", "x"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "client", "list"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "client", "foo"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "get"}),
            "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
  if (h.table().Find("mset") != nullptr) {
    EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"}),
              "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "mset", "a"}),
              "-ERR Invalid number of arguments specified for command\r\n");
  }
}

TEST(IntrospectionTest, HelpAndUnknownSubcommand) {
  CommandHarness h;
  const std::string help = h.Run({"COMMAND", "HELP"});
  EXPECT_EQ(
      help.rfind("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0),
      0u);
  EXPECT_EQ(ParseAll(help).items.size(), 21u);
  EXPECT_EQ(h.Run({"COMMAND", "FOO"}), "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
}

}  // namespace
}  // namespace hotcache::server
