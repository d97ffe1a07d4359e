#include "server/config/config.h"

#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "protocol/errors.h"
#include "storage/glob.h"

namespace hotcache::server {

// One directive: how to parse, apply and print it. Parsing is separate from
// applying (`apply` false only validates) so that CONFIG SET with several
// pairs can validate all of them before changing any: all or nothing.
struct Config::Directive {
  std::string name;
  std::string syntax;       // for HelpText, e.g. "<0-65535>"
  std::string description;  // for HelpText
  bool immutable = false;   // not settable by CONFIG SET
  bool multi_arg = false;   // file/flags: several arguments, joined by spaces
  // Validates `value` (and stores it when `apply`). On failure sets *reason to
  // Redis's CONFIG SET wording ("argument must be a memory value").
  std::function<bool(std::string_view value, bool apply, std::string* reason)> set;
  std::function<std::string()> get;
};

namespace {

using Directive = Config::Directive;

// (Debian's abseil has its own string_view type, so plain std helpers here.)
char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

std::string_view StripSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
template <typename T>
requires std::is_integral_v<T>
void AppendPiece(std::string* out, T v) { out->append(std::to_string(v)); }

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(&out, args), ...);
  return out;
}

template <typename Container>
std::string Join(const Container& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out.append(sep);
    first = false;
    out.append(part);
  }
  return out;
}

