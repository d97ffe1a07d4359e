#pragma once
// The SQL that makes PostgreSQL tell hotcache which rows changed.
//
// One trigger function, public.hotcache_notify_v1(), and on every synced
// table two triggers:
//   hotcache_sync_row       AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW,
//                           arguments = the key template's columns in order;
//   hotcache_sync_truncate  AFTER TRUNCATE, FOR EACH STATEMENT.
// Each sends pg_notify(kChannel, payload) where payload is JSON (see
// notify_payload.h): the table, the operation, now() as Unix seconds, and the
// primary-key values of the old row ("o") and/or the new row ("n") as text;
// an UPDATE that changes the key names both. Never the row itself. A payload
// that would exceed 7900 bytes (huge keys) becomes {"op":"R"} = "re-sync",
// because pg_notify fails the writer's transaction above 8000 bytes.
//
// Idempotent and additive: the function is created only if
// to_regprocedure() does not find it (the version is in its name, so it is
// never replaced or dropped), each trigger only if pg_trigger has no trigger
// of that name on the table. Nothing is ever dropped.
//
// Privileges (PostgreSQL 15) for the role that runs it:
//   - to create the function: CREATE on schema public (or let a DBA run the
//     SQL from `hotcache-server --print-trigger-sql` once);
//   - per table: TRIGGER (to create the triggers) and SELECT (to load rows),
//     plus USAGE on the table's schema:
//       GRANT USAGE ON SCHEMA shop TO hotcache;
//       GRANT SELECT, TRIGGER ON shop.products TO hotcache;
//   - it need not own the tables. Writers need EXECUTE on the function
//     (granted to PUBLIC by default).

#include <string>
#include <string_view>
#include <vector>

#include "sync/sync_config.h"

namespace hotcache::sync {

inline constexpr char kChannel[] = "hotcache";
inline constexpr char kTriggerFunction[] = "public.hotcache_notify_v1";

// SQL string literal for `s` ('...' with quotes doubled; E'' never needed as
// standard_conforming_strings is on since 9.1).
std::string QuoteLiteral(std::string_view s);
// SQL identifier for `s` ("..." with quotes doubled).
std::string QuoteIdent(std::string_view s);

// The statement creating the trigger function if it is missing.
std::string TriggerFunctionSql();
// The statement creating the triggers of one table if they are missing.
std::string TableTriggerSql(const SyncTable& table);
// Everything, as one script for psql (--print-trigger-sql), with a comment
// header listing the grants needed.
std::string TriggerSql(const std::vector<SyncTable>& tables);

}  // namespace hotcache::sync
