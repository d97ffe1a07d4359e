#pragma once
// One libpq connection driven through the asynchronous API: every wait is a
// poll() on the connection's socket that also watches a cancel file
// descriptor (PgSync's stop eventfd), so no call can hang a Stop().
//
// Thread safety: none; a PgConn belongs to one thread at a time.
// Sessions keep the database's own defaults: nothing here changes TimeZone,
// DateStyle, extra_float_digits or any other setting (the JSON hotcache stores
// must be exactly what row_to_json gives in a default session).

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hotcache::sync {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// "host=db port=5432 dbname=shop user=hotcache": the DSN's non-default
// options without the password (for log lines and errors), or
// "(invalid connection string)".
std::string DescribeDsn(const std::string& dsn);

class PgConn {
 public:
  PgConn() = default;
  ~PgConn() { Close(); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Connects to `dsn` (any libpq connection string or URI; hotcache adds
  // application_name=hotcache and TCP keepalives, which the DSN may override).
  // Fails with Unavailable (libpq's message) or Cancelled (cancel_fd readable)
  // or DeadlineExceeded (after timeout_ms).
  absl::Status Connect(const std::string& dsn, int cancel_fd, int timeout_ms);
  void Close();
  bool connected() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  PGconn* raw() { return conn_; }
  int cancel_fd() const { return cancel_fd_; }

  // Sends `sql` with text parameters and waits for all its results. Returns
  // the last result when every result succeeded. Errors: Unavailable when the
  // connection is lost, Cancelled when cancel_fd fired (the connection is then
  // closed), FailedPrecondition with the server's message for an SQL error.
  absl::StatusOr<PgResult> Exec(std::string_view sql, const std::vector<std::string>& params = {});
  // Exec in two halves, so the caller can work while the server runs the
  // query: Send() returns once the query is written; Receive() waits for its
  // results (same errors as Exec). Exactly one Receive() per successful Send().
  absl::Status Send(std::string_view sql, const std::vector<std::string>& params = {});
  absl::StatusOr<PgResult> Receive();

  // Waits until the socket is readable (1), timeout (0), or cancel_fd fired (-1).
  int WaitReadable(int timeout_ms);

 private:
  // poll() on the socket for `events` and on cancel_fd: 1 ready, 0 timeout, -1 cancelled.
  int Wait(short events, int timeout_ms);
  absl::Status Lost(std::string_view what);

  PGconn* conn_ = nullptr;
  int cancel_fd_ = -1;
};

}  // namespace hotcache::sync
