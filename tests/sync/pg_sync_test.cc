// PgSync against a real PostgreSQL. Needs HOTCACHE_TEST_PG_DSN (a superuser
// DSN of a throwaway database, as tools/test exports); skipped without it.
// Each test works in its own schema, so tests may run in parallel.

#include "sync/pg_sync.h"

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <thread>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "storage/glob.h"
#include "sync/trigger_sql.h"

namespace hotcache::sync {
namespace {

using std::chrono::milliseconds;

class Pg {
 public:
  explicit Pg(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {}
  ~Pg() { PQfinish(conn_); }
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_); }
  // Runs sql; returns rows of text (NULL as "\x01NULL").
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::vector<std::vector<std::string>> rows;
    const ExecStatusType st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r);
    for (int i = 0; i < PQntuples(r); ++i) {
      rows.emplace_back();
      for (int j = 0; j < PQnfields(r); ++j) {
        rows.back().push_back(PQgetisnull(r, i, j)
                                  ? std::string("\x01NULL")
                                  : std::string(PQgetvalue(r, i, j), PQgetlength(r, i, j)));
      }
    }
    PQclear(r);
    return rows;
  }
  void Exec(const std::string& sql) { Query(sql); }

 private:
  PGconn* conn_;
};

std::string Dsn() {
  const char* dsn = std::getenv("HOTCACHE_TEST_PG_DSN");
  return dsn == nullptr ? "" : dsn;
}

std::optional<std::string> GetString(storage::Store& store, const std::string& key) {
  storage::LockSet locks(&store);
  locks.AddKey(key);
  locks.Lock();
  storage::DbView db(&store, 0, storage::SystemClock().NowMs());
  storage::Entry* e = db.Find(key);
  if (e == nullptr || e->type() != storage::ValueType::kString) return std::nullopt;
  return std::string(e->str());
}

std::optional<std::map<std::string, std::string>> GetHash(storage::Store& store,
                                                          const std::string& key) {
  storage::LockSet locks(&store);
  locks.AddKey(key);
  locks.Lock();
  storage::DbView db(&store, 0, storage::SystemClock().NowMs());
  storage::Entry* e = db.Find(key);
  if (e == nullptr || e->type() != storage::ValueType::kHash) return std::nullopt;
  return std::map<std::string, std::string>(e->hash().begin(), e->hash().end());
}

// Every string key matching `glob`, with its value.
std::map<std::string, std::string> CacheStrings(storage::Store& store, const std::string& glob) {
  std::map<std::string, std::string> out;
  storage::LockSet locks(&store);
  locks.AddAll();
  locks.Lock();
  storage::DbView db(&store, 0, storage::SystemClock().NowMs());
  uint64_t cursor = 0;
  do {
    cursor = db.Scan(cursor, 100, [&](storage::Entry* e) {
      if (storage::GlobMatch(glob, e->key()) && e->type() == storage::ValueType::kString) {
        out[std::string(e->key())] = std::string(e->str());
      }
    });
  } while (cursor != 0);
  return out;
}

template <typename Pred>
bool WaitFor(Pred pred, int timeout_ms = 10000) {
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return pred();
}

class PgSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Dsn().empty()) GTEST_SKIP() << "HOTCACHE_TEST_PG_DSN is not set (tools/test sets it)";
    schema_ = std::string("hc_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : schema_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    admin_ = std::make_unique<Pg>(Dsn());
    ASSERT_TRUE(admin_->ok()) << admin_->error();
    admin_->Exec("SET client_min_messages = warning");
    admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    admin_->Exec("CREATE SCHEMA " + schema_);
  }
  void TearDown() override {
    if (sync_ != nullptr) sync_->Stop();
    sync_.reset();
    if (admin_ != nullptr) admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  // table name in this test's schema
  std::string T(const std::string& name) const { return schema_ + "." + name; }

  SyncTable Line(const std::string& line) {
    auto t = ParseSyncLine(line);
    EXPECT_TRUE(t.ok()) << t.status();
    return *t;
  }

  // Starts PgSync on `lines` (table names are qualified by the caller).
  void StartSync(const std::vector<std::string>& lines, bool required = true) {
    PgSyncOptions options;
    // Our own application_name, so the fault test terminates only our listener.
    options.dsn = Dsn() + " application_name=" + schema_;
    for (const std::string& l : lines) options.tables.push_back(Line(l));
    options.install_triggers = true;
    options.required = required;
    options.backoff_min_ms = 20;
    options.backoff_max_ms = 200;
    // Small batches, so that loads and re-reads take several round trips.
    options.load_fetch_rows = 128;
    options.reread_batch = 16;
    sync_ = std::make_unique<PgSync>(&store_, &clock_, options);
    absl::Status s = sync_->Start();
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_TRUE(WaitStreaming());
  }
  bool WaitStreaming() {
    return WaitFor([&] {
      SyncStats s = sync_->Stats();
      return s.state == SyncState::kStreaming && s.pending_keys == 0;
    });
  }
  // The cache value the row should have: row_to_json of the row.
  std::string Json(const std::string& table, const std::string& where) {
    auto rows = admin_->Query("SELECT row_to_json(t)::text FROM " + table + " t WHERE " + where);
    EXPECT_EQ(rows.size(), 1u) << where;
    return rows.empty() ? "" : rows[0][0];
  }
  bool Eventually(const std::string& key, const std::optional<std::string>& want) {
    return WaitFor([&] { return GetString(store_, key) == want; });
  }

  storage::Store store_;
  storage::SystemClock clock_;
  std::string schema_;
  std::unique_ptr<Pg> admin_;
  std::unique_ptr<PgSync> sync_;
};

TEST_F(PgSyncTest, WarmLoadBothFormatsHotPredicateAndNulls) {
  admin_->Exec("CREATE TABLE " + T("products") +
               " (id int PRIMARY KEY, name text, price numeric(10,2), is_hot bool NOT NULL, "
               "tags text[], created timestamptz DEFAULT '2024-01-02 03:04:05+00', note text)");
  admin_->Exec("INSERT INTO " + T("products") +
               " (id, name, price, is_hot, tags, note) SELECT g, 'p' || g, g * 1.5, g % 2 = 0, "
               "ARRAY['a','b'], "
               "CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' END FROM generate_series(1, 1000) g");
  admin_->Exec("CREATE TABLE " + T("categories") + " (id int PRIMARY KEY, name text, parent int)");
  admin_->Exec("INSERT INTO " + T("categories") + " VALUES (1, 'shoes', NULL), (2, 'boots', 1)");
  // A stale key from before: the load deletes it (no such row).
  {
    storage::LockSet locks(&store_);
    locks.AddKey("product:999999");
    locks.Lock();
    storage::DbView db(&store_, 0, clock_.NowMs());
    bool created;
    db.FindOrCreate("product:999999", &created)->SetString("stale");
  }
  StartSync({"products table=" + T("products") + " key=product:{id} format=json hot=\"is_hot\"",
             "categories table=" + T("categories") + " key=category:{id} format=hash"});
  SyncStats st = sync_->Stats();
  EXPECT_EQ(st.rows_loaded, 502u);
  EXPECT_EQ(st.loads, 1u);
  EXPECT_EQ(GetString(store_, "product:2"), Json(T("products"), "id = 2"));
  EXPECT_EQ(GetString(store_, "product:6"), Json(T("products"), "id = 6"));  // note NULL
  EXPECT_NE(GetString(store_, "product:6")->find("\"note\":null"), std::string::npos);
  EXPECT_EQ(GetString(store_, "product:1"), std::nullopt);  // not hot
  EXPECT_EQ(GetString(store_, "product:999999"), std::nullopt);
  EXPECT_EQ(CacheStrings(store_, "product:*").size(), 500u);
  auto cat = GetHash(store_, "category:1");
  ASSERT_TRUE(cat.has_value());
  EXPECT_EQ(*cat, (std::map<std::string, std::string>{{"id", "1"}, {"name", "shoes"}}));
  EXPECT_EQ(*GetHash(store_, "category:2"),
            (std::map<std::string, std::string>{{"id", "2"}, {"name", "boots"}, {"parent", "1"}}));
  std::string info;
  sync_->AppendInfo(&info);
  EXPECT_EQ(info.rfind("# Sync\r\nsync_state:streaming\r\n", 0), 0u) << info;
  EXPECT_NE(info.find("sync_rows_loaded:502\r\n"), std::string::npos) << info;
}

