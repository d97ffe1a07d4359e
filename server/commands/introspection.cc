// COMMAND and its subcommands (COUNT LIST INFO DOCS GETKEYS HELP), in Redis
// 7's reply format (src/server.c: addReplyCommandInfo, addReplyCommandDocs).
//
// Everything is built from the CommandTable (ctx.server.commands): nothing
// here knows any particular command. What the table cannot express is
// reported as Redis reports a command without it: no tips, no argument docs,
// and key specs derived from the legacy (first, last, step) range.

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command_table.h"
#include "server/commands/server_context.h"
#include "storage/glob.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;

// Command flags as COMMAND INFO names them, in Redis's order (addReplyCommandFlags).
constexpr std::array<std::pair<uint32_t, std::string_view>, 12> kFlagNames = {{
    {kWrite, "write"},
    {kReadOnly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubSub, "pubsub"},
    {kNoScript, "noscript"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
}};

// ACL categories in Redis's order (acl.c ACLCommandCategories): COMMAND INFO
// lists a command's categories in this order whatever order the table uses.
constexpr std::array<std::string_view, 21> kAclCategoryOrder = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};

// The categories of `spec` without '@', in Redis's order (unknown names last,
// in table order).
std::vector<std::string_view> AclCategories(const CommandSpec& spec) {
  std::vector<std::string_view> cats;
  std::string_view rest = spec.acl_categories;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (!word.empty() && word.front() == '@') word.remove_prefix(1);
    if (!word.empty()) cats.push_back(word);
  }
  auto rank = [](std::string_view cat) {
    auto it = std::find(kAclCategoryOrder.begin(), kAclCategoryOrder.end(), cat);
    return it - kAclCategoryOrder.begin();
  };
  std::stable_sort(cats.begin(), cats.end(),
                   [&](std::string_view a, std::string_view b) { return rank(a) < rank(b); });
  return cats;
}

bool HasAclCategory(const CommandSpec& spec, std::string_view category) {
  for (std::string_view cat : AclCategories(spec)) {
    if (EqualsIgnoreCase(cat, category)) return true;
  }
  return false;
}

// A command or subcommand by its full name ("get", "client|list"),
// case-insensitively; nullptr if unknown.
const CommandSpec* FindByFullName(const CommandTable& table, std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr) return nullptr;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return CommandTable::FindSubcommand(*container, sub);
}

// Key spec flags, derived from the command's flags (the table has no per-key
// access flags): read-only commands read, write commands read and update.
std::vector<std::string_view> KeySpecFlags(const CommandSpec& spec) {
  if (spec.flags & kReadOnly) return {"RO", "access"};
  if (spec.flags & kWrite) return {"RW", "access", "update"};
  return {"RO"};
}

void WriteKeySpecs(protocol::ReplyWriter& reply, const CommandSpec& spec) {
  if (spec.first_key <= 0) {
    reply.SetHeader(0);
    return;
  }
  reply.SetHeader(1);
  reply.MapHeader(3);
  reply.Bulk("flags");
  const std::vector<std::string_view> flags = KeySpecFlags(spec);
  reply.SetHeader(flags.size());
  for (std::string_view flag : flags) reply.SimpleString(flag);
  reply.Bulk("begin_search");
  reply.MapHeader(2);
  reply.Bulk("type");
  reply.Bulk("index");
  reply.Bulk("spec");
  reply.MapHeader(1);
  reply.Bulk("index");
  reply.Integer(spec.first_key);
  reply.Bulk("find_keys");
  reply.MapHeader(2);
  reply.Bulk("type");
  reply.Bulk("range");
  reply.Bulk("spec");
  reply.MapHeader(3);
  reply.Bulk("lastkey");
  // Relative to the first key when non-negative; from the end when negative.
  reply.Integer(spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key);
  reply.Bulk("keystep");
  reply.Integer(spec.key_step > 0 ? spec.key_step : 1);
  reply.Bulk("limit");
  reply.Integer(0);
}

// One COMMAND INFO entry: name, arity, flags, first, last, step, ACL
// categories, tips, key specs, subcommands.
void WriteCommandInfo(protocol::ReplyWriter& reply, const CommandSpec& spec) {
  reply.ArrayHeader(10);
  reply.Bulk(spec.name);
  reply.Integer(spec.arity);
  size_t nflags = 0;
  for (const auto& [bit, name] : kFlagNames) nflags += (spec.flags & bit) ? 1 : 0;
  reply.SetHeader(nflags);
  for (const auto& [bit, name] : kFlagNames) {
    if (spec.flags & bit) reply.SimpleString(name);
  }
  reply.Integer(spec.first_key);
  reply.Integer(spec.last_key);
  reply.Integer(spec.key_step);
  const std::vector<std::string_view> cats = AclCategories(spec);
  reply.SetHeader(cats.size());
  for (std::string_view cat : cats) {
    std::string text = "@";
    text.append(cat);
    reply.SimpleString(text);
  }
  reply.SetHeader(0);  // tips
  WriteKeySpecs(reply, spec);
  if (spec.subcommands.empty()) {
    reply.SetHeader(0);
  } else {
    reply.ArrayHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) WriteCommandInfo(reply, sub);
  }
}

