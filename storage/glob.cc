#include "storage/glob.h"

#include <cstddef>

namespace hotcache::storage {

namespace {

// A port of Redis 7's stringmatchlen_impl (src/util.c), kept structurally
// identical so that every edge case (unterminated '[', trailing '\', reversed
// ranges, ...) behaves the same. Redis reads one byte past the pattern (its
// strings are NUL-terminated); At() reproduces that by returning '\0' there.
// Characters are compared as `char` (signed on x86), as Redis does, and
// tolower is the "C" locale's (ASCII only).

constexpr int kMaxNesting = 1000;  // Redis: protection against abusive patterns

inline int ToLower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

inline char At(const char* p, long len, long i) { return i < len ? p[i] : '\0'; }

bool MatchImpl(const char* pattern, long pattern_len, const char* string, long string_len,
               bool nocase, bool* skip_longer_matches, int nesting) {
  if (nesting > kMaxNesting) return false;

  while (pattern_len > 0 && string_len > 0) {
    switch (pattern[0]) {
      case '*':
        while (pattern_len > 0 && At(pattern, pattern_len, 1) == '*') {
          ++pattern;
          --pattern_len;
        }
        if (pattern_len == 1) return true;
        while (string_len > 0) {
          if (MatchImpl(pattern + 1, pattern_len - 1, string, string_len, nocase,
                        skip_longer_matches, nesting + 1)) {
            return true;
          }
          if (*skip_longer_matches) return false;
          ++string;
          --string_len;
        }
        // Nothing after this '*' matches anywhere in the rest of the string,
        // so longer matches for earlier '*'s cannot help either.
        *skip_longer_matches = true;
        return false;
      case '?':
        ++string;
        --string_len;
        break;
      case '[': {
        ++pattern;
        --pattern_len;
        const bool negate = At(pattern, pattern_len, 0) == '^';
        if (negate) {
          ++pattern;
          --pattern_len;
        }
        bool match = false;
        while (true) {
          const char pc = At(pattern, pattern_len, 0);
          if (pc == '\\' && pattern_len >= 2) {
            ++pattern;
            --pattern_len;
            if (pattern[0] == string[0]) match = true;
          } else if (pc == ']') {
            break;
          } else if (pattern_len == 0) {
            --pattern;
            ++pattern_len;
            break;
          } else if (pattern_len >= 3 && pattern[1] == '-') {
            int start = static_cast<signed char>(pattern[0]);
            int end = static_cast<signed char>(pattern[2]);
            int c = static_cast<signed char>(string[0]);
            if (start > end) {
              const int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = ToLower(start);
              end = ToLower(end);
              c = ToLower(c);
            }
            pattern += 2;
            pattern_len -= 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (pattern[0] == string[0]) match = true;
          } else {
            if (ToLower(static_cast<signed char>(pattern[0])) ==
                ToLower(static_cast<signed char>(string[0]))) {
              match = true;
            }
          }
          ++pattern;
          --pattern_len;
        }
        if (negate) match = !match;
        if (!match) return false;
        ++string;
        --string_len;
        break;
      }
      case '\\':
        if (pattern_len >= 2) {
          ++pattern;
          --pattern_len;
        }
        [[fallthrough]];
      default:
        if (!nocase) {
          if (pattern[0] != string[0]) return false;
        } else {
          if (ToLower(static_cast<signed char>(pattern[0])) !=
              ToLower(static_cast<signed char>(string[0]))) {
            return false;
          }
        }
        ++string;
        --string_len;
        break;
    }
    ++pattern;
    --pattern_len;
    if (string_len == 0) {
      while (At(pattern, pattern_len, 0) == '*') {
        ++pattern;
        --pattern_len;
      }
      break;
    }
  }
  return pattern_len == 0 && string_len == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer_matches = false;
  return MatchImpl(pattern.data(), static_cast<long>(pattern.size()), str.data(),
                   static_cast<long>(str.size()), nocase, &skip_longer_matches, 0);
}

}  // namespace hotcache::storage
