// Connection commands: PING ECHO QUIT AUTH HELLO SELECT and CLIENT with its
// subcommands, replying exactly as Redis 7 does (src/networking.c,
// src/server.c, src/acl.c).
//
// Threading: every handler runs on the calling client's I/O thread and may
// change that client's ClientState freely. Other clients are only read (or
// asked to close) through the thread-safe ClientRegistry / ClientInfo.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command_table.h"
#include "server/commands/server_context.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;

// What HELLO reports, so clients see a Redis 7 (the local redis-server's version).
constexpr std::string_view kRedisVersion = "7.0.15";
constexpr std::string_view kDefaultUser = "default";

// ---------------------------------------------------------------------------
// Helpers

// Constant-time comparison for passwords.
bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Redis's ACL check for the only user hotcache has: "default", which is
// "nopass" (any password) when requirepass is empty.
bool CheckUserPassword(const CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user != kDefaultUser) return false;
  const std::string required = ctx.server.config->requirepass();
  return required.empty() || SecretEquals(pass, required);
}

// Client names and CLIENT SETINFO values: printable ASCII without spaces
// ('!'..'~'), as Redis's validateClientName / validateClientAttr.
bool ValidClientAttr(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= '!' && c <= '~'; });
}

// Sets (or with "" clears) the client name. Precondition: ValidClientAttr(name).
void SetClientName(ClientState& client, std::string_view name) {
  std::lock_guard<std::mutex> lock(client.info->mu);
  client.info->name.assign(name);
}

enum class ClientType { kNormal, kReplica, kMaster, kPubSub, kUnknown };

// Redis's getClientTypeByName.
ClientType ClientTypeByName(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) {
    return ClientType::kReplica;
  }
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return ClientType::kUnknown;
}

ClientType TypeOf(const ClientInfo& info) {
  const bool subscribed = info.subscriptions.load(std::memory_order_relaxed) > 0 ||
                          info.psubscriptions.load(std::memory_order_relaxed) > 0;
  return subscribed ? ClientType::kPubSub : ClientType::kNormal;
}

// One CLIENT LIST / CLIENT INFO line (without the trailing '\n'), in Redis 7's
// field order (plus 7.2's lib-name / lib-ver at the end). `self` is the
// calling client when `info` is its own (it knows more about itself: the
// flags, the size of the arguments being executed).
std::string ClientInfoLine(const ClientInfo& info, int64_t now_ms, const ClientState* self,
                           std::span<const std::string_view> self_args) {
  std::string name, lib_name, lib_ver;
  {
    std::lock_guard<std::mutex> lock(info.mu);
    name = info.name;
    lib_name = info.lib_name;
    lib_ver = info.lib_ver;
  }
  const int subs = info.subscriptions.load(std::memory_order_relaxed);
  const int psubs = info.psubscriptions.load(std::memory_order_relaxed);
  const bool in_multi =
      self != nullptr ? self->in_multi : info.in_multi.load(std::memory_order_relaxed);

  std::string flags;
  if (subs > 0 || psubs > 0) flags.push_back('P');
  if (in_multi) flags.push_back('x');
  if (self != nullptr && self->close_after_reply) flags.push_back('c');
  if (info.kill_requested.load(std::memory_order_relaxed)) flags.push_back('A');
  if (flags.empty()) flags.push_back('N');

  uint64_t argv_mem = 0;
  for (std::string_view arg : self_args) argv_mem += arg.size();
  const uint64_t qbuf = info.query_buffer_bytes.load(std::memory_order_relaxed);
  const uint64_t omem = info.output_buffer_bytes.load(std::memory_order_relaxed);
  const int64_t last = info.last_interaction_ms.load(std::memory_order_relaxed);
  const int64_t age_s = std::max<int64_t>(0, (now_ms - info.created_ms) / 1000);
  const int64_t idle_s =
      self != nullptr ? 0 : std::max<int64_t>(0, (now_ms - std::max(last, info.created_ms)) / 1000);
  const CommandSpec* cmd = info.last_command.load(std::memory_order_relaxed);

  std::string line;
  auto field = [&line](std::string_view key, std::string_view value) {
    if (!line.empty()) line.push_back(' ');
    line.append(key).push_back('=');
    line.append(value);
  };
  auto number = [&field](std::string_view key, int64_t value) {
    field(key, std::to_string(value));
  };
  number("id", static_cast<int64_t>(info.id));
  field("addr", info.addr);
  field("laddr", info.laddr);
  number("fd", info.fd);
  field("name", name);
  number("age", age_s);
  number("idle", idle_s);
  field("flags", flags);
  number("db", info.db.load(std::memory_order_relaxed));
  number("sub", subs);
  number("psub", psubs);
  number("ssub", 0);
  number("multi", info.multi_queued.load(std::memory_order_relaxed));
  number("qbuf", static_cast<int64_t>(qbuf));
  number("qbuf-free", 0);
  number("argv-mem", static_cast<int64_t>(argv_mem));
  number("multi-mem", 0);
  number("rbs", static_cast<int64_t>(qbuf));
  number("rbp", static_cast<int64_t>(qbuf));
  number("obl", 0);
  number("oll", 0);
  number("omem", static_cast<int64_t>(omem));
  number("tot-mem", static_cast<int64_t>(qbuf + omem + argv_mem));
  field("events", "r");
  field("cmd", cmd != nullptr ? cmd->name : std::string_view("NULL"));
  field("user", kDefaultUser);
  number("redir", -1);
  number("resp", info.resp.load(std::memory_order_relaxed));
  field("lib-name", lib_name);
  field("lib-ver", lib_ver);
  return line;
}

