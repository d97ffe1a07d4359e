#include "server/commands/command.h"

namespace hotcache::server {

CommandSpec MakeSpec(std::string_view name, int arity, uint32_t flags, KeyRange keys,
                     Handler handler, std::string_view group, std::string_view summary,
                     std::string_view since, std::string_view complexity,
                     std::string_view acl_categories) {
  CommandSpec spec;
  spec.name = name;
  spec.arity = arity;
  spec.flags = flags;
  spec.first_key = keys.first;
  spec.last_key = keys.last;
  spec.key_step = keys.step;
  spec.handler = handler;
  spec.group = group;
  spec.summary = summary;
  spec.since = since;
  spec.complexity = complexity;
  spec.acl_categories = acl_categories;
  return spec;
}

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
