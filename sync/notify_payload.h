#pragma once
// Parsing of the NOTIFY payloads sent by the trigger function (trigger_sql.h):
//   {"t" : "public.products", "op" : "U", "ts" : 1700000000.123456,
//    "o" : ["1"], "n" : ["2"]}
// t = schema.table as PostgreSQL names them (unquoted); op = I, U, D (row),
// T (TRUNCATE) or R (re-sync the table: the key was too large to send);
// ts = now() of the writing transaction in Unix seconds; o / n = the primary
// key values of the old / new row as text, in the key template's column
// order (null or absent when there is none, o absent when the key did not change).

#include <string>
#include <string_view>
#include <vector>

namespace hotcache::sync {

struct ChangeNotice {
  std::string table;
  char op = 0;
  double ts = 0;  // 0 if absent
  bool has_old = false;
  bool has_new = false;
  std::vector<std::string> old_key;
  std::vector<std::string> new_key;
};

// Parses `payload` into *out. Returns false (and leaves *out unspecified) if it
// is not a well-formed payload of the shape above. Unknown members are skipped.
bool ParseNotifyPayload(std::string_view payload, ChangeNotice* out);

}  // namespace hotcache::sync
