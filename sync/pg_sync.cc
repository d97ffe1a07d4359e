#include "sync/pg_sync.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "spdlog/spdlog.h"
#include "storage/db_view.h"
#include "storage/glob.h"
#include "sync/notify_payload.h"
#include "sync/trigger_sql.h"

namespace hotcache::sync {

namespace {

constexpr size_t kApplyChunk = 256;  // rows written under one set of shard locks
constexpr size_t kScanBucketsPerLock = 1024;
// More notified-but-not-re-read keys than this: forget them and re-sync instead.
constexpr uint64_t kMaxPendingKeys = 2'000'000;

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A PostgreSQL text[] literal: {"a","b\"c"}.
std::string TextArrayLiteral(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

bool IsLost(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

struct PgSync::TableInfo {
  const SyncTable* config = nullptr;
  std::string notify_name;             // nspname.relname, as the trigger names it
  std::vector<std::string> key_types;  // format_type() of each template column
  std::string glob;                    // KeyTemplate::Glob()
  std::string load_sql;
  std::string reread_sql;
  int payload_col = 0;  // first payload column of load/re-read results
};

struct PgSync::Batch {
  size_t table = 0;
  std::vector<std::string> joined;  // "\0"-joined key values
  std::vector<double> ts;
};

const char* SyncStateName(SyncState state) {
  switch (state) {
    case SyncState::kDisconnected:
      return "disconnected";
    case SyncState::kLoading:
      return "loading";
    case SyncState::kStreaming:
      return "streaming";
  }
  return "unknown";
}

PgSync::PgSync(storage::Store* store, const storage::Clock* clock, PgSyncOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      dsn_description_(DescribeDsn(options_.dsn)) {}

PgSync::~PgSync() { Stop(); }

std::string PgSync::TriggerSql(const std::vector<SyncTable>& tables) {
  return sync::TriggerSql(tables);
}

absl::Status PgSync::Start() {
  if (started_) return absl::FailedPreconditionError("PgSync already started");
  started_ = true;
  if (options_.tables.empty()) return absl::OkStatus();
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return absl::InternalError("eventfd failed");
  if (options_.required) {
    absl::Status s = ConnectAndValidate(&query_conn_);
    if (!s.ok()) {
      SetError(s, /*log=*/false);
      return s;
    }
  }
  spdlog::info("pg-sync: following {} table(s) from PostgreSQL ({})", options_.tables.size(),
               dsn_description_);
  listener_ = std::thread([this] { ListenerMain(); });
  worker_ = std::thread([this] { WorkerMain(); });
  return absl::OkStatus();
}

void PgSync::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (stop_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(stop_fd_, &one, sizeof(one));
  }
  if (listener_.joinable()) listener_.join();
  if (worker_.joinable()) worker_.join();
  query_conn_.Close();
  if (stop_fd_ >= 0) {
    close(stop_fd_);
    stop_fd_ = -1;
  }
}

void PgSync::SetError(const absl::Status& status, bool log) {
  std::string message(status.message());
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = message != last_error_;
    last_error_ = message;
  }
  if (log && changed && !message.empty()) spdlog::error("pg-sync: {}", message);
}

bool PgSync::Backoff(int* delay_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool stopping =
      cv_.wait_for(lock, std::chrono::milliseconds(*delay_ms), [this] { return stopping_; });
  *delay_ms = std::min(*delay_ms * 2, options_.backoff_max_ms);
  return !stopping;
}

// ---------------------------------------------------------------------------
// Configuration against the catalog

absl::Status PgSync::ConnectAndValidate(PgConn* conn) {
  absl::Status s = conn->Connect(options_.dsn, stop_fd_, options_.connect_timeout_ms);
  if (!s.ok()) {
    if (s.code() == absl::StatusCode::kCancelled) return s;
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL (", dsn_description_, "): ", s.message()));
  }
  std::vector<TableInfo> tables;
  s = Validate(conn, &tables);
  if (!s.ok()) {
    conn->Close();
    return s;
  }
  tables_ = std::move(tables);
  std::lock_guard<std::mutex> lock(mu_);
  known_tables_.clear();
  for (const TableInfo& t : tables_) known_tables_.insert(t.notify_name);
  return absl::OkStatus();
}

absl::Status PgSync::Validate(PgConn* conn, std::vector<TableInfo>* out) {
  out->clear();
  if (options_.install_triggers) {
    absl::StatusOr<PgResult> r = conn->Exec(TriggerFunctionSql());
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          absl::StrCat("installing the trigger function ", kTriggerFunction, ": ",
                                       r.status().message()));
    }
  }
  for (const SyncTable& cfg : options_.tables) {
    auto fail = [&cfg](absl::Status s, std::string_view what) {
      const absl::StatusCode code = IsLost(s) || s.code() == absl::StatusCode::kCancelled
                                        ? s.code()
                                        : absl::StatusCode::kInvalidArgument;
      return absl::Status(code,
                          absl::StrCat("pg-sync ", cfg.name, ": ", std::string(what), s.message()));
    };
    TableInfo t;
    t.config = &cfg;
    absl::StatusOr<PgResult> r = conn->Exec(
        "SELECT n.nspname || '.' || c.relname, c.oid::text, c.relkind::text "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass($1)",
        {cfg.table});
    if (!r.ok()) return fail(r.status(), absl::StrCat("table ", cfg.table, ": "));
    if (PQntuples(r->get()) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("pg-sync ", cfg.name, ": table ", cfg.table,
                                                     " does not exist (or is not visible)"));
    }
    t.notify_name = PQgetvalue(r->get(), 0, 0);
    const std::string oid = PQgetvalue(r->get(), 0, 1);
    const std::string relkind = PQgetvalue(r->get(), 0, 2);
    if (relkind != "r" && relkind != "p") {
      return absl::InvalidArgumentError(
          absl::StrCat("pg-sync ", cfg.name, ": ", cfg.table, " is not a table"));
    }
    r = conn->Exec(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, "
        "ord) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
        {oid});
    if (!r.ok()) return fail(r.status(), "reading the primary key: ");
    std::vector<std::string> pk_names, pk_types;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      pk_names.emplace_back(PQgetvalue(r->get(), i, 0));
      pk_types.emplace_back(PQgetvalue(r->get(), i, 1));
    }
    if (pk_names.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pg-sync ", cfg.name, ": table ", cfg.table, " has no primary key"));
    }
    for (const std::string& col : cfg.key.columns) {
      auto it = std::find(pk_names.begin(), pk_names.end(), col);
      if (it == pk_names.end()) {
        return absl::InvalidArgumentError(absl::StrCat("pg-sync ", cfg.name, ": key column {", col,
                                                       "} is not in the primary key of ", cfg.table,
                                                       " (", absl::StrJoin(pk_names, ", "), ")"));
      }
      t.key_types.push_back(pk_types[it - pk_names.begin()]);
    }
    for (const std::string& col : pk_names) {
      if (std::find(cfg.key.columns.begin(), cfg.key.columns.end(), col) == cfg.key.columns.end()) {
        return absl::InvalidArgumentError(absl::StrCat("pg-sync ", cfg.name, ": key=", cfg.key_text,
                                                       " must name every primary-key column of ",
                                                       cfg.table, " (missing {", col, "})"));
      }
    }
    // The SQL. Result layout: ordinal, key texts..., present, payload...
    const size_t k = cfg.key.columns.size();
    const std::string payload =
        cfg.format == SyncFormat::kJson ? "row_to_json(hotcache_row)::text" : "hotcache_row.*";
    std::vector<std::string> load_keys, reread_keys, arrays, aliases, join_on;
    for (size_t i = 0; i < k; ++i) {
      const std::string col = absl::StrCat("hotcache_row.", QuoteIdent(cfg.key.columns[i]));
      const std::string cast = absl::StrCat("CAST(u.hc_k", i, " AS ", t.key_types[i], ")");
      load_keys.push_back(absl::StrCat(col, "::text"));
      reread_keys.push_back(absl::StrCat(cast, "::text"));
      arrays.push_back(absl::StrCat("$", i + 1, "::text[]"));
      aliases.push_back(absl::StrCat("hc_k", i));
      join_on.push_back(absl::StrCat(col, " = ", cast));
    }
    if (!cfg.hot.empty()) join_on.push_back(absl::StrCat("(", cfg.hot, ")"));
    t.load_sql = absl::StrCat("SELECT 0, ", absl::StrJoin(load_keys, ", "), ", true, ", payload,
                              " FROM ", cfg.table, " hotcache_row");
    if (!cfg.hot.empty()) absl::StrAppend(&t.load_sql, " WHERE (", cfg.hot, ")");
    t.reread_sql = absl::StrCat(
        "SELECT u.hc_ord, ", absl::StrJoin(reread_keys, ", "), ", hotcache_row.",
        QuoteIdent(cfg.key.columns[0]), " IS NOT NULL, ", payload, " FROM unnest(",
        absl::StrJoin(arrays, ", "), ") WITH ORDINALITY AS u(", absl::StrJoin(aliases, ", "),
        ", hc_ord) LEFT JOIN ", cfg.table, " hotcache_row ON ", absl::StrJoin(join_on, " AND "));
    t.payload_col = static_cast<int>(k) + 2;
    t.glob = cfg.key.Glob();
    // Checks SELECT privilege and the hot= predicate without reading rows.
    r = conn->Exec(absl::StrCat(t.load_sql, " LIMIT 0"));
    if (!r.ok()) return fail(r.status(), "");
    if (options_.install_triggers) {
      r = conn->Exec(TableTriggerSql(cfg));
      if (!r.ok())
        return fail(r.status(), absl::StrCat("installing triggers on ", cfg.table, ": "));
    } else {
      r = conn->Exec(
          "SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::oid AND tgname = "
          "'hotcache_sync_row'",
          {oid});
      if (!r.ok()) return fail(r.status(), "");
      if (std::string_view(PQgetvalue(r->get(), 0, 0)) == "0") {
        spdlog::warn(
            "pg-sync {}: {} has no hotcache_sync_row trigger: changes will not be followed "
            "(set pg-install-triggers yes, or apply the SQL of --print-trigger-sql)",
            cfg.name, cfg.table);
      }
    }
    out->push_back(std::move(t));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// The listener

void PgSync::ListenerMain() {
  int delay = options_.backoff_min_ms;
  std::vector<std::string> payloads;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    PgConn conn;
    absl::Status s = conn.Connect(options_.dsn, stop_fd_, options_.connect_timeout_ms);
    if (s.ok()) {
      s = conn.Exec(absl::StrCat("LISTEN ", QuoteIdent(kChannel))).status();
    }
    if (!s.ok()) {
      if (s.code() == absl::StatusCode::kCancelled) break;
      SetError(absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL (",
                                                   dsn_description_, "): ", s.message())),
               /*log=*/true);
      if (!Backoff(&delay)) break;
      continue;
    }
    delay = options_.backoff_min_ms;
    {
      std::lock_guard<std::mutex> lock(mu_);
      listener_up_ = true;
      ++listen_generation_;
      ++counters_.listener_connects;
    }
    cv_.notify_all();
    spdlog::info("pg-sync: listening for changes on channel '{}'", kChannel);
    std::string lost;
    while (true) {
      const int w = conn.WaitReadable(-1);
      if (w < 0) break;  // stopping
      if (!PQconsumeInput(conn.raw())) {
        lost = PQerrorMessage(conn.raw());
        break;
      }
      payloads.clear();
      while (PGnotify* n = PQnotifies(conn.raw())) {
        payloads.emplace_back(n->extra);
        PQfreemem(n);
      }
      if (!payloads.empty()) AddNotices(payloads);
      // Results of nothing (we sent no query) or an error report before the close.
      while (!PQisBusy(conn.raw())) {
        PGresult* r = PQgetResult(conn.raw());
        if (r == nullptr) break;
        PQclear(r);
      }
      if (PQstatus(conn.raw()) == CONNECTION_BAD) {
        lost = PQerrorMessage(conn.raw());
        break;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      listener_up_ = false;
    }
    cv_.notify_all();
    conn.Close();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    while (!lost.empty() && (lost.back() == '\n' || lost.back() == ' ')) lost.pop_back();
    spdlog::warn("pg-sync: lost the listening connection ({}); reconnecting and re-synchronising",
                 lost.empty() ? "closed" : lost);
    if (!Backoff(&delay)) break;
  }
}

