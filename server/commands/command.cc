#include "server/commands/command.h"

namespace hotcache::server {

void CollectKeys(const CommandSpec& spec, std::span<const std::string_view> args,
                 std::vector<std::string_view>* out) {
  if (spec.first_key <= 0) return;
  const int argc = static_cast<int>(args.size());
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  if (last >= argc) last = argc - 1;
  const int step = spec.key_step > 0 ? spec.key_step : 1;
  for (int i = spec.first_key; i <= last; i += step) out->push_back(args[i]);
}

}  // namespace hotcache::server
