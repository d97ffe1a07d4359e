#include "sync/sync_config.h"

#include <array>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hotcache::sync {

namespace {

bool IsSpace(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 4> kOptions = {"table=", "key=", "format=", "hot="};

// The option starting at s[p] ("table=" ...), or -1.
int OptionAt(std::string_view s, size_t p) {
  if (p > 0 && !IsSpace(s[p - 1])) return -1;
  for (size_t i = 0; i < kOptions.size(); ++i) {
    if (s.substr(p).starts_with(kOptions[i])) return static_cast<int>(i);
  }
  return -1;
}

// Removes one layer of wrapping quotes: "..." (with \" and \\ escapes) or '...'
// when the quote character does not also occur inside.
std::string Unquote(std::string_view v) {
  if (v.size() < 2) return std::string(v);
  const char q = v.front();
  if ((q != '"' && q != '\'') || v.back() != q) return std::string(v);
  std::string_view inner = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (q == '"' && c == '\\' && i + 1 < inner.size() &&
        (inner[i + 1] == '"' || inner[i + 1] == '\\')) {
      out.push_back(inner[++i]);
      continue;
    }
    if (c == q) return std::string(v);  // not one quoted value: keep as written
    out.push_back(c);
  }
  return out;
}

bool HasSpace(std::string_view s) {
  for (char c : s) {
    if (IsSpace(c)) return true;
  }
  return false;
}

}  // namespace

std::string KeyTemplate::Glob() const {
  std::string out;
  auto escape = [&out](std::string_view lit) {
    for (char c : lit) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  };
  escape(literals[0]);
  for (size_t i = 0; i < columns.size(); ++i) {
    out.push_back('*');
    escape(literals[i + 1]);
  }
  return out;
}

absl::StatusOr<KeyTemplate> ParseKeyTemplate(std::string_view text) {
  KeyTemplate t;
  std::string literal;
  absl::flat_hash_set<std::string> seen;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '}') {
      return absl::InvalidArgumentError(
          absl::StrCat("key template '", std::string(text), "': unbalanced '}'"));
    }
    if (c != '{') {
      literal.push_back(c);
      ++i;
      continue;
    }
    const size_t close = text.find_first_of("{}", i + 1);
    if (close == std::string_view::npos || text[close] != '}') {
      return absl::InvalidArgumentError(
          absl::StrCat("key template '", std::string(text), "': unbalanced '{'"));
    }
    std::string column(text.substr(i + 1, close - i - 1));
    if (column.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key template '", std::string(text), "': empty {}"));
    }
    if (!seen.insert(column).second) {
      return absl::InvalidArgumentError(absl::StrCat("key template '", std::string(text),
                                                     "': column {", column, "} appears twice"));
    }
    t.literals.push_back(std::move(literal));
    literal.clear();
    t.columns.push_back(std::move(column));
    i = close + 1;
  }
  t.literals.push_back(std::move(literal));
  if (t.columns.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key template '", std::string(text), "' has no {column} placeholder"));
  }
  size_t literal_bytes = 0;
  for (const std::string& l : t.literals) literal_bytes += l.size();
  if (literal_bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("key template '", std::string(text),
                     "' needs some literal text (e.g. a prefix such as 'product:')"));
  }
  return t;
}

absl::StatusOr<SyncTable> ParseSyncLine(std::string_view line) {
  std::string_view s = Strip(line);
  size_t name_end = 0;
  while (name_end < s.size() && !IsSpace(s[name_end])) ++name_end;
  SyncTable t;
  t.name = std::string(s.substr(0, name_end));
  if (t.name.empty() || t.name.find('=') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("pg-sync '", std::string(s),
                     "': expected NAME table=... key=... format=json|hash [hot=...]"));
  }
  auto error = [&t](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("pg-sync ", t.name, ": ", std::string(what)));
  };

  // Find where each option starts (outside quotes, at a word boundary).
  std::vector<std::pair<int, size_t>> starts;  // (option, position)
  char quote = 0;
  for (size_t p = name_end; p < s.size(); ++p) {
    const char c = s[p];
    if (quote != 0) {
      if (quote == '"' && c == '\\' && p + 1 < s.size()) {
        ++p;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    const int opt = OptionAt(s, p);
    if (opt >= 0) {
      starts.emplace_back(opt, p);
      p += kOptions[opt].size() - 1;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
  }
  std::string_view before =
      Strip(s.substr(name_end, (starts.empty() ? s.size() : starts[0].second) - name_end));
  if (!before.empty()) {
    return error(absl::StrCat("unexpected '", std::string(before),
                              "' (options are table=, key=, format=, hot=)"));
  }
  std::array<std::optional<std::string>, kOptions.size()> values;
  for (size_t i = 0; i < starts.size(); ++i) {
    const auto [opt, pos] = starts[i];
    const size_t begin = pos + kOptions[opt].size();
    const size_t end = i + 1 < starts.size() ? starts[i + 1].second : s.size();
    std::string_view raw = Strip(s.substr(begin, end - begin));
    if (values[opt].has_value()) {
      return error(absl::StrCat("option ", std::string(kOptions[opt]), " given twice"));
    }
    std::string value = Unquote(raw);
    if (opt != 3 && HasSpace(value)) {
      // Only hot= may contain spaces: anything else is a misspelt option.
      const size_t sp = raw.find_first_of(" \t");
      return error(absl::StrCat("unexpected '", std::string(Strip(raw.substr(sp))), "' after ",
                                std::string(kOptions[opt]),
                                " (options are table=, key=, format=, hot=)"));
    }
    values[opt] = std::move(value);
  }
  if (!values[0].has_value() || values[0]->empty()) return error("missing table=");
  if (!values[1].has_value() || values[1]->empty()) return error("missing key=");
  if (!values[2].has_value()) return error("missing format=json|hash");
  t.table = *values[0];
  t.key_text = *values[1];
  absl::StatusOr<KeyTemplate> key = ParseKeyTemplate(t.key_text);
  if (!key.ok()) return error(std::string(key.status().message()));
  t.key = *std::move(key);
  const std::string format = absl::AsciiStrToLower(*values[2]);
  if (format == "json") {
    t.format = SyncFormat::kJson;
  } else if (format == "hash") {
    t.format = SyncFormat::kHash;
  } else {
    return error(absl::StrCat("format must be json or hash, not '", *values[2], "'"));
  }
  if (values[3].has_value()) {
    t.hot = std::string(Strip(*values[3]));
    if (t.hot.empty()) return error("empty hot= predicate");
  }
  return t;
}

absl::StatusOr<std::vector<SyncTable>> ParseSyncLines(const std::vector<std::string>& lines) {
  std::vector<SyncTable> tables;
  absl::flat_hash_set<std::string> names;
  for (const std::string& line : lines) {
    absl::StatusOr<SyncTable> t = ParseSyncLine(line);
    if (!t.ok()) return t.status();
    if (!names.insert(t->name).second) {
      return absl::InvalidArgumentError(absl::StrCat("pg-sync ", t->name, ": name used twice"));
    }
    tables.push_back(*std::move(t));
  }
  return tables;
}

}  // namespace hotcache::sync
