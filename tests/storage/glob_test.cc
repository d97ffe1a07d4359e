#include "storage/glob.h"

#include <chrono>
#include <string>

#include "gtest/gtest.h"

namespace hotcache::storage {
namespace {

using namespace std::string_literals;

struct Case {
  std::string pattern;
  std::string str;
  bool match;
};

// Expected results were checked against redis-server 7 (KEYS <pattern>).
const Case kCases[] = {
    // The examples of Redis's KEYS documentation.
    {"h?llo", "hello", true},
    {"h?llo", "hallo", true},
    {"h?llo", "hxllo", true},
    {"h?llo", "hllo", false},
    {"h?llo", "heello", false},
    {"h*llo", "hllo", true},
    {"h*llo", "heeeello", true},
    {"h*llo", "hello", true},
    {"h*llo", "helo", false},
    {"h[ae]llo", "hello", true},
    {"h[ae]llo", "hallo", true},
    {"h[ae]llo", "hillo", false},
    {"h[^e]llo", "hallo", true},
    {"h[^e]llo", "hbllo", true},
    {"h[^e]llo", "hello", false},
    {"h[a-b]llo", "hallo", true},
    {"h[a-b]llo", "hbllo", true},
    {"h[a-b]llo", "hcllo", false},
    // tests/unit/keyspace.tcl
    {"foo*", "foo_a", true},
    {"foo*", "key_x", false},
    {"*", "dlskeriewrioeuwqoirueioqwrueoqwrueqw", true},
    {"{a}*", "{a}x", true},
    {"{a}*", "{b}a", false},
    {"*{b}*", "{b}c", true},
    {"*{b}*", "{a}x", false},
    {"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(40, 'a'), false},
    // Star handling.
    // Redis's matcher never matches an empty string with a non-empty pattern
    // (KEYS * and SCAN without MATCH special-case "*" before matching).
    {"*", "", false},
    {"**", "", false},
    {"", "", true},
    {"", "a", false},
    {"a", "", false},
    {"?", "", false},
    {"a*", "a", true},
    {"a**", "a", true},
    {"*a", "a", true},
    {"*a", "ba", true},
    {"*a", "ab", false},
    {"a*b*c", "aXbYc", true},
    {"a*b*c", "abcabc", true},
    {"a*b*c", "acb", false},
    {"*?", "", false},
    {"*?", "x", true},
    {"?*", "x", true},
    // Escapes.
    {"\\*", "*", true},
    {"\\*", "a", false},
    {"\\?", "?", true},
    {"\\?", "a", false},
    {"h\\[a]llo", "h[a]llo", true},
    {"a\\", "a\\", true},  // trailing backslash matches itself
    {"\\", "\\", true},
    {"\\a", "a", true},
    {"[\\]]", "]", true},
    {"[\\-]", "-", true},
    {"[\\^]", "^", true},
    {"[a\\-z]", "b", false},
    {"[a\\-z]", "-", true},
    // Ranges and classes.
    {"[b-a]", "a", true},  // reversed bounds are swapped
    {"[z-a]", "m", true},
    {"[a-]", "-", false},  // "a-]" is a range a..] (swapped), the class is unterminated
    {"[a-]", "a", true},
    {"[a-]", "b", false},
    {"[-a]", "-", true},
    {"[]", "]", false},
    {"[]]", "]", false},
    {"[^]", "a", true},
    {"[^a]", "a", false},
    {"[^a-c]", "d", true},
    {"[^a-c]", "b", false},
    {"[abc", "a", true},  // unterminated: the class ends with the pattern
    {"[abc", "d", false},
    {"[", "[", false},
    {"a[", "a", false},
    {"[a]b", "ab", true},
    {"[a]b", "a", false},
    // Binary safety.
    {"a\0b"s, "a\0b"s, true},
    {"a?b"s, "a\0b"s, true},
    {"a\0b"s, "a\0c"s, false},
    {"[\xff]", "\xff", true},
    {"[\x80-\xff]", "\x90", true},
    {"*\xe2\x82\xac", "cost \xe2\x82\xac", true},
};

TEST(GlobTest, TableOfCases) {
  for (const Case& c : kCases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str), c.match)
        << "pattern \"" << c.pattern << "\" string \"" << c.str << "\"";
  }
}

TEST(GlobTest, NoCase) {
  EXPECT_TRUE(GlobMatch("HELLO", "hello", true));
  EXPECT_FALSE(GlobMatch("HELLO", "hello", false));
  EXPECT_TRUE(GlobMatch("h?LLo", "HeLlo", true));
  EXPECT_TRUE(GlobMatch("[A-C]", "b", true));
  EXPECT_FALSE(GlobMatch("[A-C]", "b", false));
  EXPECT_TRUE(GlobMatch("[abc]", "B", true));
  EXPECT_TRUE(GlobMatch("[^abc]", "D", true));
  EXPECT_FALSE(GlobMatch("[^abc]", "B", true));
  EXPECT_TRUE(GlobMatch("maxmemory*", "MAXMEMORY-POLICY", true));
  // Like Redis, an escaped character inside [] is compared case-sensitively.
  EXPECT_FALSE(GlobMatch("[\\A]", "a", true));
  EXPECT_TRUE(GlobMatch("\\A", "a", true));
}

// Pathological patterns must not take exponential time (Redis's
// skipLongerMatches) nor overflow the stack (Redis's nesting limit).
TEST(GlobTest, PathologicalPatternsAreFast) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                         std::string(5000, 'a')));
  std::string stars;
  for (int i = 0; i < 50000; ++i) stars += "*?";
  EXPECT_FALSE(GlobMatch(stars, std::string(50000, 'a'))) << "nesting limit gives up";
  std::string moderate;
  for (int i = 0; i < 500; ++i) moderate += "*?";
  EXPECT_TRUE(GlobMatch(moderate, std::string(600, 'a'))) << "below the nesting limit";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace hotcache::storage
