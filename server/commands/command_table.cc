#include "server/commands/command_table.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"

namespace hotcache::server {
namespace {

// Lower-cases `name` into `buf`; false if it does not fit (then no command matches).
bool LowerInto(std::string_view name, char* buf, size_t cap, std::string_view* out) {
  if (name.size() > cap) return false;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = absl::ascii_tolower(name[i]);
  *out = std::string_view(buf, name.size());
  return true;
}

}  // namespace

void CommandTable::Register(CommandSpec spec) {
  std::string key(spec.name);
  if (by_name_.contains(key)) {
    std::fprintf(stderr, "duplicate command registration: %s\n", key.c_str());
    std::abort();
  }
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  owned->id = id_count_++;
  by_id_.push_back(owned.get());
  for (CommandSpec& sub : owned->subcommands) {
    sub.id = id_count_++;
    by_id_.push_back(&sub);
  }
  ordered_.push_back(owned.get());
  by_name_.emplace(std::move(key), std::move(owned));
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[64];
  std::string_view lower;
  if (!LowerInto(name, buf, sizeof(buf), &lower)) return nullptr;
  auto it = by_name_.find(absl::string_view(lower.data(), lower.size()));
  return it == by_name_.end() ? nullptr : it->second.get();
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view sub) {
  // Subcommand names are "container|sub".
  const size_t prefix = container.name.size() + 1;
  for (const CommandSpec& spec : container.subcommands) {
    std::string_view sub_name = spec.name.substr(prefix);
    if (sub_name.size() != sub.size()) continue;
    bool equal = true;
    for (size_t i = 0; i < sub.size() && equal; ++i) {
      equal = absl::ascii_tolower(sub[i]) == sub_name[i];
    }
    if (equal) return &spec;
  }
  return nullptr;
}

void RegisterAllCommands(CommandTable& table) {
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterIntrospectionCommands(table);
  RegisterStringCommands(table);
  RegisterKeyCommands(table);
  RegisterHashCommands(table);
  RegisterTransactionCommands(table);
  RegisterMemoryCommands(table);
  RegisterPubSubCommands(table);
}

}  // namespace hotcache::server
