#include "protocol/reply_writer.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

namespace hotcache::protocol {
namespace {

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes the decimal digits of `u` so that they end just before `end`;
// returns the first digit written.
inline char* WriteDigitsBackwards(uint64_t u, char* end) {
  char* p = end;
  while (u >= 100) {
    const size_t i = static_cast<size_t>(u % 100) * 2;
    u /= 100;
    p -= 2;
    std::memcpy(p, kDigitPairs + i, 2);
  }
  if (u < 10) {
    *--p = static_cast<char>('0' + u);
  } else {
    p -= 2;
    std::memcpy(p, kDigitPairs + u * 2, 2);
  }
  return p;
}

// A "<prefix><value>\r\n" line built at the end of a small stack buffer.
class Line {
 public:
  Line(char prefix, uint64_t value, bool negative = false) {
    char* end = buf_ + sizeof(buf_);
    end[-2] = '\r';
    end[-1] = '\n';
    begin_ = WriteDigitsBackwards(value, end - 2);
    if (negative) *--begin_ = '-';
    *--begin_ = prefix;
  }
  std::string_view view() const {
    return {begin_, static_cast<size_t>(buf_ + sizeof(buf_) - begin_)};
  }

 private:
  char buf_[24];  // prefix + sign + 20 digits + CRLF
  char* begin_;
};

inline Line SignedLine(char prefix, int64_t value) {
  return value < 0 ? Line(prefix, uint64_t{0} - static_cast<uint64_t>(value), true)
                   : Line(prefix, static_cast<uint64_t>(value));
}

constexpr size_t kMaxDoubleChars = 32;

// Redis 7.0's addReplyDouble(): "inf"/"-inf" spelled out, everything else
// "%.17g" (the redis-server 7.0 the differential test runs against).
size_t FormatDouble(double value, char* buf) {
  if (std::isinf(value)) {
    const char* text = value > 0 ? "inf" : "-inf";
    const size_t n = std::strlen(text);
    std::memcpy(buf, text, n);
    return n;
  }
  const int n = std::snprintf(buf, kMaxDoubleChars, "%.17g", value);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Error(std::string_view message) {
  out_->push_back('-');
  const size_t start = out_->size();
  out_->append(message);
  for (size_t i = start; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append("\r\n", 2);
}

void ReplyWriter::Integer(int64_t value) { out_->append(SignedLine(':', value).view()); }

void ReplyWriter::Bulk(std::string_view s) {
  out_->append(Line('$', s.size()).view());
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Null() {
  if (resp3_) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (resp3_) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::ArrayHeader(size_t n) { out_->append(Line('*', n).view()); }

void ReplyWriter::MapHeader(size_t pairs) {
  out_->append(resp3_ ? Line('%', pairs).view() : Line('*', pairs * 2).view());
}

void ReplyWriter::SetHeader(size_t n) { out_->append(Line(resp3_ ? '~' : '*', n).view()); }

void ReplyWriter::PushHeader(size_t n) { out_->append(Line(resp3_ ? '>' : '*', n).view()); }

void ReplyWriter::Double(double value) {
  char buf[kMaxDoubleChars + 8];
  if (resp3_) {
    buf[0] = ',';
    size_t n = 1 + FormatDouble(value, buf + 1);
    buf[n++] = '\r';
    buf[n++] = '\n';
    out_->append(buf, n);
  } else {
    const size_t n = FormatDouble(value, buf);
    Bulk(std::string_view(buf, n));
  }
}

void ReplyWriter::Boolean(bool value) {
  if (resp3_) {
    out_->append(value ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::Verbatim(std::string_view format3, std::string_view text) {
  if (!resp3_) {
    Bulk(text);
    return;
  }
  out_->append(Line('=', format3.size() + 1 + text.size()).view());
  out_->append(format3);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (!resp3_) {
    Bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

}  // namespace hotcache::protocol
