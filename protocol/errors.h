#pragma once
// Every RESP error text hotcache sends, in one place, worded exactly as
// Redis 7 words them (the differential test compares them byte for byte).
// Texts are passed to ReplyWriter::Error (no leading '-', no CRLF).
// Errors that embed a value (a command name, an argument) have a function
// here that builds them.

#include <span>
#include <string>
#include <string_view>

namespace hotcache::protocol::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kIncrFloatNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";  // use InvalidExpireTime()
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
// OBJECT FREQ without an LFU policy / OBJECT IDLETIME with one (src/object.c).
inline constexpr std::string_view kObjectFreqNoLfu =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kObjectIdleTimeLfu =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kWatchInsideMulti = "ERR WATCH inside MULTI is not allowed";
// EXEC itself rejected inside MULTI (arity, NOAUTH, OOM): Redis's
// execCommandAbort. `reason` is the rejection's text; a leading "ERR " is
// dropped, other codes kept ("EXECABORT ... because of: NOAUTH ...").
inline std::string ExecAbortBecause(std::string_view reason) {
  if (reason.substr(0, 4) == "ERR ") reason.remove_prefix(4);
  return std::string("EXECABORT Transaction discarded because of: ").append(reason);
}
inline constexpr std::string_view kCursorInvalid = "ERR invalid cursor";
inline constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
// getIntFromObjectOrReply's range error (MOVE's db index).
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
// Hash commands (t_hash.c).
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInf = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) (HRANDFIELD's count).
inline constexpr std::string_view kLongOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// "ERR Unsupported option foo" (EXPIRE's options); append the option as sent.
inline constexpr std::string_view kUnsupportedOptionPrefix = "ERR Unsupported option ";

// Connection commands (AUTH, HELLO, CLIENT) and COMMAND GETKEYS.
inline constexpr std::string_view kAuthWithoutPassword =
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kHelloProtoNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kGetKeysInvalidCommand = "ERR Invalid command specified";
inline constexpr std::string_view kGetKeysNoKeys = "ERR The command has no key arguments";
inline constexpr std::string_view kGetKeysWrongArity =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kGetKeysInvalidArguments =
    "ERR Invalid arguments specified for command";
// "ERR Syntax error in HELLO option 'foo'"
inline std::string HelloSyntax(std::string_view option) {
  return std::string("ERR Syntax error in HELLO option '").append(option).append("'");
}
// "ERR Unknown client type 'foo'" (CLIENT LIST / CLIENT KILL TYPE)
inline std::string UnknownClientType(std::string_view type) {
  return std::string("ERR Unknown client type '").append(type).append("'");
}
// "ERR No such user 'foo'" (CLIENT KILL USER)
inline std::string NoSuchUser(std::string_view user) {
  return std::string("ERR No such user '").append(user).append("'");
}
// "ERR Unrecognized option 'foo'" (CLIENT SETINFO, Redis 7.2)
inline std::string UnrecognizedOption(std::string_view option) {
  return std::string("ERR Unrecognized option '").append(option).append("'");
}
// "ERR LIB-NAME cannot contain spaces, newlines or special characters." (CLIENT SETINFO)
inline std::string ClientAttrInvalid(std::string_view attr) {
  return std::string("ERR ").append(attr).append(
      " cannot contain spaces, newlines or special characters.");
}

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, std::span<const std::string_view> args_after_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommand(std::string_view command, std::string_view subcommand);
// "ERR wrong number of arguments for 'get' command" (name as given by the
// command table: lower case, "client|id" for subcommands).
std::string WrongArity(std::string_view command_name);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command_name);

// Server commands (CONFIG, SWAPDB, SHUTDOWN).
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
// hotcache-specific: it never rewrites its config file.
inline constexpr std::string_view kConfigRewriteUnsupported =
    "ERR CONFIG REWRITE is not supported: hotcache does not rewrite its config file";
// "ERR Unknown option or number of arguments for CONFIG SET - 'foo'" (name as sent)
inline std::string ConfigSetUnknownOption(std::string_view name) {
  return std::string("ERR Unknown option or number of arguments for CONFIG SET - '")
      .append(name)
      .append("'");
}
// "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"
inline std::string ConfigSetFailed(std::string_view name, std::string_view reason) {
  return std::string("ERR CONFIG SET failed (possibly related to argument '")
      .append(name)
      .append("') - ")
      .append(reason);
}

// Pub/Sub. "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE /
// PING / QUIT / RESET are allowed in this context" (RESP2 subscribe mode;
// name as in the command table, "pubsub|channels" for subcommands).
inline std::string OnlySubscribeContext(std::string_view command_name) {
  return std::string("ERR Can't execute '")
      .append(command_name)
      .append("': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
              "context");
}
// "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP."
// (Redis's addReplySubcommandSyntaxError: the subcommand as sent, at most 128
// bytes; the container upper-cased.)
inline std::string SubcommandSyntax(std::string_view container_upper, std::string_view sub) {
  return std::string("ERR unknown subcommand or wrong number of arguments for '")
      .append(sub.substr(0, 128))
      .append("'. Try ")
      .append(container_upper)
      .append(" HELP.");
}

}  // namespace hotcache::protocol::errors
