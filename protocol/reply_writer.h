#pragma once
// Appends RESP replies to a caller-owned byte buffer.
//
// Every RESP3 type has a method. On a RESP2 connection (resp3() == false) each
// is written as Redis writes its RESP2 equivalent:
//   Null        -> "$-1"          NullArray -> "*-1" (RESP3: "_" for both)
//   MapHeader n -> "*<2n>"        SetHeader -> "*<n>"     PushHeader -> "*<n>"
//   Double      -> bulk string    Boolean   -> ":1"/":0"
//   Verbatim    -> bulk string of the text    BigNumber -> bulk string
// The writer never allocates except by growing the buffer. Not thread-safe:
// one writer per connection, used by that connection's thread only.

#include <cstdint>
#include <string>
#include <string_view>

namespace hotcache::protocol {

class ReplyWriter {
 public:
  // `out` must outlive the writer; replies are appended to it.
  explicit ReplyWriter(std::string* out, bool resp3 = false) : out_(out), resp3_(resp3) {}

  bool resp3() const { return resp3_; }
  void set_resp3(bool resp3) { resp3_ = resp3; }
  std::string* buffer() { return out_; }

  void SimpleString(std::string_view s);      // "+OK\r\n"
  // `message` is the whole error text without '-' or CRLF, starting with its
  // code: "ERR syntax error", "WRONGTYPE ...". CR/LF inside are replaced by spaces.
  void Error(std::string_view message);
  void Integer(int64_t value);                 // ":42\r\n"
  void Bulk(std::string_view s);               // "$3\r\nfoo\r\n"
  void Null();                                 // null bulk / RESP3 null
  void NullArray();                            // null array / RESP3 null
  void ArrayHeader(size_t n);                  // "*n\r\n", then n elements
  void MapHeader(size_t pairs);                // "%n\r\n" (RESP2: "*2n\r\n"), then 2n elements
  void SetHeader(size_t n);                    // "~n\r\n" (RESP2: "*n\r\n")
  void PushHeader(size_t n);                   // ">n\r\n" (RESP2: "*n\r\n")
  // Formatted as Redis formats doubles: "inf", "-inf", "nan", otherwise the
  // shortest form that reads back to the same value ("%.17g" style).
  void Double(double value);
  void Boolean(bool value);                    // "#t"/"#f" (RESP2: ":1"/":0")
  void Verbatim(std::string_view format3, std::string_view text);  // "=<len>\r\ntxt:..."
  void BigNumber(std::string_view digits);     // "(<digits>\r\n"
  // Bytes written as they are (already RESP-encoded).
  void Raw(std::string_view bytes) { out_->append(bytes); }

 private:
  std::string* out_;
  bool resp3_;
};

}  // namespace hotcache::protocol