void PgSync::AddNotices(const std::vector<std::string>& payloads) {
  std::vector<ChangeNotice> notices(payloads.size());
  size_t bad = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (!ParseNotifyPayload(payloads[i], &notices[i])) {
      notices[i].op = 0;
      ++bad;
    }
  }
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counters_.notifications += payloads.size();
    for (ChangeNotice& n : notices) {
      if (n.op == 0) continue;
      if (!known_tables_.empty() && !known_tables_.contains(n.table)) continue;
      if (n.op == 'T' || n.op == 'R') {
        resync_requested_ = true;
        wake = true;
        continue;
      }
      auto& keys = pending_[n.table];
      for (int which = 0; which < 2; ++which) {
        if (!(which == 0 ? n.has_old : n.has_new)) continue;
        auto [it, inserted] = keys.try_emplace(
            absl::StrJoin(which == 0 ? n.old_key : n.new_key, absl::string_view("\0", 1)), n.ts);
        if (inserted) {
          ++pending_count_;
        } else if (n.ts > 0 && (it->second == 0 || n.ts < it->second)) {
          it->second = n.ts;
        }
        wake = true;
      }
    }
    counters_.max_pending_keys = std::max(counters_.max_pending_keys, pending_count_);
    if (pending_count_ > kMaxPendingKeys) {
      // Far behind (the worker cannot reach PostgreSQL?): a re-sync is cheaper
      // than remembering every key.
      pending_.clear();
      pending_count_ = 0;
      resync_requested_ = true;
    }
  }
  if (bad > 0) spdlog::debug("pg-sync: ignored {} malformed notification(s)", bad);
  if (wake) cv_.notify_all();
}