// Redis's string2ll.
bool ParseLL(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool negative = false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// Redis's memtoull: digits and an optional unit (b, k, kb, m, mb, g, gb; case
// insensitive; k = 1000, kb = 1024). "" is 0, as in Redis.
bool ParseMemory(std::string_view s, uint64_t* out) {
  if (!s.empty() && s[0] == '-') return false;
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view unit = s.substr(i);
  uint64_t mul;
  if (unit.empty() || EqualsNoCase(unit, "b")) {
    mul = 1;
  } else if (EqualsNoCase(unit, "k")) {
    mul = 1000;
  } else if (EqualsNoCase(unit, "kb")) {
    mul = 1024;
  } else if (EqualsNoCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (EqualsNoCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (EqualsNoCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (EqualsNoCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  if (i >= 128) return false;
  uint64_t v = 0;
  for (size_t j = 0; j < i; ++j) {
    const uint64_t digit = static_cast<uint64_t>(s[j] - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      v = UINT64_MAX;  // strtoull saturates
      break;
    }
    v = v * 10 + digit;
  }
  *out = v * mul;
  return true;
}

bool ParseYesNo(std::string_view s, bool* out) {
  if (EqualsNoCase(s, "yes")) {
    *out = true;
    return true;
  }
  if (EqualsNoCase(s, "no")) {
    *out = false;
    return true;
  }
  return false;
}

bool IsHex(char c) { return IsDigit(c) || (ToLowerAscii(c) >= 'a' && ToLowerAscii(c) <= 'f'); }
int HexValue(char c) { return IsDigit(c) ? c - '0' : ToLowerAscii(c) - 'a' + 10; }

// Redis's sdssplitargs: whitespace-separated words, "double quotes" with C
// escapes (\n \r \t \b \a \xHH \\ \"), 'single quotes' with \' only. A closing
// quote must be followed by whitespace or the end. False on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  const size_t n = line.size();
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  size_t p = 0;
  while (true) {
    while (p < n && IsSpace(line[p])) ++p;
    if (p >= n) return true;
    bool in_dq = false, in_sq = false, done = false;
    std::string current;
    while (!done) {
      if (in_dq) {
        if (p >= n) return false;
        if (line[p] == '\\' && at(p + 1) == 'x' && IsHex(at(p + 2)) && IsHex(at(p + 3))) {
          current.push_back(static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
          p += 3;
        } else if (line[p] == '\\' && p + 1 < n) {
          ++p;
          char c;
          switch (line[p]) {
            case 'n':
              c = '\n';
              break;
            case 'r':
              c = '\r';
              break;
            case 't':
              c = '\t';
              break;
            case 'b':
              c = '\b';
              break;
            case 'a':
              c = '\a';
              break;
            default:
              c = line[p];
              break;
          }
          current.push_back(c);
        } else if (line[p] == '"') {
          if (p + 1 < n && !IsSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(line[p]);
        }
      } else if (in_sq) {
        if (p >= n) return false;
        if (line[p] == '\\' && at(p + 1) == '\'') {
          ++p;
          current.push_back('\'');
        } else if (line[p] == '\'') {
          if (p + 1 < n && !IsSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(line[p]);
        }
      } else {
        if (p >= n) break;
        switch (line[p]) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_dq = true;
            break;
          case '\'':
            in_sq = true;
            break;
          default:
            current.push_back(line[p]);
            break;
        }
      }
      if (p < n) ++p;
    }
    out->push_back(std::move(current));
  }
}

std::string BetweenError(int64_t min, int64_t max) {
  return Cat("argument must be between ", min, " and ", max, " inclusive");
}

// An integer directive stored in an atomic. `memory` accepts units (1gb).
// `adjust` maps an accepted value to the stored one (hz is clamped).
template <typename T>
Directive IntDirective(std::string name, std::atomic<T>* target, int64_t min, int64_t max,
                       bool memory, bool immutable, std::string syntax, std::string description,
                       int64_t (*adjust)(int64_t) = nullptr) {
  Directive d;
  d.name = std::move(name);
  d.syntax = std::move(syntax);
  d.description = std::move(description);
  d.immutable = immutable;
  d.set = [target, min, max, memory, adjust](std::string_view value, bool apply,
                                             std::string* reason) {
    int64_t v;
    if (memory) {
      uint64_t u;
      if (!ParseMemory(value, &u)) {
        *reason = "argument must be a memory value";
        return false;
      }
      if (u > static_cast<uint64_t>(max) || static_cast<int64_t>(u) < min) {
        *reason = BetweenError(min, max);
        return false;
      }
      v = static_cast<int64_t>(u);
    } else {
      if (!ParseLL(value, &v)) {
        *reason = "argument couldn't be parsed into an integer";
        return false;
      }
      if (v < min || v > max) {
        *reason = BetweenError(min, max);
        return false;
      }
    }
    if (apply) {
      if (adjust != nullptr) v = adjust(v);
      target->store(static_cast<T>(v), std::memory_order_relaxed);
    }
    return true;
  };
  d.get = [target] { return Cat(static_cast<int64_t>(target->load(std::memory_order_relaxed))); };
  return d;
}

Directive BoolDirective(std::string name, std::atomic<bool>* target, bool immutable,
                        std::string description) {
  Directive d;
  d.name = std::move(name);
  d.syntax = "<yes|no>";
  d.description = std::move(description);
  d.immutable = immutable;
  d.set = [target](std::string_view value, bool apply, std::string* reason) {
    bool b;
    if (!ParseYesNo(value, &b)) {
      *reason = "argument must be 'yes' or 'no'";
      return false;
    }
    if (apply) target->store(b, std::memory_order_relaxed);
    return true;
  };
  d.get = [target] { return std::string(target->load(std::memory_order_relaxed) ? "yes" : "no"); };
  return d;
}

// A yes/no directive hotcache only supports as "no" (appendonly, daemonize).
Directive NoOnlyDirective(std::string name, bool immutable, std::string description,
                          std::string why_not) {
  Directive d;
  d.name = std::move(name);
  d.syntax = "<no>";
  d.description = std::move(description);
  d.immutable = immutable;
  d.set = [why_not](std::string_view value, bool apply, std::string* reason) {
    bool b;
    if (!ParseYesNo(value, &b)) {
      *reason = "argument must be 'yes' or 'no'";
      return false;
    }
    if (b) {
      *reason = why_not;
      return false;
    }
    return true;
  };
  d.get = [] { return std::string("no"); };
  return d;
}

// A string directive guarded by `mu`.
Directive StringDirective(std::string name, std::string* target, std::mutex* mu, bool immutable,
                          bool multi_arg, std::string syntax, std::string description) {
  Directive d;
  d.name = std::move(name);
  d.syntax = std::move(syntax);
  d.description = std::move(description);
  d.immutable = immutable;
  d.multi_arg = multi_arg;
  d.set = [target, mu](std::string_view value, bool apply, std::string*) {
    if (apply) {
      std::lock_guard<std::mutex> lock(*mu);
      target->assign(value);
    }
    return true;
  };
  d.get = [target, mu] {
    std::lock_guard<std::mutex> lock(*mu);
    return *target;
  };
  return d;
}

std::string OneOfError(const std::vector<std::string_view>& names) {
  return Cat("argument(s) must be one of the following: ", Join(names, ", "));
}

constexpr std::pair<std::string_view, EvictionPolicy> kPolicies[] = {
    // Redis's order (its error message lists them so).
    {"volatile-lru", EvictionPolicy::kVolatileLru},
    {"volatile-lfu", EvictionPolicy::kVolatileLfu},
    {"volatile-random", EvictionPolicy::kVolatileRandom},
    {"volatile-ttl", EvictionPolicy::kVolatileTtl},
    {"allkeys-lru", EvictionPolicy::kAllKeysLru},
    {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
    {"allkeys-random", EvictionPolicy::kAllKeysRandom},
    {"noeviction", EvictionPolicy::kNoEviction},
};

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning"};

// Parses a client-output-buffer-limit value ("<class> <hard> <soft> <seconds>"
// repeated) into `limits` (only the classes named change). Redis's checks and texts.
bool ParseOutputLimits(std::string_view value, OutputBufferLimit limits[3], std::string* reason) {
  std::vector<std::string> argv;
  if (!SplitArgs(value, &argv) || argv.size() % 4 != 0) {
    *reason = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  for (size_t j = 0; j < argv.size(); j += 4) {
    int cls;
    if (EqualsNoCase(argv[j], "normal")) {
      cls = 0;
    } else if (EqualsNoCase(argv[j], "slave") || EqualsNoCase(argv[j], "replica")) {
      cls = 1;
    } else if (EqualsNoCase(argv[j], "pubsub")) {
      cls = 2;
    } else {
      *reason = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    uint64_t hard, soft;
    const bool hard_ok = ParseMemory(argv[j + 1], &hard);
    const bool soft_ok = ParseMemory(argv[j + 2], &soft);
    // strtoll(argv[j+3]) with the whole string consumed and >= 0.
    const std::string& secs_text = argv[j + 3];
    char* end = nullptr;
    const long long secs = std::strtoll(secs_text.c_str(), &end, 10);
    if (!hard_ok || !soft_ok || secs < 0 || *end != '\0') {
      *reason = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    limits[cls] = {static_cast<int64_t>(hard), static_cast<int64_t>(soft), secs};
  }
  return true;
}

int64_t ClampHz(int64_t hz) { return hz < 1 ? 1 : (hz > 500 ? 500 : hz); }

}  // namespace

std::string_view EvictionPolicyName(EvictionPolicy policy) {
  for (const auto& [name, p] : kPolicies) {
    if (p == policy) return name;
  }
  return "noeviction";
}

Config::Config() { AddDirectives(); }

Config::~Config() {
  for (Directive* d : directives_) delete d;
}

void Config::AddDirectives() {
  auto add = [this](Directive d) { directives_.push_back(new Directive(std::move(d))); };
  constexpr int64_t kIntMax = INT_MAX;
  constexpr int64_t kLLMax = INT64_MAX;

  add(IntDirective("port", &port_, 0, 65535, false, false, "<0-65535>",
                   "TCP port to listen on (default 6379)."));
  add(StringDirective("bind", &bind_, &mu_, false, true, "<addr> [addr ...]",
                      "Addresses to listen on, space-separated (default 127.0.0.1)."));
  add(IntDirective("io-threads", &io_threads_, 0, 128, false, true, "<0-128>",
                   "I/O threads, each with its own event loop; 0 = cores - 1, at least 1 (default 0)."));
  add(IntDirective("databases", &databases_, 1, kIntMax, false, true, "<n>",
                   "Number of databases, SELECT 0..n-1 (default 16)."));
  add(IntDirective("shard-bits", &shard_bits_, 0, 8, false, true, "<0-8>",
                   "The keyspace has 2^shard-bits lock-striped shards (default 6)."));
  add(IntDirective("maxmemory", &maxmemory_, 0, kLLMax, true, false, "<bytes>",
                   "Memory limit, units allowed (100mb, 1gb); 0 = no limit (default 0)."));
  {
    Directive d;
    d.name = "maxmemory-policy";
    d.syntax = "<policy>";
    d.description =
        "What to evict at maxmemory: noeviction allkeys-lru volatile-lru allkeys-lfu "
        "volatile-lfu allkeys-random volatile-random volatile-ttl (default noeviction).";
    d.set = [this](std::string_view value, bool apply, std::string* reason) {
      for (const auto& [name, policy] : kPolicies) {
        if (EqualsNoCase(value, name)) {
          if (apply) policy_.store(policy, std::memory_order_relaxed);
          return true;
        }
      }
      std::vector<std::string_view> names;
      for (const auto& entry : kPolicies) names.push_back(entry.first);
      *reason = OneOfError(names);
      return false;
    };
    d.get = [this] { return std::string(EvictionPolicyName(maxmemory_policy())); };
    add(std::move(d));
  }
  add(IntDirective("maxmemory-samples", &maxmemory_samples_, 1, kIntMax, false, false, "<n>",
                   "Keys sampled per eviction (default 5)."));
  add(StringDirective("requirepass", &requirepass_, &mu_, false, false, "<password>",
                      "Password clients must AUTH with; empty = none (default \"\")."));
  add(IntDirective("timeout", &timeout_, 0, kIntMax, false, false, "<seconds>",
                   "Close a client idle this long; 0 = never (default 0)."));
  add(IntDirective("maxclients", &maxclients_, 1, int64_t{UINT_MAX}, false, false, "<n>",
                   "Maximum simultaneous clients (default 10000)."));
  add(IntDirective("proto-max-bulk-len", &proto_max_bulk_len_, 1024 * 1024, kLLMax, true, false,
                   "<bytes>", "Largest bulk string a client may send (default 512mb)."));
  add(IntDirective("client-query-buffer-limit", &client_query_buffer_limit_, 1024 * 1024, kLLMax,
                   true, false, "<bytes>", "Largest query buffer of one client (default 1gb)."));
  add(IntDirective("hz", &hz_, 0, kIntMax, false, false, "<1-500>",
                   "Background tasks per second, clamped to 1..500 (default 10).", &ClampHz));
  {
    Directive d;
    d.name = "loglevel";
    d.syntax = "<level>";
    d.description = "Log verbosity: debug verbose notice warning (default notice).";
    d.set = [this](std::string_view value, bool apply, std::string* reason) {
      for (std::string_view level : kLogLevels) {
        if (EqualsNoCase(value, level)) {
          if (apply) {
            std::lock_guard<std::mutex> lock(mu_);
            loglevel_ = std::string(level);
          }
          return true;
        }
      }
      *reason = OneOfError({std::begin(kLogLevels), std::end(kLogLevels)});
      return false;
    };
    d.get = [this] { return loglevel(); };
    add(std::move(d));
  }
  add(StringDirective("logfile", &logfile_, &mu_, true, false, "<path>",
                      "Log file; empty = standard output (default \"\")."));
  add(IntDirective("tcp-keepalive", &tcp_keepalive_, 0, kIntMax, false, false, "<seconds>",
                   "TCP keepalive period; 0 = off (default 300)."));
  add(IntDirective("tcp-backlog", &tcp_backlog_, 0, kIntMax, false, true, "<n>",
                   "listen() backlog (default 511)."));
  {
    Directive d;
    d.name = "save";
    d.syntax = "<...>";
    d.description = "Accepted and ignored: hotcache does not persist (CONFIG GET save is \"\").";
    d.multi_arg = true;
    d.set = [](std::string_view, bool, std::string*) { return true; };
    d.get = [] { return std::string(); };
    add(std::move(d));
  }
  add(NoOnlyDirective("appendonly", false, "Must be no: hotcache does not persist (default no).",
                      "appendonly yes is not supported: hotcache does not persist"));
  add(BoolDirective("protected-mode", &protected_mode_, false,
                    "Accepted for compatibility (default no)."));
  add(NoOnlyDirective("daemonize", true,
                      "Must be no: hotcache runs in the foreground (default no).",
                      "daemonize yes is not supported: hotcache runs in the foreground"));
  {
    Directive d;
    d.name = "client-output-buffer-limit";
    d.syntax = "<class> <hard> <soft> <seconds> ...";
    d.description =
        "Output buffer limits per client class (normal, replica, pubsub) "
        "(default \"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\").";
    d.multi_arg = true;
    d.set = [this](std::string_view value, bool apply, std::string* reason) {
      OutputBufferLimit limits[3];
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (int i = 0; i < 3; ++i) limits[i] = output_limits_[i];
      }
      if (!ParseOutputLimits(value, limits, reason)) return false;
      if (apply) {
        std::lock_guard<std::mutex> lock(mu_);
        for (int i = 0; i < 3; ++i) output_limits_[i] = limits[i];
      }
      return true;
    };
    d.get = [this] {
      std::lock_guard<std::mutex> lock(mu_);
      static constexpr std::string_view kNames[3] = {"normal", "slave", "pubsub"};
      std::string out;
      for (int i = 0; i < 3; ++i) {
        if (i > 0) out.push_back(' ');
        out += Cat(kNames[i], " ", output_limits_[i].hard_bytes, " ", output_limits_[i].soft_bytes,
                   " ", output_limits_[i].soft_seconds);
      }
      return out;
    };
    add(std::move(d));
  }
  add(BoolDirective("lazyfree-lazy-user-flush", &lazyfree_lazy_user_flush_, false,
                    "FLUSHDB/FLUSHALL without ASYNC|SYNC free in the background (default no)."));
  add(StringDirective("pg-dsn", &pg_dsn_, &mu_, true, false, "<conninfo>",
                      "PostgreSQL connection string (libpq); empty = no Postgres (default \"\")."));
  add(BoolDirective("pg-required", &pg_required_, true,
                    "Refuse to start if Postgres is unreachable (default no)."));
  add(BoolDirective("pg-install-triggers", &pg_install_triggers_, true,
                    "Install the change-notification triggers at start (default no)."));
  {
    Directive d;
    d.name = "pg-sync";
    d.syntax = "<mapping>";
    d.description =
        "A table-to-key mapping; repeatable, each occurrence adds one "
        "(CONFIG GET joins them with newlines) (default none).";
    d.immutable = true;
    d.multi_arg = true;
    d.set = [this](std::string_view value, bool apply, std::string*) {
      if (apply) {
        std::lock_guard<std::mutex> lock(mu_);
        pg_sync_.emplace_back(value);
      }
      return true;
    };
    d.get = [this] {
      std::lock_guard<std::mutex> lock(mu_);
      return Join(pg_sync_, "\n");
    };
    add(std::move(d));
  }
}

Config::Directive* Config::FindDirective(std::string_view name) {
  for (Directive* d : directives_) {
    if (EqualsNoCase(d->name, name)) return d;
  }
  return nullptr;
}

const Config::Directive* Config::FindDirective(std::string_view name) const {
  return const_cast<Config*>(this)->FindDirective(name);
}

void Config::RunListeners(const std::vector<std::string>& names) {
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string_view> seen;
    for (const std::string& name : names) {
      bool dup = false;
      for (std::string_view s : seen) dup = dup || s == name;
      if (dup) continue;
      seen.push_back(name);
      auto it = listeners_.find(name);
      if (it == listeners_.end()) continue;
      fns.insert(fns.end(), it->second.begin(), it->second.end());
    }
  }
  for (auto& fn : fns) fn();
}

bool Config::LoadText(std::string_view text, std::string* error) {
  std::lock_guard<std::mutex> serial(set_mu_);
  std::vector<std::string> changed;
  std::vector<std::string> argv;
  size_t line_no = 0;
  size_t pos = 0;
  bool ok = true;
  while (pos <= text.size() && ok) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    line = StripSpace(line);
    if (line.empty() || line[0] == '#') continue;
    if (!SplitArgs(line, &argv)) {
      *error = Cat("line ", line_no, ": unbalanced quotes");
      ok = false;
      break;
    }
    if (argv.empty()) continue;
    const std::string name = ToLower(argv[0]);
    Directive* d = FindDirective(name);
    if (d == nullptr) {
      *error = Cat("line ", line_no, ": unknown directive '", argv[0], "'");
      ok = false;
      break;
    }
    if (!d->multi_arg && argv.size() != 2) {
      *error = Cat("line ", line_no, ": wrong number of arguments for '", d->name, "'");
      ok = false;
      break;
    }
    const std::string value = Join(std::vector<std::string>(argv.begin() + 1, argv.end()), " ");
    std::string reason;
    if (!d->set(value, true, &reason)) {
      *error = Cat("line ", line_no, ": invalid value '", value, "' for '", d->name, "': ", reason);
      ok = false;
      break;
    }
    changed.push_back(d->name);
  }
  RunListeners(changed);
  return ok;
}

bool Config::LoadFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = Cat("cannot open config file '", path, "': ", std::strerror(errno));
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  {
    std::lock_guard<std::mutex> lock(mu_);
    char* resolved = realpath(path.c_str(), nullptr);
    config_file_ = resolved != nullptr ? resolved : path;
    std::free(resolved);
  }
  std::string inner;
  if (!LoadText(buffer.str(), &inner)) {
    *error = Cat(path, ": ", inner);
    return false;
  }
  return true;
}

bool Config::LoadArgs(int argc, char** argv, std::string* error, bool* help,
                      bool* print_trigger_sql) {
  *help = false;
  *print_trigger_sql = false;
  std::string file;
  int i = 1;
  if (argc > 1 && argv[1][0] != '-') {
    file = argv[1];
    i = 2;
  }
  struct Flag {
    std::string name;
    std::vector<std::string> values;
  };
  std::vector<Flag> flags;
  for (; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
    } else if (arg == "--print-trigger-sql") {
      *print_trigger_sql = true;
    } else if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      Flag flag{std::string(arg.substr(2)), {}};
      // A value runs until the next "--" argument (or -h).
      while (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--" &&
             std::string_view(argv[i + 1]) != "-h") {
        flag.values.emplace_back(argv[++i]);
      }
      flags.push_back(std::move(flag));
    } else {
      *error = Cat("unexpected argument '", arg, "'");
      return false;
    }
  }
  if (*help) return true;
  if (!file.empty() && !LoadFile(file, error)) return false;

  std::lock_guard<std::mutex> serial(set_mu_);
  std::vector<std::string> changed;
  bool ok = true;
  for (const Flag& flag : flags) {
    Directive* d = FindDirective(flag.name);
    if (d == nullptr) {
      *error = Cat("--", flag.name, ": unknown directive '", flag.name, "'");
      ok = false;
      break;
    }
    if (!d->multi_arg && flag.values.size() > 1) {
      *error = Cat("--", flag.name, ": wrong number of arguments for '", d->name, "'");
      ok = false;
      break;
    }
    const std::string value = Join(flag.values, " ");
    std::string reason;
    if (!d->set(value, true, &reason)) {
      *error = Cat("--", flag.name, ": invalid value '", value, "' for '", d->name, "': ", reason);
      ok = false;
      break;
    }
    changed.push_back(d->name);
  }
  RunListeners(changed);
  return ok;
}

std::string Config::HelpText() const {
  std::string out =
      "Usage: hotcache-server [/path/to/hotcache.conf] [--directive value ...]\n"
      "       hotcache-server --print-trigger-sql [...]\n"
      "       hotcache-server -h | --help\n"
      "\n"
      "Every directive may appear in the config file as \"directive value\" and on the\n"
      "command line as \"--directive value\" (the command line wins). Most can be changed\n"
      "at run time with CONFIG SET; those marked [start-up only] cannot.\n"
      "\n"
      "Directives:\n";
  for (const Directive* d : directives_) {
    out += Cat("  ", d->name, " ", d->syntax, d->immutable ? "  [start-up only]" : "", "\n      ",
               d->description, "\n");
  }
  out.append(
      "\nFlags:\n"
      "  --print-trigger-sql\n"
      "      Print the SQL that installs the change-notification triggers, then exit.\n"
      "  -h, --help\n"
      "      Print this text, then exit.\n");
  return out;
}

bool Config::Set(std::string_view name, std::string_view value, std::string* error) {
  const std::pair<std::string_view, std::string_view> pair{name, value};
  return SetMany(std::span(&pair, 1), error);
}

bool Config::SetMany(std::span<const std::pair<std::string_view, std::string_view>> pairs,
                     std::string* error) {
  std::lock_guard<std::mutex> serial(set_mu_);
  // Phase 1, as Redis's configSetCommand: names (the first unknown name wins
  // unless an immutable/duplicate error came first), then values.
  std::vector<Directive*> targets(pairs.size(), nullptr);
  std::string_view unknown_name;
  std::string_view error_name;
  std::string reason;
  bool invalid = false;
  for (size_t i = 0; i < pairs.size(); ++i) {
    Directive* d = FindDirective(pairs[i].first);
    if (d == nullptr) {
      if (!invalid) {
        unknown_name = pairs[i].first;
        invalid = true;
      }
      continue;
    }
    if (invalid) continue;
    if (d->immutable) {
      reason = "can't set immutable config";
      error_name = pairs[i].first;
      invalid = true;
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (targets[j] == d) {
        reason = "duplicate parameter";
        error_name = pairs[i].first;
        invalid = true;
        break;
      }
    }
    targets[i] = d;
  }
  if (!invalid) {
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (!targets[i]->set(pairs[i].second, false, &reason)) {
        error_name = pairs[i].first;
        invalid = true;
        break;
      }
    }
  }
  if (invalid) {
    *error = !unknown_name.empty() || error_name.empty()
                 ? protocol::errors::ConfigSetUnknownOption(unknown_name)
                 : protocol::errors::ConfigSetFailed(error_name, reason);
    return false;
  }
  // Phase 2: every value is valid; apply them all.
  std::vector<std::string> changed;
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string ignored;
    targets[i]->set(pairs[i].second, true, &ignored);
    changed.push_back(targets[i]->name);
  }
  RunListeners(changed);
  return true;
}

std::vector<std::pair<std::string, std::string>> Config::Get(std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (pattern.find_first_of("*?[") == std::string_view::npos) {
    if (const Directive* d = FindDirective(pattern)) out.emplace_back(pattern, d->get());
    return out;
  }
  for (const Directive* d : directives_) {
    if (storage::GlobMatch(pattern, d->name, /*nocase=*/true)) out.emplace_back(d->name, d->get());
  }
  return out;
}

std::optional<std::string> Config::GetOne(std::string_view name) const {
  const Directive* d = FindDirective(name);
  if (d == nullptr) return std::nullopt;
  return d->get();
}

std::string Config::config_file() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_file_;
}

void Config::OnChange(std::string_view name, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_[ToLower(name)].push_back(std::move(fn));
}

std::string Config::bind() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bind_;
}

std::string Config::requirepass() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requirepass_;
}

std::string Config::loglevel() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loglevel_;
}

std::string Config::logfile() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logfile_;
}

std::string Config::pg_dsn() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pg_dsn_;
}

std::vector<std::string> Config::pg_sync() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pg_sync_;
}

OutputBufferLimit Config::client_output_buffer_limit(ClientClass c) const {
  std::lock_guard<std::mutex> lock(mu_);
  return output_limits_[static_cast<int>(c)];
}

}  // namespace hotcache::server
