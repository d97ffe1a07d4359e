#pragma once
// The command table: one declarative CommandSpec per command, registered
// explicitly by each family file (RegisterStringCommands, ...). The
// dispatcher and COMMAND / COMMAND INFO / COMMAND DOCS read it.
//
// Built once at start-up, then read-only: safe to read from every thread.

#include <string>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/commands/command.h"

namespace hotcache::server {

class CommandTable {
 public:
  CommandTable() = default;
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  // Adds a command (and its subcommands). Assigns ids. Names must be lower case
  // and unique; a duplicate aborts (a programming error).
  void Register(CommandSpec spec);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of `sub` among container's subcommands.
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub);

  // Every top-level command, in registration order.
  const std::vector<const CommandSpec*>& commands() const { return ordered_; }
  // Number of ids handed out (commands and subcommands): size of per-thread stats arrays.
  size_t id_count() const { return id_count_; }
  // Every spec (commands and subcommands) by id.
  const CommandSpec* by_id(size_t id) const { return by_id_[id]; }

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<CommandSpec>> by_name_;
  std::vector<const CommandSpec*> ordered_;
  std::vector<const CommandSpec*> by_id_;
  size_t id_count_ = 0;
};

// One per family file.
void RegisterStringCommands(CommandTable& table);      // strings.cc
void RegisterKeyCommands(CommandTable& table);         // keys.cc
void RegisterConnectionCommands(CommandTable& table);  // connection.cc: PING ECHO QUIT HELLO SELECT CLIENT AUTH
void RegisterServerCommands(CommandTable& table);      // server_cmds.cc: INFO CONFIG TIME DBSIZE FLUSH* SWAPDB SHUTDOWN
void RegisterIntrospectionCommands(CommandTable& table);  // introspection.cc: COMMAND and its subcommands
void RegisterHashCommands(CommandTable& table);        // hashes.cc
void RegisterMemoryCommands(CommandTable& table);      // memory.cc: MEMORY OBJECT
void RegisterPubSubCommands(CommandTable& table);      // pubsub.cc: (P)(UN)SUBSCRIBE PUBLISH PUBSUB
void RegisterTransactionCommands(CommandTable& table);  // transactions.cc: MULTI EXEC DISCARD WATCH UNWATCH
// All of the above.
void RegisterAllCommands(CommandTable& table);

}  // namespace hotcache::server
