#pragma once
// The options the SCAN family shares: [MATCH pattern] [COUNT count], and for
// SCAN itself [TYPE type], parsed with Redis's rules (scanGenericCommand):
// COUNT must be an integer ("ERR value is not an integer or out of range")
// and at least 1 ("ERR syntax error"), a repeated option's last value wins,
// anything else is "ERR syntax error".

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/commands/command.h"

namespace hotcache::server {

struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;  // meaningful when use_pattern
  bool use_pattern = false;  // false for no MATCH and for MATCH "*"
  std::string_view type;     // meaningful when use_type (SCAN only)
  bool use_type = false;
};

// Parses a SCAN/HSCAN cursor as Redis's parseScanCursorOrReply does: strtoul
// base 10 (so "+5", "-1" and "" are accepted), but no leading space, no
// trailing garbage, no overflow. False for an invalid cursor.
bool ParseScanCursor(std::string_view s, uint64_t* out);

// Parses ctx.args[first..] into *out. On an error, replies with it and
// returns false. `allow_type`: whether TYPE is an option (SCAN) or a syntax
// error (HSCAN).
bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanOptions* out);

}  // namespace hotcache::server