// ---------------------------------------------------------------------------
// The worker

void PgSync::WorkerMain() {
  int delay = options_.backoff_min_ms;
  auto needs_resync = [this] {
    return listener_up_ && (listen_generation_ != synced_generation_ || resync_requested_);
  };
  // Handles a failed step; false when stopping.
  auto failed = [&](const absl::Status& s) {
    if (s.code() == absl::StatusCode::kCancelled) return false;
    SetError(s, /*log=*/true);
    // Whatever went wrong (a lost connection, or a schema change that broke a
    // query), start again from a fresh connection and a fresh look at the catalog.
    query_conn_.Close();
    {
      std::lock_guard<std::mutex> lock(mu_);
      worker_up_ = false;
    }
    return Backoff(&delay);
  };
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    if (!query_conn_.connected()) {
      absl::Status s = ConnectAndValidate(&query_conn_);
      if (!s.ok()) {
        if (!failed(s)) break;
        continue;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!worker_up_) {
        worker_up_ = true;
        last_error_.clear();
      }
    }
    enum { kResync, kReread } what;
    uint64_t generation = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      const bool ready = cv_.wait_for(lock, std::chrono::seconds(1), [&] {
        return stopping_ || needs_resync() || (synced_generation_ > 0 && pending_count_ > 0);
      });
      if (stopping_) break;
      if (!ready) continue;
      if (needs_resync()) {
        what = kResync;
        generation = listen_generation_;
        loading_ = true;
        resync_requested_ = false;
        // Every notification received so far was committed before the
        // snapshot the load is about to take: the load covers it.
        pending_.clear();
        pending_count_ = 0;
      } else {
        what = kReread;
      }
    }
    if (what == kResync) {
      absl::Status s = FullResync(&query_conn_);
      {
        std::lock_guard<std::mutex> lock(mu_);
        loading_ = false;
        if (s.ok()) {
          synced_generation_ = generation;
        } else {
          resync_requested_ = true;
        }
      }
      if (!s.ok() && !failed(s)) break;
      if (s.ok()) delay = options_.backoff_min_ms;
      continue;
    }
    Batch batch;
    if (!TakeBatch(&batch)) continue;
    absl::Status s = Reread(&query_conn_, &batch);
    if (!s.ok()) {
      ReturnBatch(&batch);
      if (!failed(s)) break;
      continue;
    }
    delay = options_.backoff_min_ms;
  }
  query_conn_.Close();
  std::lock_guard<std::mutex> lock(mu_);
  worker_up_ = false;
}

