// Placeholder until this family lands.
#include "server/commands/command_table.h"

namespace hotcache::server {

void RegisterHashCommands(CommandTable& table) {}

}  // namespace hotcache::server
