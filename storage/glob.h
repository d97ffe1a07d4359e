#pragma once
// Redis's glob matching (stringmatchlen): '*', '?', '[abc]', '[^a]', '[a-z]',
// '\x' escapes; binary-safe. Used by KEYS, SCAN MATCH, CONFIG GET, PUBSUB.

#include <string_view>

namespace hotcache::storage {

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace hotcache::storage
