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
inline constexpr std::string_view kIncrFloatNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";  // use InvalidExpireTime()
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kCursorInvalid = "ERR invalid cursor";

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, std::span<const std::string_view> args_after_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommand(std::string_view command, std::string_view subcommand);
// "ERR wrong number of arguments for 'get' command" (name as given by the
// command table: lower case, "client|id" for subcommands).
std::string WrongArity(std::string_view command_name);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command_name);

}  // namespace hotcache::protocol::errors