// One COMMAND DOCS entry: a map of summary, since, group, complexity and
// subcommands (name -> docs); absent fields are left out, as Redis does.
void WriteCommandDocs(protocol::ReplyWriter& reply, const CommandSpec& spec) {
  const size_t fields = 1 + !spec.summary.empty() + !spec.since.empty() + !spec.complexity.empty() +
                        !spec.subcommands.empty();
  reply.MapHeader(fields);
  if (!spec.summary.empty()) {
    reply.Bulk("summary");
    reply.Bulk(spec.summary);
  }
  if (!spec.since.empty()) {
    reply.Bulk("since");
    reply.Bulk(spec.since);
  }
  reply.Bulk("group");
  reply.Bulk(spec.group);
  if (!spec.complexity.empty()) {
    reply.Bulk("complexity");
    reply.Bulk(spec.complexity);
  }
  if (!spec.subcommands.empty()) {
    reply.Bulk("subcommands");
    reply.MapHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      reply.Bulk(sub.name);
      WriteCommandDocs(reply, sub);
    }
  }
}

// COMMAND (no subcommand): every command's info.
void CommandCommand(CommandContext& ctx) {
  const auto& commands = ctx.server.commands->commands();
  ctx.reply.ArrayHeader(commands.size());
  for (const CommandSpec* spec : commands) WriteCommandInfo(ctx.reply, *spec);
}

void CommandCountCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands->commands().size()));
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
// names of commands and subcommands.
void CommandListCommand(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argc() == 5 && EqualsIgnoreCase(ctx.arg(2), "filterby")) {
    value = ctx.arg(4);
    if (EqualsIgnoreCase(ctx.arg(3), "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(ctx.arg(3), "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(ctx.arg(3), "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }

  auto matches = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // hotcache has no modules
      case Filter::kAclCat:
        return HasAclCategory(spec, value);
      case Filter::kPattern:
        return storage::GlobMatch(value, spec.name, /*nocase=*/true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandSpec* spec : ctx.server.commands->commands()) {
    if (matches(*spec)) names.push_back(spec->name);
    for (const CommandSpec& sub : spec->subcommands) {
      if (matches(sub)) names.push_back(sub.name);
    }
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view name : names) ctx.reply.Bulk(name);
}

// COMMAND INFO [name ...]: one entry per name (null for unknown ones), or
// every command when no name is given.
void CommandInfoCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    CommandCommand(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandSpec* spec = FindByFullName(*ctx.server.commands, ctx.arg(i));
    if (spec == nullptr) {
      ctx.reply.Null();
    } else {
      WriteCommandInfo(ctx.reply, *spec);
    }
  }
}

// COMMAND DOCS [name ...]: a map name -> docs of the known names, or of every
// command when no name is given.
void CommandDocsCommand(CommandContext& ctx) {
  std::vector<const CommandSpec*> found;
  if (ctx.argc() == 2) {
    found = ctx.server.commands->commands();
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      const CommandSpec* spec = FindByFullName(*ctx.server.commands, ctx.arg(i));
      if (spec != nullptr) found.push_back(spec);
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const CommandSpec* spec : found) {
    ctx.reply.Bulk(spec->name);
    WriteCommandDocs(ctx.reply, *spec);
  }
}

// COMMAND GETKEYS <command> [arg ...]: the keys of a full command line.
void CommandGetKeysCommand(CommandContext& ctx) {
  std::span<const std::string_view> argv = ctx.args.subspan(2);
  const CommandSpec* spec = ctx.server.commands->Find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) {
    spec = CommandTable::FindSubcommand(*spec, argv[1]);
  }
  if (spec == nullptr) {
    ctx.reply.Error(errors::kGetKeysInvalidCommand);
    return;
  }
  if (spec->first_key <= 0) {
    ctx.reply.Error(errors::kGetKeysNoKeys);
    return;
  }
  const int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    ctx.reply.Error(errors::kGetKeysWrongArity);
    return;
  }
  std::vector<std::string_view> keys;
  CollectKeys(*spec, argv, &keys);
  if (keys.empty()) {
    ctx.reply.Error(errors::kGetKeysInvalidArguments);
    return;
  }
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view key : keys) ctx.reply.Bulk(key);
}

// Redis 7.0's text, verbatim (the differential test compares it).
constexpr std::string_view kCommandHelp[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
};

void CommandHelpCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kCommandHelp));
  for (std::string_view line : kCommandHelp) ctx.reply.SimpleString(line);
}

// Metadata from Redis 7's src/commands/command*.json.
CommandSpec Introspection(std::string_view name, int arity, Handler handler,
                          std::string_view summary, std::string_view since,
                          std::string_view complexity) {
  return MakeSpec(name, arity, kLoading | kStale | kNoKeys, kNoKeyRange, handler, "server",
                  summary, since, complexity, "@slow @connection");
}

}  // namespace

void RegisterIntrospectionCommands(CommandTable& table) {
  constexpr std::string_view kPerCommand = "O(N) where N is the total number of Redis commands";
  constexpr std::string_view kPerLookup = "O(N) where N is the number of commands to look up";
  CommandSpec command = Introspection("command", -1, CommandCommand,
                                      "Get array of Redis command details", "2.8.13", kPerCommand);
  command.subcommands = {
      Introspection("command|count", 2, CommandCountCommand, "Get total number of Redis commands",
                    "2.8.13", "O(1)"),
      Introspection("command|list", -2, CommandListCommand, "Get an array of Redis command names",
                    "7.0.0", kPerCommand),
      Introspection("command|info", -2, CommandInfoCommand,
                    "Get array of specific Redis command details, or all when no argument is "
                    "given.",
                    "2.8.13", kPerLookup),
      Introspection("command|docs", -2, CommandDocsCommand,
                    "Get array of specific Redis command documentation", "7.0.0", kPerLookup),
      Introspection("command|getkeys", -4, CommandGetKeysCommand,
                    "Extract keys given a full Redis command", "2.8.13",
                    "O(N) where N is the number of arguments to the command"),
      Introspection("command|help", 2, CommandHelpCommand,
                    "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
  };
  table.Register(std::move(command));
}

}  // namespace hotcache::server
