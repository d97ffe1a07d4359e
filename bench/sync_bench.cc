// sync_bench: PgSync against a real PostgreSQL.
//   sync_bench --dsn "host=127.0.0.1 port=5432 dbname=postgres user=postgres"
//              [--rows 1000000] [--seconds 5] [--rates 1000,20000]
// Creates schema hc_bench (dropped first), loads --rows products (all hot),
// and reports:
//   1. warm-load: rows, ms, rows/s;
//   2. for each rate: change-to-cache lag p50/p99 (from the writing
//      transaction's now() to the key written), the most notified-but-not-yet
//      re-read keys, and the peak pg_notification_queue_usage();
//      at rates above 1000/s each transaction updates rate/1000 rows, 1000 tx/s;
//   3. re-sync: pg_terminate_backend of the listener, time until streaming
//      again, and the re-sync's own load time.

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "storage/clock.h"
#include "storage/store.h"
#include "sync/pg_sync.h"

using namespace hotcache;
using Clock = std::chrono::steady_clock;

namespace {

void Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), PQresultErrorMessage(r));
    std::exit(1);
  }
  PQclear(r);
}

std::string Scalar(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return v;
}

bool WaitStreaming(sync::PgSync& s, int timeout_s, uint64_t min_loads = 1) {
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while (Clock::now() < deadline) {
    sync::SyncStats st = s.Stats();
    if (st.state == sync::SyncState::kStreaming && st.pending_keys == 0 && st.loads >= min_loads) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dsn;
  long rows = 1000000;
  int seconds = 5;
  std::vector<int> rates = {1000, 20000};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dsn") dsn = argv[i + 1];
    if (a == "--rows") rows = std::atol(argv[i + 1]);
    if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
    if (a == "--rates") {
      rates.clear();
      std::string list = argv[i + 1];
      size_t p = 0;
      while (p < list.size()) {
        size_t q = list.find(',', p);
        if (q == std::string::npos) q = list.size();
        rates.push_back(std::atoi(list.substr(p, q - p).c_str()));
        p = q + 1;
      }
    }
  }
  if (dsn.empty()) {
    std::fprintf(stderr,
                 "usage: sync_bench --dsn DSN [--rows N] [--seconds S] [--rates 1000,20000]\n");
    return 2;
  }
  PGconn* admin = PQconnectdb(dsn.c_str());
  if (PQstatus(admin) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s", PQerrorMessage(admin));
    return 1;
  }
  Exec(admin, "SET client_min_messages = warning");
  Exec(admin, "DROP SCHEMA IF EXISTS hc_bench CASCADE");
  Exec(admin, "CREATE SCHEMA hc_bench");
  Exec(admin,
       "CREATE TABLE hc_bench.products (id int PRIMARY KEY, name text NOT NULL, "
       "price numeric(10,2) NOT NULL, stock int NOT NULL, is_hot bool NOT NULL, "
       "updated timestamptz NOT NULL DEFAULT now(), description text)");
  const auto t_fill = Clock::now();
  Exec(admin,
       "INSERT INTO hc_bench.products (id, name, price, stock, is_hot, description) "
       "SELECT g, 'Product ' || g, (g % 10000) / 100.0, g % 500, true, "
       "repeat('lorem ipsum ', 8) FROM generate_series(1, " +
           std::to_string(rows) + ") g");
  Exec(admin, "VACUUM ANALYZE hc_bench.products");
  std::printf("filled %ld rows in %.1f s\n", rows,
              std::chrono::duration<double>(Clock::now() - t_fill).count());

  storage::Store store;
  storage::SystemClock clock;
  sync::PgSyncOptions options;
  options.dsn = dsn + " application_name=hc_bench";
  options.tables.push_back(*sync::ParseSyncLine(
      "products table=hc_bench.products key=product:{id} format=json hot=is_hot"));
  options.install_triggers = true;
  options.required = true;
  sync::PgSync pg_sync(&store, &clock, options);
  const auto t0 = Clock::now();
  absl::Status s = pg_sync.Start();
  if (!s.ok()) {
    std::fprintf(stderr, "start: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  if (!WaitStreaming(pg_sync, 600)) {
    std::fprintf(stderr, "warm-load did not finish\n");
    return 1;
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  sync::SyncStats st = pg_sync.Stats();
  std::printf("warm-load: %lu rows in %ld ms (load) / %.0f ms (start to streaming): %.0f rows/s\n",
              static_cast<unsigned long>(st.rows_loaded), static_cast<long>(st.load_time_ms),
              wall * 1000, st.rows_loaded * 1000.0 / std::max<int64_t>(1, st.load_time_ms));

  for (int rate : rates) {
    const int per_tx = std::max(1, rate / 1000);
    const int tx_rate = rate / per_tx;
    const int writers = 2;
    pg_sync.ResetLag();
    const uint64_t max_pending_before = pg_sync.Stats().max_pending_keys;
    std::atomic<bool> stop{false};
    std::atomic<long> changes{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        PGconn* c = PQconnectdb(dsn.c_str());
        Exec(c, "SET synchronous_commit = off");
        const auto interval = std::chrono::duration<double>(1.0 * writers / tx_rate);
        auto next = Clock::now();
        long i = w;
        unsigned seed = 12345u + w;
        while (!stop.load(std::memory_order_relaxed)) {
          std::string ids;
          for (int k = 0; k < per_tx; ++k) {
            seed = seed * 1103515245u + 12345u;
            if (k > 0) ids += ',';
            ids += std::to_string(seed % rows + 1);
          }
          Exec(c, "UPDATE hc_bench.products SET stock = stock + 1, updated = now() WHERE id IN (" +
                      ids + ")");
          changes.fetch_add(per_tx, std::memory_order_relaxed);
          i += writers;
          next += std::chrono::duration_cast<Clock::duration>(interval);
          std::this_thread::sleep_until(next);
        }
        PQfinish(c);
      });
    }
    double max_queue = 0;
    const auto start = Clock::now();
    while (Clock::now() - start < std::chrono::seconds(seconds)) {
      max_queue = std::max(
          max_queue, std::atof(Scalar(admin, "SELECT pg_notification_queue_usage()").c_str()));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    WaitStreaming(pg_sync, 60);
    st = pg_sync.Stats();
    std::printf(
        "rate %d changes/s (%d rows/tx): achieved %.0f changes/s; lag p50 %.2f ms, p99 %.2f ms; "
        "max pending keys %lu; peak pg_notification_queue_usage %.6f\n",
        rate, per_tx, changes.load() / elapsed, st.lag_p50_ms, st.lag_p99_ms,
        static_cast<unsigned long>(std::max(st.max_pending_keys, max_pending_before)), max_queue);
  }

  const uint64_t loads = pg_sync.Stats().loads;
  const auto t_kill = Clock::now();
  Exec(admin,
       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
       "WHERE application_name = 'hc_bench' AND query ILIKE 'LISTEN%'");
  if (!WaitStreaming(pg_sync, 600, loads + 1)) {
    std::fprintf(stderr, "re-sync did not finish\n");
    return 1;
  }
  st = pg_sync.Stats();
  std::printf("re-sync: %lu rows, load %ld ms, %.0f ms from terminate to streaming\n",
              static_cast<unsigned long>(st.rows_loaded), static_cast<long>(st.load_time_ms),
              std::chrono::duration<double>(Clock::now() - t_kill).count() * 1000);
  pg_sync.Stop();
  Exec(admin, "DROP SCHEMA hc_bench CASCADE");
  PQfinish(admin);
  return 0;
}
