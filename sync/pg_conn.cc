#include "sync/pg_conn.h"

#include <poll.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "spdlog/spdlog.h"

namespace hotcache::sync {

namespace {

void NoticeToLog(void*, const char* message) {
  spdlog::debug("postgres: {}", std::string(absl::StripTrailingAsciiWhitespace(message)));
}

std::string ErrorText(PGconn* conn) {
  return std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)));
}

}  // namespace

std::string DescribeDsn(const std::string& dsn) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (opts == nullptr) {
    if (err != nullptr) PQfreemem(err);
    return "(invalid connection string)";
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0') continue;
    const std::string_view key = o->keyword;
    if (key == "password" || (o->dispchar != nullptr && o->dispchar[0] == '*')) continue;
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, o->keyword, "=", o->val);
  }
  PQconninfoFree(opts);
  return out.empty() ? "(libpq defaults)" : out;
}

absl::Status PgConn::Connect(const std::string& dsn, int cancel_fd, int timeout_ms) {
  Close();
  cancel_fd_ = cancel_fd;
  // Later entries override earlier ones, and the DSN (expanded from "dbname")
  // comes last, so the user's own settings win.
  const char* keys[] = {"application_name",
                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "dbname",
                        nullptr};
  const char* values[] = {"hotcache", "1", "10", "5", "3", dsn.c_str(), nullptr};
  conn_ = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(conn_) == CONNECTION_BAD) {
    absl::Status s = absl::UnavailableError(ErrorText(conn_));
    Close();
    return s;
  }
  PQsetNoticeProcessor(conn_, NoticeToLog, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (true) {
    if (st == PGRES_POLLING_OK) break;
    if (st == PGRES_POLLING_FAILED) {
      absl::Status s = absl::UnavailableError(ErrorText(conn_));
      Close();
      return s;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      Close();
      return absl::DeadlineExceededError(
          absl::StrCat("timeout after ", timeout_ms, " ms while connecting"));
    }
    const int w = Wait(st == PGRES_POLLING_READING ? POLLIN : POLLOUT, static_cast<int>(left));
    if (w < 0) {
      Close();
      return absl::CancelledError("stopping");
    }
    if (w == 0) continue;  // re-check the deadline
    st = PQconnectPoll(conn_);
  }
  if (PQsetnonblocking(conn_, 1) != 0) {
    absl::Status s = absl::UnavailableError(ErrorText(conn_));
    Close();
    return s;
  }
  return absl::OkStatus();
}

void PgConn::Close() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
}

int PgConn::Wait(short events, int timeout_ms) {
  pollfd fds[2];
  fds[0] = {PQsocket(conn_), events, 0};
  fds[1] = {cancel_fd_, POLLIN, 0};
  const int n = cancel_fd_ >= 0 ? 2 : 1;
  while (true) {
    const int r = poll(fds, n, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      return 1;  // let libpq find out what is wrong
    }
    if (r == 0) return 0;
    if (n == 2 && (fds[1].revents & POLLIN)) return -1;
    return 1;
  }
}

int PgConn::WaitReadable(int timeout_ms) { return Wait(POLLIN, timeout_ms); }

absl::Status PgConn::Lost(std::string_view what) {
  absl::Status s = absl::UnavailableError(absl::StrCat(std::string(what), ": ", ErrorText(conn_)));
  Close();
  return s;
}

absl::StatusOr<PgResult> PgConn::Exec(std::string_view sql,
                                      const std::vector<std::string>& params) {
  absl::Status s = Send(sql, params);
  if (!s.ok()) return s;
  return Receive();
}

absl::Status PgConn::Send(std::string_view sql, const std::vector<std::string>& params) {
  if (!connected()) return absl::UnavailableError("not connected");
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  if (!PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, 0)) {
    return Lost("sending query");
  }
  // Flush what libpq could not write at once.
  while (true) {
    const int f = PQflush(conn_);
    if (f == 0) break;
    if (f < 0) return Lost("sending query");
    const int w = Wait(POLLOUT | POLLIN, -1);
    if (w < 0) {
      Close();
      return absl::CancelledError("stopping");
    }
    if (!PQconsumeInput(conn_)) return Lost("reading reply");
  }
  return absl::OkStatus();
}

absl::StatusOr<PgResult> PgConn::Receive() {
  if (conn_ == nullptr) return absl::UnavailableError("not connected");
  PgResult last;
  absl::Status error;
  while (true) {
    while (PQisBusy(conn_)) {
      const int w = Wait(POLLIN, -1);
      if (w < 0) {
        Close();
        return absl::CancelledError("stopping");
      }
      if (!PQconsumeInput(conn_)) return Lost("reading reply");
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
      if (error.ok()) {
        error = absl::FailedPreconditionError(
            std::string(absl::StripTrailingAsciiWhitespace(PQresultErrorMessage(r))));
      }
      PQclear(r);
      continue;
    }
    last.reset(r);
  }
  if (PQstatus(conn_) == CONNECTION_BAD) {
    absl::Status s = absl::UnavailableError(error.ok() ? ErrorText(conn_) : error.message());
    Close();
    return s;
  }
  if (!error.ok()) return error;
  if (last == nullptr) return absl::InternalError("no result");
  return last;
}

}  // namespace hotcache::sync