// ---------------------------------------------------------------------------
// PING ECHO QUIT SELECT

void PingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.reply.Error(errors::WrongArity(ctx.spec.name));
    return;
  }
  // RESP2 subscribe mode: ["pong", message-or-""] (Redis's pingCommand).
  if (ctx.client.pubsub_subscriptions > 0 && ctx.client.resp == 2) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.argc() == 1 ? std::string_view() : ctx.arg(1));
    return;
  }
  if (ctx.argc() == 1) {
    ctx.reply.SimpleString("PONG");
  } else {
    ctx.reply.Bulk(ctx.arg(1));
  }
}

void EchoCommand(CommandContext& ctx) { ctx.reply.Bulk(ctx.arg(1)); }

void QuitCommand(CommandContext& ctx) {
  ctx.reply.SimpleString("OK");
  ctx.client.close_after_reply = true;
}

void SelectCommand(CommandContext& ctx) {
  int64_t index = 0;
  if (!ParseInt64(ctx.arg(1), &index)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  if (index < INT32_MIN || index > INT32_MAX) {
    ctx.reply.Error(errors::kIntOutOfRange);
    return;
  }
  const int databases = std::min(ctx.server.config->databases(), ctx.server.store->databases());
  if (index < 0 || index >= databases) {
    ctx.reply.Error(errors::kDbIndexOutOfRange);
    return;
  }
  ctx.client.SetDb(static_cast<int>(index));
  ctx.reply.SimpleString("OK");
}

// ---------------------------------------------------------------------------
// AUTH HELLO

void AuthCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  std::string_view user = kDefaultUser;
  std::string_view pass = ctx.arg(1);
  if (ctx.argc() == 3) {
    user = ctx.arg(1);
    pass = ctx.arg(2);
  } else if (ctx.server.config->requirepass().empty()) {
    ctx.reply.Error(errors::kAuthWithoutPassword);
    return;
  }
  if (!CheckUserPassword(ctx, user, pass)) {
    ctx.reply.Error(errors::kWrongPass);
    return;
  }
  ctx.client.authenticated = true;
  ctx.reply.SimpleString("OK");
}

