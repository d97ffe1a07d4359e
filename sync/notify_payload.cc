#include "sync/notify_payload.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace hotcache::sync {

namespace {

// A tiny recursive-descent reader for the payload's JSON subset: objects,
// arrays, strings (all escapes, surrogate pairs), numbers, true/false/null.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (p_ < s_.size() &&
           (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) {
      ++p_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  char Peek() {
    SkipSpace();
    return p_ < s_.size() ? s_[p_] : '\0';
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == s_.size();
  }

  bool String(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    while (p_ < s_.size()) {
      char c = s_[p_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (p_ >= s_.size()) return false;
      c = s_[p_++];
      switch (c) {
        case '"':
        case '\\':
        case '/':
          out->push_back(c);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo;
            if (p_ + 1 >= s_.size() || s_[p_] != '\\' || s_[p_ + 1] != 'u') return false;
            p_ += 2;
            if (!Hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool Number(double* out) {
    SkipSpace();
    const size_t start = p_;
    while (p_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '-' ||
                              s_[p_] == '+' || s_[p_] == '.' || s_[p_] == 'e' || s_[p_] == 'E')) {
      ++p_;
    }
    if (p_ == start) return false;
    std::string text(s_.substr(start, p_ - start));
    char* end = nullptr;
    *out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
  }

  bool Literal(std::string_view word) {
    SkipSpace();
    if (s_.substr(p_).starts_with(word)) {
      p_ += word.size();
      return true;
    }
    return false;
  }

  // An array of strings, or null (*present = false).
  bool StringArrayOrNull(std::vector<std::string>* out, bool* present) {
    out->clear();
    if (Literal("null")) {
      *present = false;
      return true;
    }
    if (!Consume('[')) return false;
    *present = true;
    if (Consume(']')) return true;
    do {
      out->emplace_back();
      if (!String(&out->back())) return false;
    } while (Consume(','));
    return Consume(']');
  }

  // Skips any value.
  bool SkipValue() {
    const char c = Peek();
    std::string tmp;
    double d;
    if (c == '"') return String(&tmp);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      Consume(c);
      if (Consume(close)) return true;
      do {
        if (c == '{' && (!String(&tmp) || !Consume(':'))) return false;
        if (!SkipValue()) return false;
      } while (Consume(','));
      return Consume(close);
    }
    if (Literal("null") || Literal("true") || Literal("false")) return true;
    return Number(&d);
  }

 private:
  bool Hex4(uint32_t* out) {
    if (p_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[p_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

bool ParseNotifyPayload(std::string_view payload, ChangeNotice* out) {
  *out = ChangeNotice();
  Reader r(payload);
  if (!r.Consume('{')) return false;
  bool have_table = false;
  std::string name, op;
  if (!r.Consume('}')) {
    do {
      if (!r.String(&name) || !r.Consume(':')) return false;
      if (name == "t") {
        if (!r.String(&out->table)) return false;
        have_table = true;
      } else if (name == "op") {
        if (!r.String(&op) || op.size() != 1) return false;
        out->op = op[0];
      } else if (name == "ts") {
        if (r.Peek() == 'n') {
          if (!r.Literal("null")) return false;
        } else if (!r.Number(&out->ts)) {
          return false;
        }
      } else if (name == "o") {
        if (!r.StringArrayOrNull(&out->old_key, &out->has_old)) return false;
      } else if (name == "n") {
        if (!r.StringArrayOrNull(&out->new_key, &out->has_new)) return false;
      } else if (!r.SkipValue()) {
        return false;
      }
    } while (r.Consume(','));
    if (!r.Consume('}')) return false;
  }
  if (!r.AtEnd() || !have_table) return false;
  switch (out->op) {
    case 'I':
    case 'U':
    case 'D':
      return out->has_old || out->has_new;
    case 'T':
    case 'R':
      return true;
    default:
      return false;
  }
}

}  // namespace hotcache::sync