bool PgSync::TakeBatch(Batch* batch) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!pending_.empty()) {
    auto table_it = pending_.begin();
    auto& keys = table_it->second;
    size_t index = tables_.size();
    for (size_t i = 0; i < tables_.size(); ++i) {
      if (tables_[i].notify_name == table_it->first) index = i;
    }
    if (index == tables_.size() || keys.empty()) {
      pending_count_ -= keys.size();  // a table we do not sync
      pending_.erase(table_it);
      continue;
    }
    batch->table = index;
    const size_t n = std::min(keys.size(), static_cast<size_t>(options_.reread_batch));
    batch->joined.reserve(n);
    batch->ts.reserve(n);
    for (auto it = keys.begin(); batch->joined.size() < n;) {
      auto node = keys.extract(it++);
      batch->joined.push_back(std::move(node.key()));
      batch->ts.push_back(node.mapped());
    }
    pending_count_ -= n;
    if (keys.empty()) pending_.erase(table_it);
    return true;
  }
  return false;
}

void PgSync::ReturnBatch(Batch* batch) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& keys = pending_[tables_[batch->table].notify_name];
  for (size_t i = 0; i < batch->joined.size(); ++i) {
    auto [it, inserted] = keys.try_emplace(std::move(batch->joined[i]), batch->ts[i]);
    if (inserted) {
      ++pending_count_;
    } else if (batch->ts[i] > 0 && (it->second == 0 || batch->ts[i] < it->second)) {
      it->second = batch->ts[i];
    }
  }
}

