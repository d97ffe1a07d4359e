#include "server/commands/args.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace hotcache::server {
namespace {

TEST(ParseInt64Test, AcceptsCanonicalIntegers) {
  int64_t v = -1;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseInt64("-17", &v));
  EXPECT_EQ(v, -17);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64Test, RejectsWhatString2llRejects) {
  int64_t v = 7;
  for (const char* s : {"", "-", "-0", "+1", " 1", "1 ", "01", "00", "1a", "a", "1.0", "0x10",
                        "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                        "99999999999999999999", "000000000000000000001"}) {
    EXPECT_FALSE(ParseInt64(s, &v)) << s;
  }
  EXPECT_FALSE(ParseInt64(std::string_view("1\0", 2), &v));
  EXPECT_EQ(v, 7);  // untouched on failure
}

TEST(ParseLongDoubleTest, AcceptsAndRejects) {
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble("1.5", &v));
  EXPECT_EQ(v, 1.5L);
  EXPECT_TRUE(ParseLongDouble("-3e2", &v));
  EXPECT_EQ(v, -300.0L);
  EXPECT_TRUE(ParseLongDouble("0x10", &v));
  EXPECT_EQ(v, 16.0L);
  EXPECT_TRUE(ParseLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_TRUE(ParseLongDouble("10", &v));
  EXPECT_EQ(v, 10.0L);
  for (const char* s : {"", " 1", "1 ", "abc", "nan", "1e5000", "1.5x", "-nan"}) {
    EXPECT_FALSE(ParseLongDouble(s, &v)) << s;
  }
  EXPECT_FALSE(ParseLongDouble(std::string_view("1\0", 2), &v));
  EXPECT_FALSE(ParseLongDouble(std::string(6000, '1'), &v));
  // Long but under Redis's 5 KiB limit: parsed (heap copy path).
  EXPECT_TRUE(ParseLongDouble("0." + std::string(300, '5'), &v));
}

TEST(ParseDoubleTest, AcceptsAndRejects) {
  double v = 0;
  EXPECT_TRUE(ParseDouble("2.5", &v));
  EXPECT_EQ(v, 2.5);
  EXPECT_TRUE(ParseDouble("-inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  EXPECT_TRUE(ParseDouble("1e-5", &v));
  for (const char* s : {"", " 1", "1 ", "nan", "1e400", "x"}) {
    EXPECT_FALSE(ParseDouble(s, &v)) << s;
  }
}

TEST(EqualsIgnoreCaseTest, Works) {
  EXPECT_TRUE(EqualsIgnoreCase("EX", "ex"));
  EXPECT_TRUE(EqualsIgnoreCase("KeepTTL", "keepttl"));
  EXPECT_FALSE(EqualsIgnoreCase("ex", "exat"));
  EXPECT_FALSE(EqualsIgnoreCase("ex", "ey"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));  // only letters fold
}

TEST(Int64ToStringTest, Works) {
  EXPECT_EQ(Int64ToString(0), "0");
  EXPECT_EQ(Int64ToString(-12), "-12");
  EXPECT_EQ(Int64ToString(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(LongDoubleToStringTest, HumanFriendlyLikeRedis) {
  EXPECT_EQ(LongDoubleToString(0.0L), "0");
  EXPECT_EQ(LongDoubleToString(-0.0L), "0");
  EXPECT_EQ(LongDoubleToString(10.5L), "10.5");
  EXPECT_EQ(LongDoubleToString(3.0L), "3");
  EXPECT_EQ(LongDoubleToString(0.1L + 0.2L), "0.3");
  EXPECT_EQ(LongDoubleToString(1e20L), "100000000000000000000");
  EXPECT_EQ(LongDoubleToString(1e-20L), "0");
  EXPECT_EQ(LongDoubleToString(-1.25L), "-1.25");
  EXPECT_EQ(LongDoubleToString(5.0e3L), "5000");
  EXPECT_EQ(LongDoubleToString(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(LongDoubleToString(-std::numeric_limits<long double>::infinity()), "-inf");
  // The largest long double still fits Redis's 5 KiB buffer.
  EXPECT_GT(LongDoubleToString(std::numeric_limits<long double>::max()).size(), 4900u);
}

}  // namespace
}  // namespace hotcache::server