TEST_F(PgSyncTest, InsertUpdateDeleteAndHotInOut) {
  admin_->Exec("CREATE TABLE " + T("products") +
               " (id int PRIMARY KEY, name text, is_hot bool NOT NULL DEFAULT true)");
  StartSync({"products table=" + T("products") + " key=product:{id} format=json hot=is_hot"});
  admin_->Exec("INSERT INTO " + T("products") + " VALUES (1, 'one', true), (2, 'two', false)");
  EXPECT_TRUE(Eventually("product:1", Json(T("products"), "id = 1")));
  admin_->Exec("UPDATE " + T("products") + " SET name = 'uno' WHERE id = 1");
  EXPECT_TRUE(Eventually("product:1", std::string(R"({"id":1,"name":"uno","is_hot":true})")));
  admin_->Exec("UPDATE " + T("products") + " SET is_hot = true WHERE id = 2");  // moves in
  EXPECT_TRUE(Eventually("product:2", Json(T("products"), "id = 2")));
  admin_->Exec("UPDATE " + T("products") + " SET is_hot = false WHERE id = 1");  // moves out
  EXPECT_TRUE(Eventually("product:1", std::nullopt));
  admin_->Exec("DELETE FROM " + T("products") + " WHERE id = 2");
  EXPECT_TRUE(Eventually("product:2", std::nullopt));
  admin_->Exec("UPDATE " + T("products") + " SET id = 3, is_hot = true WHERE id = 1");
  EXPECT_TRUE(Eventually("product:3", Json(T("products"), "id = 3")));
  EXPECT_EQ(GetString(store_, "product:1"), std::nullopt);
  SyncStats st = sync_->Stats();
  EXPECT_GT(st.notifications, 0u);
  EXPECT_GT(st.keys_refreshed, 0u);
  EXPECT_GT(st.keys_deleted, 0u);
  EXPECT_GT(st.lag_p99_ms, 0.0);
}

TEST_F(PgSyncTest, CompositeKeyWithPrimaryKeyChangeAndHash) {
  admin_->Exec("CREATE TABLE " + T("stock") +
               " (warehouse_id int, sku text, qty int, PRIMARY KEY (warehouse_id, sku))");
  admin_->Exec("INSERT INTO " + T("stock") + " VALUES (1, 'A', 5), (2, 'B', NULL)");
  StartSync({"stock table=" + T("stock") + " key=stock:{warehouse_id}:{sku} format=hash"});
  EXPECT_EQ(*GetHash(store_, "stock:1:A"), (std::map<std::string, std::string>{
                                               {"warehouse_id", "1"}, {"sku", "A"}, {"qty", "5"}}));
  EXPECT_EQ(*GetHash(store_, "stock:2:B"),
            (std::map<std::string, std::string>{{"warehouse_id", "2"}, {"sku", "B"}}));
  admin_->Exec("UPDATE " + T("stock") + " SET sku = 'C', qty = 7 WHERE warehouse_id = 1");
  EXPECT_TRUE(WaitFor([&] { return GetHash(store_, "stock:1:C").has_value(); }));
  EXPECT_TRUE(WaitFor([&] { return !GetHash(store_, "stock:1:A").has_value(); }));
  EXPECT_EQ((*GetHash(store_, "stock:1:C"))["qty"], "7");
}

TEST_F(PgSyncTest, UnicodeAndOneMegabyteText) {
  admin_->Exec("CREATE TABLE " + T("docs") + " (id text PRIMARY KEY, body text)");
  StartSync({"docs table=" + T("docs") + " key=doc:{id} format=json"});
  admin_->Exec(
      "INSERT INTO " + T("docs") +
      " VALUES ('ü日本😀', 'Grüße \"quoted\" \\ back 日本語 😀'), ('big', repeat('x', 1048576))");
  EXPECT_TRUE(Eventually("doc:ü日本😀", Json(T("docs"), "id = 'ü日本😀'")));
  EXPECT_TRUE(Eventually("doc:big", Json(T("docs"), "id = 'big'")));
  EXPECT_GT(GetString(store_, "doc:big")->size(), 1048576u);
  admin_->Exec("DELETE FROM " + T("docs") + " WHERE id = 'ü日本😀'");
  EXPECT_TRUE(Eventually("doc:ü日本😀", std::nullopt));
}