void HelloCommand(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!ParseInt64(ctx.arg(next++), &version)) {
      ctx.reply.Error(errors::kHelloProtoNotInteger);
      return;
    }
    if (version < 2 || version > 3) {
      ctx.reply.Error(errors::kNoProto);
      return;
    }
  }

  bool has_auth = false, has_name = false;
  std::string_view user, pass, name;
  for (size_t j = next; j < ctx.argc(); ++j) {
    const size_t more = ctx.argc() - 1 - j;
    std::string_view option = ctx.arg(j);
    if (EqualsIgnoreCase(option, "AUTH") && more >= 2) {
      has_auth = true;
      user = ctx.arg(j + 1);
      pass = ctx.arg(j + 2);
      j += 2;
    } else if (EqualsIgnoreCase(option, "SETNAME") && more >= 1) {
      name = ctx.arg(j + 1);
      if (!ValidClientAttr(name)) {
        ctx.reply.Error(errors::kClientNameInvalid);
        return;
      }
      has_name = true;
      j += 1;
    } else {
      ctx.reply.Error(errors::HelloSyntax(option));
      return;
    }
  }

  if (has_auth) {
    if (!CheckUserPassword(ctx, user, pass)) {
      ctx.reply.Error(errors::kWrongPass);
      return;
    }
    ctx.client.authenticated = true;
  }
  if (!ctx.client.authenticated) {
    ctx.reply.Error(errors::kHelloNoAuth);
    return;
  }
  if (has_name) SetClientName(ctx.client, name);
  if (version != 0) {
    // The reply to HELLO itself is already in the new protocol.
    ctx.client.SetResp(static_cast<int>(version));
    ctx.reply.set_resp3(version == 3);
  }

  ctx.reply.MapHeader(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ctx.client.resp);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.info->id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.ArrayHeader(0);
}

// ---------------------------------------------------------------------------
// CLIENT subcommands

void ClientIdCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.info->id));
}

void ClientSetNameCommand(CommandContext& ctx) {
  if (!ValidClientAttr(ctx.arg(2))) {
    ctx.reply.Error(errors::kClientNameInvalid);
    return;
  }
  SetClientName(ctx.client, ctx.arg(2));
  ctx.reply.SimpleString("OK");
}

void ClientGetNameCommand(CommandContext& ctx) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(ctx.client.info->mu);
    name = ctx.client.info->name;
  }
  if (name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(name);
  }
}

void ClientSetInfoCommand(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2);
  std::string_view value = ctx.arg(3);
  std::string ClientInfo::*field = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    field = &ClientInfo::lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    field = &ClientInfo::lib_ver;
  } else {
    ctx.reply.Error(errors::UnrecognizedOption(attr));
    return;
  }
  if (!ValidClientAttr(value)) {
    ctx.reply.Error(errors::ClientAttrInvalid(attr));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(ctx.client.info->mu);
    (*ctx.client.info.*field).assign(value);
  }
  ctx.reply.SimpleString("OK");
}

// The line of `info`, knowing whether it is the caller.
std::string LineFor(const CommandContext& ctx, const ClientInfo& info, int64_t now_ms) {
  if (&info == ctx.client.info.get()) return ClientInfoLine(info, now_ms, &ctx.client, ctx.args);
  return ClientInfoLine(info, now_ms, nullptr, {});
}

void ClientInfoCommand(CommandContext& ctx) {
  std::string text = LineFor(ctx, *ctx.client.info, ctx.server.clock->NowMs());
  text.push_back('\n');
  ctx.reply.Verbatim("txt", text);
}

void ClientListCommand(CommandContext& ctx) {
  const int64_t now_ms = ctx.server.clock->NowMs();
  std::string text;
  if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "type")) {
    const ClientType type = ClientTypeByName(ctx.arg(3));
    if (type == ClientType::kUnknown) {
      ctx.reply.Error(errors::UnknownClientType(ctx.arg(3)));
      return;
    }
    for (const auto& info : ctx.server.clients->Snapshot()) {
      if (TypeOf(*info) != type) continue;
      text.append(LineFor(ctx, *info, now_ms)).push_back('\n');
    }
  } else if (ctx.argc() > 3 && EqualsIgnoreCase(ctx.arg(2), "id")) {
    std::vector<int64_t> ids;
    for (size_t j = 3; j < ctx.argc(); ++j) {
      int64_t id = 0;
      if (!ParseInt64(ctx.arg(j), &id)) {
        ctx.reply.Error(errors::kInvalidClientId);
        return;
      }
      ids.push_back(id);
    }
    const auto clients = ctx.server.clients->Snapshot();
    for (int64_t id : ids) {  // in the order asked, as Redis does
      for (const auto& info : clients) {
        if (static_cast<int64_t>(info->id) != id) continue;
        text.append(LineFor(ctx, *info, now_ms)).push_back('\n');
        break;
      }
    }
  } else if (ctx.argc() != 2) {
    ctx.reply.Error(errors::kSyntax);
    return;
  } else {
    for (const auto& info : ctx.server.clients->Snapshot()) {
      text.append(LineFor(ctx, *info, now_ms)).push_back('\n');
    }
  }
  ctx.reply.Verbatim("txt", text);
}

