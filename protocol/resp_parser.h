#pragma once
// Incremental RESP request parser (multibulk "*2\r\n$3\r\nGET\r\n..." and
// inline "GET foo\r\n" commands).
//
// The parser is stateless between calls: ParseCommand looks at the unconsumed
// bytes at the front of the connection's read buffer and either returns one
// complete command, asks for more bytes, or reports a protocol error. It never
// copies an argument: every view points into `input` and stays valid as long
// as those bytes do (the caller must not move or overwrite the buffer until it
// has executed the command). Re-parsing a partial command costs only its
// headers, since bulk payloads are skipped by length.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace hotcache::protocol {

// Limits, with Redis's names and defaults.
struct ParserLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // "proto-max-bulk-len"
  int64_t max_multibulk_len = 2147483647;  // Redis 7: INT_MAX; "invalid multibulk length"
  size_t max_inline_len = 64 * 1024;                 // PROTO_INLINE_MAX_SIZE
};

enum class ParseStatus {
  kComplete,  // one command parsed: `args` filled, `consumed` bytes used
  kNeedMore,  // the input holds only part of a command; nothing consumed
  kError,     // protocol error: `error` holds Redis's text; close the connection after replying
};

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  size_t consumed = 0;  // bytes of input making up the command (kComplete only)
  // For kError: the full error text as Redis sends it, e.g.
  // "ERR Protocol error: invalid bulk length" (without '-' and CRLF).
  std::string_view error;
  // For kNeedMore: a lower bound on the total input size needed to make
  // progress (0 if unknown). Lets the connection avoid re-parsing on every
  // small read of a large argument.
  size_t min_needed = 0;
};

class RespParser {
 public:
  explicit RespParser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses the first command at the front of `input`. On kComplete, `args` is
  // cleared and filled with views into `input`; it may be empty (an empty
  // inline line, "*0\r\n" or "*-1\r\n": Redis skips those, and so must the
  // caller). Inline commands follow Redis's sdssplitargs rules (quotes,
  // escapes); unbalanced quotes are a protocol error, exactly as in Redis.
  // NOTE: inline arguments with escapes need unescaping; their unescaped bytes
  // are stored in an internal buffer owned by the parser, valid until the next
  // ParseCommand call.
  ParseResult ParseCommand(std::string_view input, std::vector<std::string_view>* args);

  const ParserLimits& limits() const { return limits_; }
  void set_limits(const ParserLimits& limits) { limits_ = limits; }

 private:
  ParserLimits limits_;
  std::deque<std::string> inline_storage_;  // unescaped inline args (deque: views stay valid)
};

}  // namespace hotcache::protocol
