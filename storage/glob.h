#pragma once
// Redis's glob matching (stringmatchlen): '*', '?', '[abc]', '[^a]', '[a-z]',
// '\x' escapes; binary-safe. Used by KEYS, SCAN MATCH, CONFIG GET, PUBSUB.

#include <string_view>

namespace hotcache::storage {

// Behaves exactly like Redis 7's stringmatchlen, quirks included: for example
// GlobMatch("*", "") is false, which is why Redis's KEYS and SCAN treat a
// pattern of exactly "*" as "everything" without calling the matcher.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace hotcache::storage
