#include "sync/trigger_sql.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hotcache::sync {

std::string QuoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string QuoteIdent(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string TriggerFunctionSql() {
  const std::string channel = QuoteLiteral(kChannel);
  return absl::StrCat(
      "DO $hotcache$\n"
      "BEGIN\n"
      // Serialises concurrent installers (several hotcache instances starting
      // at once): the check-then-create below is otherwise racy.
      "  PERFORM pg_advisory_xact_lock(hashtext('hotcache_install_triggers'));\n"
      "  IF to_regprocedure('",
      kTriggerFunction,
      "()') IS NULL THEN\n"
      "    CREATE FUNCTION ",
      kTriggerFunction,
      "() RETURNS trigger\n"
      "    LANGUAGE plpgsql AS $fn$\n"
      "    DECLARE\n"
      "      r jsonb;\n"
      "      ok jsonb;\n"
      "      nk jsonb;\n"
      "      p text;\n"
      "      tbl text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;\n"
      "      ts numeric := extract(epoch FROM now());\n"
      "    BEGIN\n"
      "      IF TG_LEVEL = 'STATEMENT' THEN\n"
      "        PERFORM pg_notify(",
      channel,
      ", json_build_object('t', tbl, 'op', 'T', 'ts', ts)::text);\n"
      "        RETURN NULL;\n"
      "      END IF;\n"
      "      IF TG_OP <> 'INSERT' THEN\n"
      "        r := to_jsonb(OLD);\n"
      "        ok := '[]';\n"
      "        FOR i IN 0 .. TG_NARGS - 1 LOOP\n"
      "          ok := ok || jsonb_build_array(r ->> TG_ARGV[i]);\n"
      "        END LOOP;\n"
      "      END IF;\n"
      "      IF TG_OP <> 'DELETE' THEN\n"
      "        r := to_jsonb(NEW);\n"
      "        nk := '[]';\n"
      "        FOR i IN 0 .. TG_NARGS - 1 LOOP\n"
      "          nk := nk || jsonb_build_array(r ->> TG_ARGV[i]);\n"
      "        END LOOP;\n"
      "      END IF;\n"
      "      IF ok = nk THEN\n"
      "        ok := NULL;\n"
      "      END IF;\n"
      "      p := json_build_object('t', tbl, 'op', left(TG_OP, 1), 'ts', ts, 'o', ok, 'n', "
      "nk)::text;\n"
      "      IF octet_length(p) > 7900 THEN\n"
      "        p := json_build_object('t', tbl, 'op', 'R', 'ts', ts)::text;\n"
      "      END IF;\n"
      "      PERFORM pg_notify(",
      channel,
      ", p);\n"
      "      RETURN NULL;\n"
      "    END\n"
      "    $fn$;\n"
      "  END IF;\n"
      "END\n"
      "$hotcache$;\n");
}

std::string TableTriggerSql(const SyncTable& table) {
  std::vector<std::string> args;
  for (const std::string& c : table.key.columns) args.push_back(QuoteLiteral(c));
  const std::string regclass = absl::StrCat(QuoteLiteral(table.table), "::regclass");
  return absl::StrCat(
      "DO $hotcache$\n"
      "BEGIN\n"
      // Serialises concurrent installers (several hotcache instances starting
      // at once): the check-then-create below is otherwise racy.
      "  PERFORM pg_advisory_xact_lock(hashtext('hotcache_install_triggers'));\n"
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ",
      regclass,
      " AND tgname = 'hotcache_sync_row') THEN\n"
      "    CREATE TRIGGER hotcache_sync_row AFTER INSERT OR UPDATE OR DELETE ON ",
      table.table, "\n      FOR EACH ROW EXECUTE FUNCTION ", kTriggerFunction, "(",
      absl::StrJoin(args, ", "),
      ");\n"
      "  END IF;\n"
      "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ",
      regclass,
      " AND tgname = 'hotcache_sync_truncate') THEN\n"
      "    CREATE TRIGGER hotcache_sync_truncate AFTER TRUNCATE ON ",
      table.table, "\n      FOR EACH STATEMENT EXECUTE FUNCTION ", kTriggerFunction,
      "();\n"
      "  END IF;\n"
      "END\n"
      "$hotcache$;\n");
}

std::string TriggerSql(const std::vector<SyncTable>& tables) {
  std::string out =
      "-- hotcache change notifications (idempotent: creates what is missing, drops nothing).\n"
      "-- Run as a role with CREATE on schema public (for the function) and, per table,\n"
      "-- TRIGGER privilege; hotcache itself needs SELECT on the tables, e.g.\n"
      "--   GRANT SELECT, TRIGGER ON <table> TO <hotcache role>;\n";
  absl::StrAppend(&out, TriggerFunctionSql());
  for (const SyncTable& t : tables) {
    absl::StrAppend(&out, "-- pg-sync ", t.name, "\n", TableTriggerSql(t));
  }
  return out;
}

}  // namespace hotcache::sync