absl::Status PgSync::Reread(PgConn* conn, Batch* batch) {
  const TableInfo& t = tables_[batch->table];
  const size_t k = t.config->key.columns.size();
  std::vector<std::vector<std::string_view>> columns(k);
  for (const std::string& joined : batch->joined) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(absl::string_view(joined), absl::string_view("\0", 1));
    if (parts.size() != k) continue;  // a payload from an older key layout: ignore
    for (size_t i = 0; i < k; ++i) columns[i].emplace_back(parts[i].data(), parts[i].size());
  }
  std::vector<std::string> params;
  params.reserve(k);
  for (const auto& col : columns) params.push_back(TextArrayLiteral(col));
  absl::StatusOr<PgResult> r = conn->Exec(t.reread_sql, params);
  if (!r.ok()) {
    return absl::Status(
        r.status().code(),
        absl::StrCat("pg-sync ", t.config->name, ": re-reading rows: ", r.status().message()));
  }
  // Ordinals are 1-based positions in the arrays, i.e. among the keys kept above.
  std::vector<double> ts;
  ts.reserve(columns.empty() ? 0 : columns[0].size());
  for (size_t i = 0; i < batch->joined.size(); ++i) {
    if (std::count(batch->joined[i].begin(), batch->joined[i].end(), '\0') + 1 ==
        static_cast<long>(k)) {
      ts.push_back(batch->ts[i]);
    }
  }
  ApplyRows(t, r->get(), &ts, nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_.reread_queries;
  return absl::OkStatus();
}

