#include "server/commands/scan_options.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "protocol/errors.h"
#include "server/commands/args.h"

namespace hotcache::server {

namespace errors = protocol::errors;

bool ParseScanCursor(std::string_view s, uint64_t* out) {
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  const std::string copy(s);  // strtoul needs a terminator
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(copy.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanOptions* out) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    const size_t left = ctx.argc() - i;
    const std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "count") && left >= 2) {
      if (!ParseInt64(ctx.arg(i + 1), &out->count)) {
        ctx.reply.Error(errors::kNotInteger);
        return false;
      }
      if (out->count < 1) {
        ctx.reply.Error(errors::kSyntax);
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "match") && left >= 2) {
      out->pattern = ctx.arg(i + 1);
      out->use_pattern = out->pattern != "*";
    } else if (allow_type && EqualsIgnoreCase(opt, "type") && left >= 2) {
      out->type = ctx.arg(i + 1);
      out->use_type = true;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace hotcache::server