void ClientKillCommand(CommandContext& ctx) {
  // CLIENT KILL <ip:port>  |  CLIENT KILL <filter> <value> [<filter> <value> ...]
  const bool old_form = ctx.argc() == 3;
  std::string_view addr, laddr;
  bool has_addr = false, has_laddr = false;
  ClientType type = ClientType::kUnknown;  // kUnknown: any type
  int64_t id = 0;                          // 0: any id
  bool skipme = true;

  if (old_form) {
    addr = ctx.arg(2);
    has_addr = true;
    skipme = false;  // with the old form you can kill yourself
  } else {
    for (size_t i = 2; i < ctx.argc(); i += 2) {
      const bool more = ctx.argc() > i + 1;
      std::string_view option = ctx.arg(i);
      if (!more) {
        ctx.reply.Error(errors::kSyntax);
        return;
      }
      std::string_view value = ctx.arg(i + 1);
      if (EqualsIgnoreCase(option, "id")) {
        if (!ParseInt64(value, &id) || id < 1) {
          ctx.reply.Error(errors::kClientIdNotPositive);
          return;
        }
      } else if (EqualsIgnoreCase(option, "type")) {
        type = ClientTypeByName(value);
        if (type == ClientType::kUnknown) {
          ctx.reply.Error(errors::UnknownClientType(value));
          return;
        }
      } else if (EqualsIgnoreCase(option, "addr")) {
        addr = value;
        has_addr = true;
      } else if (EqualsIgnoreCase(option, "laddr")) {
        laddr = value;
        has_laddr = true;
      } else if (EqualsIgnoreCase(option, "user")) {
        if (value != kDefaultUser) {
          ctx.reply.Error(errors::NoSuchUser(value));
          return;
        }
      } else if (EqualsIgnoreCase(option, "skipme")) {
        if (EqualsIgnoreCase(value, "yes")) {
          skipme = true;
        } else if (EqualsIgnoreCase(value, "no")) {
          skipme = false;
        } else {
          ctx.reply.Error(errors::kSyntax);
          return;
        }
      } else {
        ctx.reply.Error(errors::kSyntax);
        return;
      }
    }
  }

  int64_t killed = 0;
  bool close_self = false;
  for (const auto& info : ctx.server.clients->Snapshot()) {
    if (has_addr && info->addr != addr) continue;
    if (has_laddr && info->laddr != laddr) continue;
    if (type != ClientType::kUnknown && TypeOf(*info) != type) continue;
    if (id != 0 && static_cast<int64_t>(info->id) != id) continue;
    const bool is_self = info.get() == ctx.client.info.get();
    if (is_self && skipme) continue;
    if (is_self) {
      close_self = true;  // after the reply, as Redis does
    } else if (!ctx.server.clients->Kill(info->id)) {
      continue;  // disconnected meanwhile
    }
    ++killed;
  }

  if (old_form) {
    if (killed == 0) {
      ctx.reply.Error(errors::kNoSuchClient);
    } else {
      ctx.reply.SimpleString("OK");
    }
  } else {
    ctx.reply.Integer(killed);
  }
  if (close_self) ctx.client.close_after_reply = true;
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP write no reply at all (the
// dispatcher applies reply_off / reply_skip_next after the command).
void ClientReplyCommand(CommandContext& ctx) {
  std::string_view mode = ctx.arg(2);
  if (EqualsIgnoreCase(mode, "on")) {
    ctx.client.reply_off = false;
    ctx.client.reply_skip = false;
    ctx.client.reply_skip_next = false;
    ctx.reply.SimpleString("OK");
  } else if (EqualsIgnoreCase(mode, "off")) {
    ctx.client.reply_off = true;
  } else if (EqualsIgnoreCase(mode, "skip")) {
    if (!ctx.client.reply_off) ctx.client.reply_skip_next = true;
  } else {
    ctx.reply.Error(errors::kSyntax);
  }
}

// Redis 7.0's text, verbatim (the differential test compares it).
constexpr std::string_view kClientHelp[] = {
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
};

void ClientHelpCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kClientHelp));
  for (std::string_view line : kClientHelp) ctx.reply.SimpleString(line);
}