TEST_F(PgSyncTest, RollbackNeverAppearsAndHundredUpdatesCoalesce) {
  admin_->Exec("CREATE TABLE " + T("p") + " (id int PRIMARY KEY, v int)");
  admin_->Exec("INSERT INTO " + T("p") + " VALUES (1, 0)");
  StartSync({"p table=" + T("p") + " key=p:{id} format=json"});
  admin_->Exec("BEGIN");
  admin_->Exec("INSERT INTO " + T("p") + " VALUES (2, 2)");
  admin_->Exec("UPDATE " + T("p") + " SET v = 99 WHERE id = 1");
  admin_->Exec("ROLLBACK");
  const SyncStats before = sync_->Stats();
  admin_->Exec("BEGIN");
  for (int i = 1; i <= 100; ++i) {
    admin_->Exec("UPDATE " + T("p") + " SET v = " + std::to_string(i) + " WHERE id = 1");
  }
  admin_->Exec("COMMIT");
  // Notifications arrive in commit order: once the committed one is applied,
  // the rolled-back transaction (which sent none) is past.
  EXPECT_TRUE(Eventually("p:1", std::string(R"({"id":1,"v":100})")));
  EXPECT_EQ(GetString(store_, "p:2"), std::nullopt);
  ASSERT_TRUE(WaitStreaming());
  const SyncStats after = sync_->Stats();
  // One transaction's identical payloads are delivered once; at most a couple of re-reads.
  EXPECT_LE(after.keys_refreshed - before.keys_refreshed, 2u);
  EXPECT_LE(after.reread_queries - before.reread_queries, 2u);
}

TEST_F(PgSyncTest, TruncateDeletesTheKeys) {
  admin_->Exec("CREATE TABLE " + T("p") + " (id int PRIMARY KEY, v int)");
  admin_->Exec("INSERT INTO " + T("p") + " SELECT g, g FROM generate_series(1, 50) g");
  StartSync({"p table=" + T("p") + " key=p:{id} format=json"});
  EXPECT_EQ(CacheStrings(store_, "p:*").size(), 50u);
  admin_->Exec("TRUNCATE " + T("p"));
  EXPECT_TRUE(WaitFor([&] { return CacheStrings(store_, "p:*").empty(); }));
  EXPECT_GE(sync_->Stats().resyncs, 1u);
}

TEST_F(PgSyncTest, TerminatedListenerLosesNothing) {
  admin_->Exec("CREATE TABLE " + T("p") + " (id int PRIMARY KEY, v int, is_hot bool)");
  admin_->Exec("INSERT INTO " + T("p") + " SELECT g, 0, true FROM generate_series(1, 200) g");
  StartSync({"p table=" + T("p") + " key=p:{id} format=json hot=is_hot"});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    Pg w(Dsn());
    int i = 0;
    while (!stop.load()) {
      ++i;
      const std::string id = std::to_string(i % 250 + 1);
      w.Exec(
          "INSERT INTO " + T("p") + " VALUES (" + id + ", " + std::to_string(i) +
          ", true) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, is_hot = (EXCLUDED.v % 7 <> 0)");
      if (i % 13 == 0)
        w.Exec("DELETE FROM " + T("p") + " WHERE id = " + std::to_string(i % 200 + 1));
    }
  });
  std::this_thread::sleep_for(milliseconds(200));
  for (int round = 0; round < 3; ++round) {
    auto killed = admin_->Query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = '" +
        schema_ + "' AND query ILIKE 'LISTEN%'");
    EXPECT_EQ(killed.size(), 1u);
    std::this_thread::sleep_for(milliseconds(300));
  }
  stop = true;
  writer.join();
  auto expected_rows =
      admin_->Query("SELECT id::text, row_to_json(t)::text FROM " + T("p") + " t WHERE is_hot");
  std::map<std::string, std::string> expected;
  for (auto& row : expected_rows) expected["p:" + row[0]] = row[1];
  EXPECT_TRUE(WaitFor([&] { return CacheStrings(store_, "p:*") == expected; }, 20000));
  EXPECT_EQ(CacheStrings(store_, "p:*"), expected);
  const SyncStats st = sync_->Stats();
  EXPECT_GE(st.listener_connects, 4u);
  EXPECT_GE(st.resyncs, 3u);
}

