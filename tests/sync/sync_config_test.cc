#include "sync/sync_config.h"

#include "gtest/gtest.h"
#include "storage/glob.h"

namespace hotcache::sync {
namespace {

TEST(KeyTemplateTest, ParsesLiteralsAndColumns) {
  auto t = ParseKeyTemplate("stock:{warehouse_id}:{sku}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"warehouse_id", "sku"}));
  EXPECT_EQ(t->literals, (std::vector<std::string>{"stock:", ":", ""}));
  std::vector<std::string> values = {"7", "A-1"};
  EXPECT_EQ(t->Render(values), "stock:7:A-1");
}

TEST(KeyTemplateTest, GlobMatchesRenderedKeysOnly) {
  auto t = ParseKeyTemplate("p[x]*:{id}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Glob(), "p\\[x\\]\\*:*");
  EXPECT_TRUE(storage::GlobMatch(t->Glob(), "p[x]*:42"));
  EXPECT_FALSE(storage::GlobMatch(t->Glob(), "px*:42"));
}

TEST(KeyTemplateTest, Errors) {
  EXPECT_FALSE(ParseKeyTemplate("product:").ok());  // no placeholder
  EXPECT_FALSE(ParseKeyTemplate("{id}").ok());      // no literal
  EXPECT_FALSE(ParseKeyTemplate("{a}{b}").ok());    // no literal
  EXPECT_FALSE(ParseKeyTemplate("p:{id").ok());
  EXPECT_FALSE(ParseKeyTemplate("p:id}").ok());
  EXPECT_FALSE(ParseKeyTemplate("p:{}").ok());
  EXPECT_FALSE(ParseKeyTemplate("p:{a}:{a}").ok());
  EXPECT_FALSE(ParseKeyTemplate("p:{a{b}}").ok());
}

TEST(SyncLineTest, FullLine) {
  auto t =
      ParseSyncLine("products table=public.products key=product:{id} format=json hot=\"is_hot\"");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "products");
  EXPECT_EQ(t->table, "public.products");
  EXPECT_EQ(t->key_text, "product:{id}");
  EXPECT_EQ(t->format, SyncFormat::kJson);
  EXPECT_EQ(t->hot, "is_hot");
}

TEST(SyncLineTest, HashWithoutHot) {
  auto t = ParseSyncLine("categories table=public.categories key=category:{id} format=HASH");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->format, SyncFormat::kHash);
  EXPECT_EQ(t->hot, "");
}

TEST(SyncLineTest, OptionsInAnyOrder) {
  auto t = ParseSyncLine("s hot=qty>0 format=hash key=stock:{w}:{sku} table=stock");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->hot, "qty>0");
  EXPECT_EQ(t->table, "stock");
  EXPECT_EQ(t->key.columns.size(), 2u);
}

TEST(SyncLineTest, QuotedPredicateWithSpacesAndQuotes) {
  auto t = ParseSyncLine("p table=t key=p:{id} hot=\"status = 'a b' and price > 10\" format=json");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->hot, "status = 'a b' and price > 10");
  EXPECT_EQ(t->format, SyncFormat::kJson);
  t = ParseSyncLine("p table=t key=p:{id} format=json hot='x > 1'");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->hot, "x > 1");
  // A predicate made of string literals keeps its quotes.
  t = ParseSyncLine("p table=t key=p:{id} format=json hot='a' = status");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->hot, "'a' = status");
}

TEST(SyncLineTest, UnquotedPredicateAsTheConfigFileLoaderLeavesIt) {
  // The config file loader strips quotes and re-joins words with spaces.
  auto t = ParseSyncLine(
      "products table=public.products key=product:{id} format=json hot=price > 100 and is_hot");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->hot, "price > 100 and is_hot");
  // A quoted key=... inside the predicate is not an option.
  t = ParseSyncLine("p table=t key=p:{id} format=json hot=note <> 'key=x'");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->hot, "note <> 'key=x'");
}

TEST(SyncLineTest, Errors) {
  auto expect_error = [](std::string_view line, std::string_view fragment) {
    auto t = ParseSyncLine(line);
    ASSERT_FALSE(t.ok()) << line;
    EXPECT_NE(std::string(t.status().message()).find(fragment), std::string::npos)
        << t.status().message();
  };
  expect_error("", "expected NAME");
  expect_error("table=x key=p:{id} format=json", "expected NAME");
  expect_error("p key=p:{id} format=json", "pg-sync p: missing table=");
  expect_error("p table=t format=json", "missing key=");
  expect_error("p table=t key=p:{id}", "missing format=");
  expect_error("p table=t key=p:{id} format=xml", "format must be json or hash");
  expect_error("p table=t key=p:{id} format=json formt=hash", "unexpected 'formt=hash'");
  expect_error("p extra table=t key=p:{id} format=json", "unexpected 'extra'");
  expect_error("p table=t table=u key=p:{id} format=json", "given twice");
  expect_error("p table=t key=p:{id format=json", "unbalanced");
  expect_error("p table=t key=p:{id} format=json hot=", "empty hot=");
}

TEST(SyncLineTest, NamesMustBeUnique) {
  auto all =
      ParseSyncLines({"a table=t key=a:{id} format=json", "a table=u key=b:{id} format=hash"});
  ASSERT_FALSE(all.ok());
  EXPECT_NE(std::string(all.status().message()).find("name used twice"), std::string::npos);
  all = ParseSyncLines({"a table=t key=a:{id} format=json", "b table=u key=b:{id} format=hash"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

}  // namespace
}  // namespace hotcache::sync