// ---------------------------------------------------------------------------
// Registration (metadata from Redis 7's src/commands/*.json / COMMAND INFO, DOCS)

constexpr uint32_t kConnFlags = kNoKeys;

CommandSpec Connection(std::string_view name, int arity, uint32_t flags, Handler handler,
                       std::string_view summary, std::string_view since,
                       std::string_view complexity, std::string_view acl) {
  return MakeSpec(name, arity, flags | kConnFlags, kNoKeyRange, handler, "connection", summary,
                  since, complexity, acl);
}

}  // namespace

void RegisterConnectionCommands(CommandTable& table) {
  constexpr uint32_t kAuthLike = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy;
  table.Register(Connection("ping", -1, kFast | kAllowedInSubscribe, PingCommand, "Ping the server",
                            "1.0.0", "O(1)", "@fast @connection"));
  table.Register(Connection("echo", 2, kLoading | kStale | kFast, EchoCommand,
                            "Echo the given string", "1.0.0", "O(1)", "@fast @connection"));
  table.Register(Connection("quit", -1, kAuthLike | kAllowedInSubscribe, QuitCommand,
                            "Close the connection", "1.0.0", "O(1)", "@fast @connection"));
  table.Register(Connection("auth", -2, kAuthLike, AuthCommand, "Authenticate to the server",
                            "1.0.0", "O(N) where N is the number of passwords defined for the user",
                            "@fast @connection"));
  table.Register(Connection("hello", -1, kAuthLike, HelloCommand, "Handshake with Redis", "6.0.0",
                            "O(1)", "@fast @connection"));
  table.Register(Connection("select", 2, kLoading | kStale | kFast, SelectCommand,
                            "Change the selected database for the current connection", "1.0.0",
                            "O(1)", "@fast @connection"));

  constexpr uint32_t kSub = kNoScript | kLoading | kStale;
  constexpr uint32_t kAdminSub = kAdmin | kNoScript | kLoading | kStale;
  constexpr std::string_view kSlowConn = "@slow @connection";
  constexpr std::string_view kAdminConn = "@admin @slow @dangerous @connection";
  constexpr std::string_view kPerClient = "O(N) where N is the number of client connections";
  CommandSpec client =
      Connection("client", -2, 0, nullptr, "A container for client connection commands", "2.4.0",
                 "Depends on subcommand.", "@slow");
  client.subcommands = {
      Connection("client|id", 2, kSub, ClientIdCommand,
                 "Returns the client ID for the current connection", "5.0.0", "O(1)", kSlowConn),
      Connection("client|setname", 3, kSub, ClientSetNameCommand, "Set the current connection name",
                 "2.6.9", "O(1)", kSlowConn),
      Connection("client|getname", 2, kSub, ClientGetNameCommand, "Get the current connection name",
                 "2.6.9", "O(1)", kSlowConn),
      Connection("client|list", -2, kAdminSub, ClientListCommand,
                 "Get the list of client connections", "2.4.0", kPerClient, kAdminConn),
      Connection("client|info", 2, kSub, ClientInfoCommand,
                 "Returns information about the current client connection.", "6.2.0", "O(1)",
                 kSlowConn),
      Connection("client|setinfo", 4, kSub, ClientSetInfoCommand,
                 "Sets information specific to the client or connection.", "7.2.0", "O(1)",
                 kSlowConn),
      Connection("client|kill", -3, kAdminSub, ClientKillCommand, "Kill the connection of a client",
                 "2.4.0", kPerClient, kAdminConn),
      Connection("client|reply", 3, kSub, ClientReplyCommand,
                 "Instruct the server whether to reply to commands", "3.2.0", "O(1)", kSlowConn),
      Connection("client|help", 2, kLoading | kStale, ClientHelpCommand,
                 "Show helpful text about the different subcommands", "5.0.0", "O(1)", kSlowConn),
  };
  table.Register(std::move(client));
}

}  // namespace hotcache::server