void PgSync::ApplyRows(const TableInfo& t, const PGresult* res, const std::vector<double>* ts,
                       absl::flat_hash_set<uint64_t>* loaded) {
  const int rows = PQntuples(res);
  const int fields = PQnfields(res);
  const int k = static_cast<int>(t.config->key.columns.size());
  const bool json = t.config->format == SyncFormat::kJson;
  std::vector<std::string> keys;
  std::vector<uint64_t> hashes;
  std::vector<double> lags;
  absl::InlinedVector<std::string_view, 4> values(k);
  uint64_t written = 0, deleted = 0;
  for (int begin = 0; begin < rows; begin += static_cast<int>(kApplyChunk)) {
    const int end = std::min(rows, begin + static_cast<int>(kApplyChunk));
    keys.clear();
    hashes.clear();
    storage::LockSet locks(store_);
    for (int i = begin; i < end; ++i) {
      for (int c = 0; c < k; ++c) {
        values[c] = std::string_view(PQgetvalue(res, i, 1 + c), PQgetlength(res, i, 1 + c));
      }
      keys.push_back(t.config->key.Render(values));
      hashes.push_back(storage::Store::HashKey(keys.back()));
      locks.AddShard(store_->ShardIndex(hashes.back()));
    }
    locks.Lock();
    storage::DbView db(store_, options_.db, clock_->NowMs());
    for (int i = begin; i < end; ++i) {
      const std::string& key = keys[i - begin];
      const bool present = PQgetvalue(res, i, k + 1)[0] == 't';
      if (present) {
        bool created;
        if (json) {
          const std::string_view value(PQgetvalue(res, i, t.payload_col),
                                       PQgetlength(res, i, t.payload_col));
          storage::Entry* e = db.FindOrCreate(key, &created, value.size());
          e = db.SetValue(e, value);  // may move the entry
          if (e->has_expiry()) db.SetExpiry(e, 0);
        } else {
          storage::Entry* e = db.FindOrCreate(key, &created);
          e->SetEmptyHash();
          storage::HashValue& h = e->hash();
          h.reserve(fields - t.payload_col);
          for (int c = t.payload_col; c < fields; ++c) {
            if (PQgetisnull(res, i, c)) continue;
            h.emplace(PQfname(res, c),
                      std::string_view(PQgetvalue(res, i, c), PQgetlength(res, i, c)));
          }
          if (e->has_expiry()) db.SetExpiry(e, 0);
        }
        ++written;
        if (loaded != nullptr) loaded->insert(hashes[i - begin]);
        NotifyKeyChanged(store_->ShardIndex(hashes[i - begin]), key);
      } else if (storage::Entry* e = db.Find(key); e != nullptr) {
        db.Erase(e);
        ++deleted;
        NotifyKeyChanged(store_->ShardIndex(hashes[i - begin]), key);
      }
    }
    locks.Unlock();
    if (ts != nullptr) {
      const double now = NowSeconds();
      for (int i = begin; i < end; ++i) {
        const long ord = std::strtol(PQgetvalue(res, i, 0), nullptr, 10);
        if (ord < 1 || static_cast<size_t>(ord) > ts->size()) continue;
        const double when = (*ts)[ord - 1];
        if (when > 0) lags.push_back(std::max(0.0, (now - when) * 1000.0));
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (loaded == nullptr) {
    counters_.keys_refreshed += written;
  }
  counters_.keys_deleted += deleted;
  for (double lag : lags) RecordLag(lag);
}

void PgSync::RecordLag(double lag_ms) {
  if (lag_samples_.size() < kLagWindow) {
    lag_samples_.push_back(static_cast<float>(lag_ms));
  } else {
    lag_samples_[lag_next_] = static_cast<float>(lag_ms);
  }
  lag_next_ = (lag_next_ + 1) % kLagWindow;
  lag_last_ = lag_ms;
}

void PgSync::ResetLag() {
  std::lock_guard<std::mutex> lock(mu_);
  lag_samples_.clear();
  lag_next_ = 0;
  lag_last_ = 0;
}

absl::Status PgSync::FullResync(PgConn* conn) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<PgResult> r = conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!r.ok()) return r.status();
  absl::flat_hash_set<uint64_t> loaded;
  uint64_t rows = 0;
  double fetch_s = 0, apply_s = 0;
  for (const TableInfo& t : tables_) {
    r = conn->Exec(absl::StrCat("DECLARE hotcache_load NO SCROLL CURSOR FOR ", t.load_sql));
    if (!r.ok()) {
      return absl::Status(r.status().code(), absl::StrCat("pg-sync ", t.config->name,
                                                          ": loading: ", r.status().message()));
    }
    const std::string fetch =
        absl::StrCat("FETCH FORWARD ", options_.load_fetch_rows, " FROM hotcache_load");
    // Pipelined: the next FETCH is sent before this batch is written, so
    // PostgreSQL produces batch n+1 while the cache takes batch n.
    absl::Status sent = conn->Send(fetch);
    if (!sent.ok()) return sent;
    while (true) {
      const auto f0 = std::chrono::steady_clock::now();
      r = conn->Receive();
      if (!r.ok()) {
        return absl::Status(r.status().code(), absl::StrCat("pg-sync ", t.config->name,
                                                            ": loading: ", r.status().message()));
      }
      const auto f1 = std::chrono::steady_clock::now();
      const int n = PQntuples(r->get());
      if (n == 0) break;
      sent = conn->Send(fetch);
      if (!sent.ok()) return sent;
      ApplyRows(t, r->get(), nullptr, &loaded);
      fetch_s += std::chrono::duration<double>(f1 - f0).count();
      apply_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - f1).count();
      rows += n;
    }
    r = conn->Exec("CLOSE hotcache_load");
    if (!r.ok()) return r.status();
  }
  r = conn->Exec("COMMIT");
  if (!r.ok()) return r.status();
  DeleteUnloaded(loaded);
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  uint64_t loads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counters_.rows_loaded = rows;
    counters_.load_time_ms = ms;
    loads = ++counters_.loads;
    if (loads > 1) ++counters_.resyncs;
  }
  spdlog::info(
      "pg-sync: {} {} rows from {} table(s) in {} ms ({:.0f} rows/s; waiting for PostgreSQL {:.0f} "
      "ms, writing the cache {:.0f} ms)",
      loads > 1 ? "re-synchronised" : "loaded", rows, tables_.size(), ms,
      ms > 0 ? rows * 1000.0 / ms : static_cast<double>(rows), fetch_s * 1000, apply_s * 1000);
  return absl::OkStatus();
}

