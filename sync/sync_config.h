#pragma once
// What the user configures for PostgreSQL sync: one SyncTable per
// `pg-sync NAME table=... key=... format=json|hash [hot=...]` line.
//
// Parsing is pure (no database): it checks the syntax of the line and of the
// key template. Whether the table exists and whether the template's columns
// are exactly its primary key is checked by PgSync against the catalog.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hotcache::sync {

enum class SyncFormat { kJson, kHash };

// A key template such as "stock:{warehouse_id}:{sku}": literal text with
// {column} placeholders. literals.size() == columns.size() + 1; the key is
// literals[0] + value(columns[0]) + literals[1] + ... + literals.back().
struct KeyTemplate {
  std::vector<std::string> literals;
  std::vector<std::string> columns;  // in order of appearance, no duplicates

  // Renders the key for `values` (one per column, in columns order).
  // Precondition: values.size() == columns.size().
  template <typename Strings>
  std::string Render(const Strings& values) const {
    std::string out = literals[0];
    for (size_t i = 0; i < columns.size(); ++i) {
      out.append(values[i]);
      out.append(literals[i + 1]);
    }
    return out;
  }
  // A storage::GlobMatch pattern matching every key Render can produce
  // (literals escaped, each placeholder "*").
  std::string Glob() const;
};

// Parses a key template. Errors: unbalanced braces, an empty or repeated
// {column}, no placeholder at all, or no literal text at all (a template of
// only placeholders would claim every key in the database).
absl::StatusOr<KeyTemplate> ParseKeyTemplate(std::string_view text);

struct SyncTable {
  std::string name;      // the NAME of the pg-sync line (for messages)
  std::string table;     // SQL name as written, e.g. "public.products"
  std::string key_text;  // the template as written
  KeyTemplate key;
  SyncFormat format = SyncFormat::kJson;
  std::string hot;  // SQL predicate over the row's columns; empty = every row
};

// Parses the value of one pg-sync directive: "NAME table=T key=K format=F [hot=P]".
// Option values may be wrapped in "double" or 'single' quotes. Because the
// config file loader removes quotes and re-joins the words with spaces, a
// word that does not start a known option ("table=", "key=", "format=",
// "hot=") continues the value of the previous option, so
// `hot=price > 100 and is_hot` is one predicate. The error message starts with
// "pg-sync": e.g. "pg-sync products: missing key=".
absl::StatusOr<SyncTable> ParseSyncLine(std::string_view line);

// Parses every line and checks that the names are unique.
absl::StatusOr<std::vector<SyncTable>> ParseSyncLines(const std::vector<std::string>& lines);

}  // namespace hotcache::sync
