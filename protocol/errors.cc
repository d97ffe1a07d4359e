#include "protocol/errors.h"

#include <algorithm>
#include <cstring>

namespace hotcache::protocol::errors {
namespace {

// What printf("%.*s", max, s) prints for a binary-safe string: up to the
// first NUL, at most `max` bytes.
std::string_view CString(std::string_view s, size_t max) {
  const void* nul = std::memchr(s.data(), '\0', s.size());
  if (nul != nullptr) s = s.substr(0, static_cast<const char*>(nul) - s.data());
  return s.substr(0, max);
}

// Redis replaces CR and LF in formatted errors by spaces (rejectCommandFormat).
void MapNewlines(std::string* s) {
  std::replace(s->begin(), s->end(), '\r', ' ');
  std::replace(s->begin(), s->end(), '\n', ' ');
}

}  // namespace

std::string UnknownCommand(std::string_view name,
                           std::span<const std::string_view> args_after_name) {
  // server.c processCommand():
  //   for (i=1; i < c->argc && sdslen(args) < 128; i++)
  //     args = sdscatprintf(args, "'%.*s' ", 128-(int)sdslen(args), argv[i]);
  //   "unknown command '%.128s', with args beginning with: %s"
  constexpr size_t kMax = 128;
  std::string args;
  for (size_t i = 0; i < args_after_name.size() && args.size() < kMax; ++i) {
    args.push_back('\'');
    args.append(CString(args_after_name[i], kMax - args.size() + 1));
    args.append("' ");
  }
  std::string out = "ERR unknown command '";
  out.append(CString(name, kMax));
  out.append("', with args beginning with: ");
  out.append(args);
  MapNewlines(&out);
  return out;
}

std::string UnknownSubcommand(std::string_view command, std::string_view subcommand) {
  // "unknown subcommand '%.128s'. Try %s HELP." with the command upper-cased.
  std::string out = "ERR unknown subcommand '";
  out.append(CString(subcommand, 128));
  out.append("'. Try ");
  for (char c : CString(command, command.size())) {
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  out.append(" HELP.");
  MapNewlines(&out);
  return out;
}

std::string WrongArity(std::string_view command_name) {
  std::string out = "ERR wrong number of arguments for '";
  out.append(command_name);
  out.append("' command");
  return out;
}

std::string InvalidExpireTime(std::string_view command_name) {
  std::string out = "ERR invalid expire time in '";
  out.append(command_name);
  out.append("' command");
  return out;
}

}  // namespace hotcache::protocol::errors
