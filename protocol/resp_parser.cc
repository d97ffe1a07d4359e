#include "protocol/resp_parser.h"

#include <cstring>

namespace hotcache::protocol {
namespace {

// Redis 7 protocol error texts (networking.c), without '-' and CRLF.
constexpr std::string_view kErrInvalidMultibulkLen = "ERR Protocol error: invalid multibulk length";
constexpr std::string_view kErrInvalidBulkLen = "ERR Protocol error: invalid bulk length";
constexpr std::string_view kErrTooBigInline = "ERR Protocol error: too big inline request";
constexpr std::string_view kErrTooBigMbulkCount = "ERR Protocol error: too big mbulk count string";
constexpr std::string_view kErrTooBigBulkCount = "ERR Protocol error: too big bulk count string";
constexpr std::string_view kErrUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
constexpr std::string_view kErrExpectedDollarPrefix = "ERR Protocol error: expected '$', got '";

enum class HeaderStatus { kOk, kNeedMore, kTooBig };

struct Header {
  const char* next = nullptr;  // first byte after "<type><number>\r?"
  int64_t value = 0;
  bool valid = false;  // the number is a valid string2ll() integer
};

// Redis finds the header's CR with strchr() on a NUL-terminated buffer, so a
// NUL byte before the CR means "no CR yet". Returns the CR or nullptr.
inline const char* FindCrLikeRedis(const char* from, const char* end) {
  const char* cr = static_cast<const char*>(std::memchr(from, '\r', end - from));
  if (cr != nullptr && std::memchr(from, '\0', cr - from) != nullptr) return nullptr;
  return cr;
}

// Scans a "*<n>\r\n" or "$<n>\r\n" line starting at `line` (the type byte),
// exactly as Redis's processMultibulkBuffer does: the line ends at the first
// CR, and one byte must follow the CR (Redis skips it without checking it is
// LF). The number follows string2ll() rules: optional '-', no leading zeros,
// no '+', no spaces, fits in int64. Digits are parsed in the same pass as the
// CR is searched for; memchr is only used for malformed or partial lines.
inline HeaderStatus ScanHeader(const char* line, const char* end, size_t max_line, Header* h) {
  if (*line == '\r') {  // only possible for a bulk header; Redis then reports the bad type
    if (line + 1 >= end) return HeaderStatus::kNeedMore;
    h->valid = false;
    h->next = line + 2;
    return HeaderStatus::kOk;
  }
  if (*line == '\0') {  // Redis's strchr() stops here: no line end in sight
    return static_cast<size_t>(end - line) > max_line ? HeaderStatus::kTooBig
                                                      : HeaderStatus::kNeedMore;
  }
  const char* s = line + 1;
  const bool neg = s < end && *s == '-';
  if (neg) ++s;
  const char* d = s;
  uint64_t v = 0;
  // 19 digits always fit in uint64_t; a 20th digit makes string2ll fail.
  while (d < end && d - s < 19 && static_cast<unsigned char>(*d - '0') < 10) {
    v = v * 10 + static_cast<unsigned>(*d - '0');
    ++d;
  }
  const char* cr;
  if (d < end && *d == '\r') {
    cr = d;
    const size_t nd = static_cast<size_t>(d - s);
    bool valid = nd > 0 && (s[0] != '0' || (nd == 1 && !neg));
    if (valid) {
      valid = neg ? v <= (uint64_t{1} << 63) : v <= static_cast<uint64_t>(INT64_MAX);
    }
    h->valid = valid;
    h->value = neg ? static_cast<int64_t>(uint64_t{0} - v) : static_cast<int64_t>(v);
  } else {
    cr = FindCrLikeRedis(line, end);
    if (cr == nullptr) {
      return static_cast<size_t>(end - line) > max_line ? HeaderStatus::kTooBig
                                                        : HeaderStatus::kNeedMore;
    }
    h->valid = false;
  }
  if (cr + 1 >= end) return HeaderStatus::kNeedMore;
  h->next = cr + 2;
  return HeaderStatus::kOk;
}

inline ParseResult Error(std::string_view text) {
  ParseResult r;
  r.status = ParseStatus::kError;
  r.error = text;
  return r;
}

inline ParseResult NeedMore(size_t min_needed = 0) {
  ParseResult r;
  r.min_needed = min_needed;
  return r;
}

inline ParseResult Complete(size_t consumed) {
  ParseResult r;
  r.status = ParseStatus::kComplete;
  r.consumed = consumed;
  return r;
}

// isspace() in the C locale.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

inline bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// sdssplitargs() from Redis's sds.c, on [begin, end) (which holds no NUL).
// Plain tokens become views into the input; tokens with quotes are unescaped
// into inline_storage_.
bool SplitInlineArgs(const char* begin, const char* end, std::deque<std::string>* storage,
                     std::vector<std::string_view>* args) {
  auto at = [end](const char* q) { return q < end ? *q : '\0'; };
  const char* p = begin;
  while (true) {
    while (p < end && IsSpace(*p)) ++p;
    if (p == end) return true;

    const char* const token_start = p;
    std::string* buf = nullptr;  // set once the token stops being a plain slice
    bool in_dq = false;
    bool in_sq = false;
    while (true) {
      const char c = at(p);
      if (in_dq) {
        if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
          buf->push_back(static_cast<char>(HexValue(p[2]) * 16 + HexValue(p[3])));
          p += 4;
        } else if (c == '\\' && at(p + 1) != '\0') {
          char e = p[1];
          switch (e) {
            case 'n':
              e = '\n';
              break;
            case 'r':
              e = '\r';
              break;
            case 't':
              e = '\t';
              break;
            case 'b':
              e = '\b';
              break;
            case 'a':
              e = '\a';
              break;
            default:
              break;
          }
          buf->push_back(e);
          p += 2;
        } else if (c == '"') {
          // A closing quote must be followed by a space or nothing at all.
          if (p + 1 < end && !IsSpace(p[1])) return false;
          ++p;
          break;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          buf->push_back(c);
          ++p;
        }
      } else if (in_sq) {
        if (c == '\\' && at(p + 1) == '\'') {
          buf->push_back('\'');
          p += 2;
        } else if (c == '\'') {
          if (p + 1 < end && !IsSpace(p[1])) return false;
          ++p;
          break;
        } else if (c == '\0') {
          return false;
        } else {
          buf->push_back(c);
          ++p;
        }
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
        if (buf == nullptr) {
          args->emplace_back(token_start, static_cast<size_t>(p - token_start));
        }
        if (p < end) ++p;
        break;
      } else if (c == '"' || c == '\'') {
        if (buf == nullptr) buf = &storage->emplace_back(token_start, p);
        in_dq = c == '"';
        in_sq = c == '\'';
        ++p;
      } else {
        if (buf != nullptr) buf->push_back(c);
        ++p;
      }
    }
    if (buf != nullptr) args->emplace_back(*buf);
  }
}

ParseResult ParseMultibulk(std::string_view input, const ParserLimits& limits,
                           std::deque<std::string>* storage, std::vector<std::string_view>* args) {
  const char* const begin = input.data();
  const char* const end = begin + input.size();
  Header h;
  switch (ScanHeader(begin, end, limits.max_inline_len, &h)) {
    case HeaderStatus::kNeedMore:
      return NeedMore();
    case HeaderStatus::kTooBig:
      return Error(kErrTooBigMbulkCount);
    case HeaderStatus::kOk:
      break;
  }
  if (!h.valid || h.value > limits.max_multibulk_len) return Error(kErrInvalidMultibulkLen);
  const char* p = h.next;
  if (h.value <= 0) return Complete(static_cast<size_t>(p - begin));

  for (int64_t remaining = h.value; remaining > 0; --remaining) {
    switch (ScanHeader(p, end, limits.max_inline_len, &h)) {
      case HeaderStatus::kNeedMore:
        args->clear();
        return NeedMore();
      case HeaderStatus::kTooBig:
        args->clear();
        return Error(kErrTooBigBulkCount);
      case HeaderStatus::kOk:
        break;
    }
    if (*p != '$') {
      args->clear();
      // Redis formats this with "%c" and then maps CR/LF to spaces.
      std::string& text = storage->emplace_back(kErrExpectedDollarPrefix);
      text.push_back(*p == '\r' || *p == '\n' ? ' ' : *p);
      text.push_back('\'');
      return Error(text);
    }
    if (!h.valid || h.value < 0 || h.value > limits.proto_max_bulk_len) {
      args->clear();
      return Error(kErrInvalidBulkLen);
    }
    const size_t len = static_cast<size_t>(h.value);
    const char* data = h.next;
    if (static_cast<size_t>(end - data) < len + 2) {
      args->clear();
      return NeedMore(static_cast<size_t>(data - begin) + len + 2);
    }
    args->emplace_back(data, len);
    p = data + len + 2;  // Redis skips the two bytes after the payload unchecked.
  }
  return Complete(static_cast<size_t>(p - begin));
}

ParseResult ParseInline(std::string_view input, const ParserLimits& limits,
                        std::deque<std::string>* storage, std::vector<std::string_view>* args) {
  const char* const begin = input.data();
  const char* const nl = static_cast<const char*>(std::memchr(begin, '\n', input.size()));
  // Redis searches with strchr(): a NUL before the LF hides it.
  if (nl == nullptr || std::memchr(begin, '\0', nl - begin) != nullptr) {
    if (input.size() > limits.max_inline_len) return Error(kErrTooBigInline);
    return NeedMore();
  }
  const char* line_end = nl;
  if (nl != begin && nl[-1] == '\r') --line_end;
  if (!SplitInlineArgs(begin, line_end, storage, args)) {
    args->clear();
    return Error(kErrUnbalancedQuotes);
  }
  return Complete(static_cast<size_t>(nl + 1 - begin));
}

}  // namespace

ParseResult RespParser::ParseCommand(std::string_view input, std::vector<std::string_view>* args) {
  if (!inline_storage_.empty()) inline_storage_.clear();
  args->clear();
  if (input.empty()) return NeedMore();
  if (input[0] == '*') return ParseMultibulk(input, limits_, &inline_storage_, args);
  return ParseInline(input, limits_, &inline_storage_, args);
}

}  // namespace hotcache::protocol
