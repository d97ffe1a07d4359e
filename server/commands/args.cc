#include "server/commands/args.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace hotcache::server {

namespace {

// Redis's LONG_STR_SIZE (21) and MAX_LONG_DOUBLE_CHARS (5 * 1024).
constexpr size_t kLongStrSize = 21;
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// A NUL-terminated copy of `s` for strtod/strtold, on the stack when short.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(small_)) {
      ptr_ = small_;
    } else {
      large_.assign(s.data(), s.size());
      ptr_ = large_.data();
      return;
    }
    std::memcpy(ptr_, s.data(), s.size());
    ptr_[s.size()] = '\0';
  }
  const char* c_str() const { return ptr_; }

 private:
  char small_[128];
  std::string large_;
  char* ptr_;
};

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  const size_t slen = s.size();
  if (slen == 0 || slen >= kLongStrSize) return false;
  const char* p = s.data();
  size_t plen = 0;
  if (slen == 1 && p[0] == '0') {
    *out = 0;
    return true;
  }
  bool negative = false;
  if (p[0] == '-') {
    negative = true;
    ++p;
    ++plen;
    if (plen == slen) return false;
  }
  uint64_t v;
  if (p[0] >= '1' && p[0] <= '9') {
    v = static_cast<uint64_t>(p[0] - '0');
    ++p;
    ++plen;
  } else {
    return false;
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  while (plen < slen && p[0] >= '0' && p[0] <= '9') {
    if (v > kMax / 10) return false;
    v *= 10;
    const uint64_t d = static_cast<uint64_t>(p[0] - '0');
    if (v > kMax - d) return false;
    v += d;
    ++p;
    ++plen;
  }
  if (plen < slen) return false;
  if (negative) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  CString buf(s);
  const char* c = buf.c_str();
  char* end = nullptr;
  errno = 0;
  const long double value = std::strtold(c, &end);
  if (std::isspace(static_cast<unsigned char>(c[0])) || end[0] != '\0' ||
      static_cast<size_t>(end - c) != s.size() ||
      (errno == ERANGE &&
       (value == HUGE_VALL || value == -HUGE_VALL || std::fpclassify(value) == FP_ZERO)) ||
      errno == EINVAL || std::isnan(value)) {
    return false;
  }
  *out = value;
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  CString buf(s);
  const char* c = buf.c_str();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(c, &end);
  if (std::isspace(static_cast<unsigned char>(c[0])) || static_cast<size_t>(end - c) != s.size() ||
      (errno == ERANGE &&
       (value == HUGE_VAL || value == -HUGE_VAL || std::fpclassify(value) == FP_ZERO)) ||
      std::isnan(value)) {
    return false;
  }
  *out = value;
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string Int64ToString(int64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  return std::string(buf, ptr);
}

std::string LongDoubleToString(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) + 1 > sizeof(buf)) return std::string();
  size_t l = static_cast<size_t>(n);
  if (std::memchr(buf, '.', l) != nullptr) {
    while (l > 0 && buf[l - 1] == '0') --l;
    if (l > 0 && buf[l - 1] == '.') --l;
  }
  if (l == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    l = 1;
  }
  return std::string(buf, l);
}

}  // namespace hotcache::server