void PgSync::NotifyKeyChanged(size_t shard, std::string_view key) {
  if (options_.on_key_changed) options_.on_key_changed(shard, key);
}

void PgSync::DeleteUnloaded(const absl::flat_hash_set<uint64_t>& loaded) {
  const uint64_t shard_mask = store_->num_shards() - 1;
  uint64_t cursor = 0;
  uint64_t deleted = 0;
  std::vector<std::string> doomed;
  do {
    const size_t shard = cursor & shard_mask;
    storage::LockSet locks(store_);
    locks.AddShard(shard);
    locks.Lock();
    storage::DbView db(store_, options_.db, clock_->NowMs());
    doomed.clear();
    size_t steps = 0;
    do {
      cursor = db.Scan(cursor, 1, [&](storage::Entry* e) {
        const std::string_view key = e->key();
        if (loaded.contains(e->key_hash())) return;
        for (const TableInfo& t : tables_) {
          const std::string& prefix = t.config->key.literals[0];
          if (key.starts_with(prefix) && storage::GlobMatch(t.glob, key)) {
            doomed.emplace_back(key);
            return;
          }
        }
      });
    } while (cursor != 0 && (cursor & shard_mask) == shard && ++steps < kScanBucketsPerLock);
    for (const std::string& key : doomed) {
      if (storage::Entry* e = db.Find(key); e != nullptr) {
        db.Erase(e);
        ++deleted;
        NotifyKeyChanged(shard, key);
      }
    }
  } while (cursor != 0);
  std::lock_guard<std::mutex> lock(mu_);
  counters_.keys_deleted += deleted;
}

// ---------------------------------------------------------------------------
// Introspection

SyncStats PgSync::Stats() const {
  std::vector<float> samples;
  SyncStats s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = counters_;
    if (!listener_up_ || !worker_up_) {
      s.state = SyncState::kDisconnected;
    } else if (loading_ || listen_generation_ != synced_generation_ || resync_requested_) {
      s.state = SyncState::kLoading;
    } else {
      s.state = SyncState::kStreaming;
    }
    s.pending_keys = pending_count_;
    s.lag_ms = lag_last_;
    s.last_error = last_error_;
    samples = lag_samples_;
  }
  if (!samples.empty()) {
    auto pct = [&samples](double p) {
      const size_t i = std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()));
      std::nth_element(samples.begin(), samples.begin() + i, samples.end());
      return static_cast<double>(samples[i]);
    };
    s.lag_p50_ms = pct(0.50);
    s.lag_p99_ms = pct(0.99);
  }
  return s;
}

void PgSync::AppendInfo(std::string* out) const {
  const SyncStats s = Stats();
  std::string error = s.last_error;
  // One line, and no ',' (clients such as redis-py split values holding ',' and '=').
  for (char& c : error) {
    if (c == '\r' || c == '\n') c = ' ';
    if (c == ',') c = ';';
  }
  absl::StrAppend(
      out, "# Sync\r\n", "sync_state:", SyncStateName(s.state), "\r\n",
      "sync_tables:", options_.tables.size(), "\r\n", "sync_rows_loaded:", s.rows_loaded, "\r\n",
      "sync_load_time_ms:", s.load_time_ms, "\r\n", "sync_loads:", s.loads, "\r\n",
      "sync_resyncs:", s.resyncs, "\r\n", "sync_notifications:", s.notifications, "\r\n",
      "sync_keys_refreshed:", s.keys_refreshed, "\r\n", "sync_keys_deleted:", s.keys_deleted,
      "\r\n", "sync_reread_queries:", s.reread_queries, "\r\n",
      "sync_listener_connects:", s.listener_connects, "\r\n", "sync_pending_keys:", s.pending_keys,
      "\r\n", "sync_max_pending_keys:", s.max_pending_keys, "\r\n");
  absl::StrAppendFormat(out, "sync_lag_ms:%.2f\r\nsync_lag_p50_ms:%.2f\r\nsync_lag_p99_ms:%.2f\r\n",
                        s.lag_ms, s.lag_p50_ms, s.lag_p99_ms);
  absl::StrAppend(out, "sync_last_error:", error, "\r\n");
}

}  // namespace hotcache::sync