TEST_F(PgSyncTest, ConfigErrorsAreOneClearLine) {
  admin_->Exec("CREATE TABLE " + T("stock") + " (w int, sku text, PRIMARY KEY (w, sku))");
  auto start = [&](const std::string& line, const std::string& dsn) {
    PgSyncOptions options;
    options.dsn = dsn;
    options.tables.push_back(Line(line));
    options.required = true;
    options.connect_timeout_ms = 3000;
    PgSync sync(&store_, &clock_, options);
    absl::Status s = sync.Start();
    EXPECT_FALSE(s.ok()) << line;
    return std::string(s.message());
  };
  EXPECT_EQ(start("x table=" + T("nope") + " key=x:{id} format=json", Dsn()),
            "pg-sync x: table " + T("nope") + " does not exist (or is not visible)");
  EXPECT_EQ(start("x table=" + T("stock") + " key=x:{w}:{qty} format=json", Dsn()),
            "pg-sync x: key column {qty} is not in the primary key of " + T("stock") + " (w, sku)");
  EXPECT_EQ(start("x table=" + T("stock") + " key=x:{w} format=json", Dsn()),
            "pg-sync x: key=x:{w} must name every primary-key column of " + T("stock") +
                " (missing {sku})");
  EXPECT_NE(start("x table=" + T("stock") + " key=x:{w}:{sku} format=json hot=nosuchcol", Dsn())
                .find("pg-sync x: "),
            std::string::npos);
  const std::string unreachable =
      start("x table=t key=x:{id} format=json",
            "host=127.0.0.1 port=1 dbname=shop user=hotcache password=sekrit123");
  EXPECT_EQ(unreachable.rfind("cannot connect to PostgreSQL (", 0), 0u) << unreachable;
  EXPECT_EQ(unreachable.find("sekrit123"), std::string::npos) << unreachable;
}

TEST_F(PgSyncTest, NotRequiredKeepsRetryingWhileDown) {
  PgSyncOptions options;
  options.dsn = "host=127.0.0.1 port=1 dbname=x password=sekrit123";
  options.tables.push_back(Line("x table=t key=x:{id} format=json"));
  options.backoff_min_ms = 10;
  PgSync sync(&store_, &clock_, options);
  ASSERT_TRUE(sync.Start().ok());
  EXPECT_TRUE(WaitFor([&] { return !sync.Stats().last_error.empty(); }));
  const SyncStats st = sync.Stats();
  EXPECT_EQ(st.state, SyncState::kDisconnected);
  EXPECT_EQ(st.last_error.find("sekrit123"), std::string::npos);
  sync.Stop();
}

TEST_F(PgSyncTest, InstallsAsNonOwnerWithTriggerPrivilegeIdempotently) {
  admin_->Exec("CREATE TABLE " + T("p") + " (id int PRIMARY KEY, v text)");
  admin_->Exec("INSERT INTO " + T("p") + " VALUES (1, 'a')");
  // The function exists already (a DBA ran --print-trigger-sql's first part).
  admin_->Exec(TriggerFunctionSql());
  admin_->Exec(
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_limited') "
      "THEN CREATE ROLE hc_limited LOGIN; END IF; END $$");
  admin_->Exec("GRANT USAGE ON SCHEMA " + schema_ + " TO hc_limited");
  admin_->Exec("GRANT SELECT, TRIGGER ON " + T("p") + " TO hc_limited");
  PgSyncOptions options;
  options.dsn = Dsn() + " user=hc_limited";
  options.tables.push_back(Line("p table=" + T("p") + " key=p:{id} format=json"));
  options.install_triggers = true;
  options.required = true;
  for (int i = 0; i < 2; ++i) {
    PgSync sync(&store_, &clock_, options);
    absl::Status s = sync.Start();
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_TRUE(WaitFor([&] { return sync.Stats().state == SyncState::kStreaming; }));
    admin_->Exec("UPDATE " + T("p") + " SET v = 'b" + std::to_string(i) + "'");
    EXPECT_TRUE(Eventually("p:1", Json(T("p"), "id = 1")));
  }
  auto n = admin_->Query("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + T("p") +
                         "'::regclass AND tgname LIKE 'hotcache%'");
  EXPECT_EQ(n[0][0], "2");
  admin_->Exec("DROP TABLE " + T("p"));
  admin_->Exec("REVOKE ALL ON SCHEMA " + schema_ + " FROM hc_limited");
}

}  // namespace
}  // namespace hotcache::sync
