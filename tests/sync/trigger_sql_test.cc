#include "sync/trigger_sql.h"

#include "gtest/gtest.h"

namespace hotcache::sync {
namespace {

SyncTable Table(std::string line) {
  auto t = ParseSyncLine(line);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

TEST(TriggerSqlTest, Quoting) {
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
}

TEST(TriggerSqlTest, FunctionIsCreatedOnlyIfMissingAndNeverDropped) {
  const std::string sql = TriggerFunctionSql();
  EXPECT_NE(sql.find("IF to_regprocedure('public.hotcache_notify_v1()') IS NULL THEN"),
            std::string::npos);
  EXPECT_NE(sql.find("CREATE FUNCTION public.hotcache_notify_v1() RETURNS trigger"),
            std::string::npos);
  EXPECT_EQ(sql.find("OR REPLACE"), std::string::npos);
  EXPECT_EQ(sql.find("DROP"), std::string::npos);
  EXPECT_NE(sql.find("pg_notify('hotcache'"), std::string::npos);
  EXPECT_NE(sql.find("octet_length(p) > 7900"), std::string::npos);
}

TEST(TriggerSqlTest, TableTriggersNameTheKeyColumnsInTemplateOrder) {
  const std::string sql =
      TableTriggerSql(Table("s table=shop.stock key=stock:{warehouse_id}:{sku} format=hash"));
  EXPECT_NE(sql.find("tgrelid = 'shop.stock'::regclass AND tgname = 'hotcache_sync_row'"),
            std::string::npos);
  EXPECT_NE(
      sql.find("CREATE TRIGGER hotcache_sync_row AFTER INSERT OR UPDATE OR DELETE ON shop.stock"),
      std::string::npos);
  EXPECT_NE(
      sql.find("FOR EACH ROW EXECUTE FUNCTION public.hotcache_notify_v1('warehouse_id', 'sku');"),
      std::string::npos);
  EXPECT_NE(sql.find("CREATE TRIGGER hotcache_sync_truncate AFTER TRUNCATE ON shop.stock"),
            std::string::npos);
  EXPECT_EQ(sql.find("DROP"), std::string::npos);
}

TEST(TriggerSqlTest, ScriptHasEveryTable) {
  const std::string sql = TriggerSql(
      {Table("a table=ta key=a:{id} format=json"), Table("b table=tb key=b:{id} format=hash")});
  EXPECT_EQ(sql.find("GRANT"), sql.find("--   GRANT") + 5);  // only in comments
  EXPECT_NE(sql.find("ON ta\n"), std::string::npos);
  EXPECT_NE(sql.find("ON tb\n"), std::string::npos);
}

}  // namespace
}  // namespace hotcache::sync
