#include "protocol/errors.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace hotcache::protocol::errors {
namespace {

using namespace std::string_literals;

// Expected texts are what redis-server 7.0.15 replied (without '-' and CRLF).
TEST(ErrorsTest, UnknownCommand) {
  std::vector<std::string_view> args = {"a", "b"};
  EXPECT_EQ(UnknownCommand("FOO", args),
            "ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
  EXPECT_EQ(UnknownCommand("FOO", {}), "ERR unknown command 'FOO', with args beginning with: ");
}

TEST(ErrorsTest, UnknownCommandTruncatesLikeRedis) {
  const std::string x100(100, 'x');
  const std::string y100(100, 'y');
  std::vector<std::string_view> args = {x100, y100, "z"};
  EXPECT_EQ(UnknownCommand("FOO", args), "ERR unknown command 'FOO', with args beginning with: '" +
                                             x100 + "' '" + std::string(25, 'y') + "' ");

  const std::string x200(200, 'x');
  args = {x200, "y"};
  EXPECT_EQ(UnknownCommand("FOO", args), "ERR unknown command 'FOO', with args beginning with: '" +
                                             std::string(128, 'x') + "' ");

  const std::string f200(200, 'F');
  EXPECT_EQ(UnknownCommand(f200, {}),
            "ERR unknown command '" + std::string(128, 'F') + "', with args beginning with: ");
}

TEST(ErrorsTest, UnknownCommandStopsAtNulAndMapsNewlines) {
  const std::string anb = "a\0b"s;
  std::vector<std::string_view> args = {anb, "c"};
  EXPECT_EQ(UnknownCommand("FOO", args),
            "ERR unknown command 'FOO', with args beginning with: 'a' 'c' ");
  const std::string ab = "a\rb";
  args = {ab, "c"};
  EXPECT_EQ(UnknownCommand("FOO", args),
            "ERR unknown command 'FOO', with args beginning with: 'a b' 'c' ");
}

TEST(ErrorsTest, UnknownSubcommand) {
  EXPECT_EQ(UnknownSubcommand("client", "Foo"), "ERR unknown subcommand 'Foo'. Try CLIENT HELP.");
  EXPECT_EQ(UnknownSubcommand("OBJECT", "foo"), "ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  EXPECT_EQ(UnknownSubcommand("config", std::string(200, 's')),
            "ERR unknown subcommand '" + std::string(128, 's') + "'. Try CONFIG HELP.");
}

TEST(ErrorsTest, WrongArity) {
  EXPECT_EQ(WrongArity("get"), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(WrongArity("client|id"), "ERR wrong number of arguments for 'client|id' command");
}

TEST(ErrorsTest, InvalidExpireTime) {
  EXPECT_EQ(InvalidExpireTime("set"), "ERR invalid expire time in 'set' command");
}

}  // namespace
}  // namespace hotcache::protocol::errors
