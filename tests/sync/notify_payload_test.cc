#include "sync/notify_payload.h"

#include "gtest/gtest.h"

namespace hotcache::sync {
namespace {

TEST(NotifyPayloadTest, Insert) {
  ChangeNotice n;
  ASSERT_TRUE(ParseNotifyPayload(
      R"({"t" : "public.s", "op" : "I", "ts" : 1796003627.216745, "o" : null, "n" : ["1", "a\"\u00fc"]})",
      &n));
  EXPECT_EQ(n.table, "public.s");
  EXPECT_EQ(n.op, 'I');
  EXPECT_DOUBLE_EQ(n.ts, 1796003627.216745);
  EXPECT_FALSE(n.has_old);
  ASSERT_TRUE(n.has_new);
  EXPECT_EQ(n.new_key, (std::vector<std::string>{"1", "a\"\xc3\xbc"}));
}

TEST(NotifyPayloadTest, UpdateWithKeyChangeAndRawUtf8) {
  ChangeNotice n;
  ASSERT_TRUE(
      ParseNotifyPayload("{\"t\":\"s.t\",\"op\":\"U\",\"ts\":1,\"o\":[\"1\",\"\xe6\x97\xa5\"],"
                         "\"n\":[\"2\",\"\\ud83d\\ude00\"]}",
                         &n));
  EXPECT_EQ(n.old_key, (std::vector<std::string>{"1", "\xe6\x97\xa5"}));
  EXPECT_EQ(n.new_key, (std::vector<std::string>{"2", "\xf0\x9f\x98\x80"}));
}

TEST(NotifyPayloadTest, TruncateAndResync) {
  ChangeNotice n;
  ASSERT_TRUE(ParseNotifyPayload(R"({"t" : "public.s", "op" : "T", "ts" : 17.5})", &n));
  EXPECT_EQ(n.op, 'T');
  ASSERT_TRUE(ParseNotifyPayload(
      R"({"t" : "public.s", "op" : "R", "ts" : 17.5, "x": [1, {"a": true}]})", &n));
  EXPECT_EQ(n.op, 'R');
}

TEST(NotifyPayloadTest, Malformed) {
  ChangeNotice n;
  EXPECT_FALSE(ParseNotifyPayload("", &n));
  EXPECT_FALSE(ParseNotifyPayload("hello", &n));
  EXPECT_FALSE(ParseNotifyPayload(R"({"op" : "I", "n" : ["1"]})", &n));  // no table
  EXPECT_FALSE(ParseNotifyPayload(R"({"t" : "a", "op" : "I"})", &n));    // no key
  EXPECT_FALSE(ParseNotifyPayload(R"({"t" : "a", "op" : "X", "n": ["1"]})", &n));
  EXPECT_FALSE(ParseNotifyPayload(R"({"t" : "a", "op" : "I", "n" : ["1"]} x)", &n));
  EXPECT_FALSE(ParseNotifyPayload(R"({"t" : "a", "op" : "I", "n" : ["1)", &n));
  EXPECT_FALSE(ParseNotifyPayload(R"({"t" : "a", "op" : "I", "n" : ["\ud83d"]})", &n));
}

}  // namespace
}  // namespace hotcache::sync
