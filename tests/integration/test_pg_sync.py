#!/usr/bin/python3
"""PostgreSQL sync through a real hotcache-server and the PostgreSQL that
tools/test started (HOTCACHE_TEST_PG_DSN): warm-load of a sample catalog,
INSERT/UPDATE/DELETE, a row moving in and out of hot=, composite keys, both
formats, NULLs, unicode, a 1 MB text, a rolled-back transaction, 100 updates
of one row in one transaction, TRUNCATE, INFO sync, and the fault test:
terminate the listening backend while another connection keeps committing,
then every hot row in the cache equals the row in Postgres.

Without HOTCACHE_TEST_PG_DSN this test FAILS (a CI without a database must
not pass silently) unless HOTCACHE_ALLOW_SKIP=1."""

import os
import subprocess
import sys
import threading
import time

import redis

import hotcache_testlib as tl

SCHEMA = "hc_it_sync"
APP = "hc_it_sync"  # application_name of hotcache's connections, to find its listener


def require_pg():
    dsn = tl.postgres_dsn()
    if dsn is None:
        msg = "SKIP: HOTCACHE_TEST_PG_DSN is not set (run through tools/test, which starts PostgreSQL)"
        print(msg)
        sys.exit(0 if os.environ.get("HOTCACHE_ALLOW_SKIP") == "1" else 1)
    return dsn


def psql_path():
    pg_bin = os.environ.get("HOTCACHE_TEST_PG_BIN")
    if pg_bin and os.path.exists(os.path.join(pg_bin, "psql")):
        return os.path.join(pg_bin, "psql")
    return tl.require_tool("psql")


PSQL = None
DSN = None


def sql(text):
    """Runs SQL (one implicit transaction unless it has BEGIN/COMMIT); returns rows of text."""
    res = tl.run([PSQL, DSN, "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
                  "-c", "SET client_min_messages = warning; " + text], timeout=120)
    out = res.stdout.decode("utf-8")
    if out.endswith("\n"):
        out = out[:-1]
    return [line.split("\x1f") for line in out.split("\n")] if out else []


def row_json(table, where):
    rows = sql("SELECT row_to_json(t)::text FROM %s t WHERE %s" % (table, where))
    assert len(rows) == 1, (table, where, rows)
    return rows[0][0].encode("utf-8")


def wait_for(pred, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


def sync_info(r):
    return r.info("sync")


def wait_streaming(r, timeout=30.0):
    def ok():
        info = sync_info(r)
        return info.get("sync_state") == "streaming" and int(info.get("sync_pending_keys", 1)) == 0
    return wait_for(ok, timeout)


def hgetall(r, key):
    """HGETALL, or the error text (so one missing command fails a check, not the whole test)."""
    try:
        return r.hgetall(key)
    except redis.ResponseError as e:
        return "error: %s" % e


def cache_strings(r, pattern):
    out = {}
    for key in r.scan_iter(match=pattern, count=1000):
        v = r.get(key)
        if v is not None:
            out[key] = v
    return out


def setup_catalog():
    sql("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (SCHEMA, SCHEMA))
    sql("""
CREATE TABLE {s}.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2),
  is_hot bool NOT NULL DEFAULT true, tags text[], note text,
  created timestamptz NOT NULL DEFAULT '2024-05-06 07:08:09+00');
INSERT INTO {s}.products (id, name, price, is_hot, tags, note)
  SELECT g, 'Product ' || g, g * 1.25, g % 4 <> 0, ARRAY['t' || g], CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END
  FROM generate_series(1, 2000) g;
CREATE TABLE {s}.categories (id int PRIMARY KEY, name text NOT NULL, parent int);
INSERT INTO {s}.categories VALUES (1, 'Shoes', NULL), (2, 'Boots', 1), (3, 'Sandalen für Kinder ☀', 1);
CREATE TABLE {s}.stock (warehouse_id int, sku text, qty int, PRIMARY KEY (warehouse_id, sku));
INSERT INTO {s}.stock VALUES (1, 'A-1', 10), (1, 'B-2', NULL), (2, 'A-1', 3);
CREATE TABLE {s}.docs (id text PRIMARY KEY, body text);
""".format(s=SCHEMA))


def main():
    global PSQL, DSN
    DSN = require_pg()
    PSQL = psql_path()
    f = tl.Failures("test_pg_sync")
    setup_catalog()
    s = SCHEMA
    args = ["--pg-dsn", DSN + " application_name=" + APP,
            "--pg-sync", "products table=%s.products key=product:{id} format=json hot=\"is_hot\"" % s,
            "--pg-sync", "categories table=%s.categories key=category:{id} format=hash" % s,
            "--pg-sync", "stock table=%s.stock key=stock:{warehouse_id}:{sku} format=hash" % s,
            "--pg-sync", "docs table=%s.docs key=doc:{id} format=json" % s,
            "--pg-install-triggers", "yes"]
    with tl.hotcache(extra_args=args) as server:
        r = redis.Redis(host=server.host, port=server.port, socket_timeout=30)
        f.check(wait_streaming(r), "sync_state streaming after start-up: %r" % sync_info(r))
        info = sync_info(r)
        f.equal(int(info.get("sync_rows_loaded", -1)), 1500 + 3 + 3 + 0, "sync_rows_loaded")
        for field in ("sync_load_time_ms", "sync_notifications", "sync_keys_refreshed",
                      "sync_keys_deleted", "sync_resyncs", "sync_lag_p99_ms"):
            f.check(field in info, "INFO sync has %s: %r" % (field, info))

        # Warm-load: json exactly row_to_json, hot= respected, NULLs as JSON null.
        f.equal(r.get("product:1"), row_json(s + ".products", "id = 1"), "GET product:1")
        f.equal(r.get("product:3"), row_json(s + ".products", "id = 3"), "GET product:3 (note NULL)")
        f.check(b'"note":null' in (r.get("product:3") or b""), "NULL column is JSON null")
        f.equal(r.get("product:4"), None, "non-hot product:4 not loaded")
        f.equal(len(cache_strings(r, "product:*")), 1500, "number of hot products loaded")
        # Hash: one field per non-NULL column, Postgres's text form; unicode.
        f.equal(hgetall(r, "category:1"), {b"id": b"1", b"name": b"Shoes"}, "HGETALL category:1")
        f.equal(hgetall(r, "category:3"), {b"id": b"3", b"name": "Sandalen für Kinder ☀".encode(),
                                          b"parent": b"1"}, "HGETALL category:3")
        f.equal(hgetall(r, "stock:1:A-1"), {b"warehouse_id": b"1", b"sku": b"A-1", b"qty": b"10"},
                "composite key stock:1:A-1")
        f.equal(hgetall(r, "stock:1:B-2"), {b"warehouse_id": b"1", b"sku": b"B-2"}, "NULL qty omitted")

        # INSERT / UPDATE / DELETE.
        sql("INSERT INTO %s.products (id, name, price) VALUES (5001, 'New', 9.99)" % s)
        f.check(wait_for(lambda: r.get("product:5001") == row_json(s + ".products", "id = 5001")),
                "INSERT visible")
        sql("UPDATE %s.products SET price = 1.00, name = 'Renamed' WHERE id = 1" % s)
        f.check(wait_for(lambda: r.get("product:1") == row_json(s + ".products", "id = 1")),
                "UPDATE visible: %r" % r.get("product:1"))
        sql("DELETE FROM %s.products WHERE id = 2" % s)
        f.check(wait_for(lambda: r.get("product:2") is None), "DELETE visible")
        sql("UPDATE %s.categories SET parent = NULL, name = 'Stiefel' WHERE id = 2" % s)
        f.check(wait_for(lambda: hgetall(r, "category:2") == {b"id": b"2", b"name": b"Stiefel"}),
                "hash UPDATE to NULL drops the field: %r" % hgetall(r, "category:2"))

        # A row change is a write for WATCH: the watcher's EXEC is aborted.
        with r.pipeline(transaction=True) as pipe:
            pipe.watch("product:7")
            sql("UPDATE %s.products SET price = 7.77 WHERE id = 7" % s)
            f.check(wait_for(lambda: b'"price":7.77' in (r.get("product:7") or b"")),
                    "UPDATE of a watched key visible")
            pipe.multi()
            pipe.get("product:7")
            try:
                pipe.execute()
                f.check(False, "EXEC after a synced change of a WATCHed key must fail")
            except redis.WatchError:
                f.check(True, "synced change aborts WATCH")

        # A row moving into and out of hot=.
        sql("UPDATE %s.products SET is_hot = true WHERE id = 8" % s)
        f.check(wait_for(lambda: r.get("product:8") == row_json(s + ".products", "id = 8")), "row moves in")
        sql("UPDATE %s.products SET is_hot = false WHERE id = 5" % s)
        f.check(wait_for(lambda: r.get("product:5") is None), "row moves out")

        # Composite key: a primary-key change names the old and the new key.
        sql("UPDATE %s.stock SET warehouse_id = 3 WHERE warehouse_id = 2 AND sku = 'A-1'" % s)
        f.check(wait_for(lambda: hgetall(r, "stock:3:A-1") == {b"warehouse_id": b"3", b"sku": b"A-1",
                                                               b"qty": b"3"}
                         and hgetall(r, "stock:2:A-1") == {}),
                "composite primary-key change moves the key")

        # Unicode keys and values, a 1 MB text.
        sql("INSERT INTO %s.docs VALUES ('ü日本😀', 'Grüße \"q\" \\ 日本語 😀'), ('big', repeat('x', 1048576))" % s)
        f.check(wait_for(lambda: r.get("doc:ü日本😀") == row_json(s + ".docs", "id = 'ü日本😀'")),
                "unicode key and value")
        f.check(wait_for(lambda: r.get("doc:big") == row_json(s + ".docs", "id = 'big'")), "1 MB text")

        # A rolled-back transaction never appears (notifications arrive in commit
        # order, so once a later commit is visible the rollback is past).
        sql("BEGIN; INSERT INTO %s.products (id, name) VALUES (6001, 'ghost'); "
            "UPDATE %s.products SET name = 'ghost' WHERE id = 1; ROLLBACK" % (s, s))
        before = sync_info(r)
        sql("BEGIN; " + "".join("UPDATE %s.products SET price = %d WHERE id = 6; " % (s, i)
                                for i in range(1, 101)) + "COMMIT")
        f.check(wait_for(lambda: r.get("product:6") == row_json(s + ".products", "id = 6")),
                "100 updates in one transaction: final value")
        f.check(b'"price":100.00' in (r.get("product:6") or b""), "price is 100.00")
        f.equal(r.get("product:6001"), None, "rolled-back INSERT absent")
        f.check(b"ghost" not in (r.get("product:1") or b""), "rolled-back UPDATE absent")
        f.check(wait_streaming(r), "streaming")
        after = sync_info(r)
        refreshed = int(after["sync_keys_refreshed"]) - int(before["sync_keys_refreshed"])
        f.check(refreshed <= 2, "100 updates of one row coalesced into <= 2 re-reads (got %d)" % refreshed)

        # TRUNCATE is followed.
        sql("TRUNCATE %s.docs" % s)
        f.check(wait_for(lambda: r.get("doc:big") is None and r.get("doc:ü日本😀") is None),
                "TRUNCATE deletes the keys")

        # Fault: terminate the listening backend while another connection keeps committing.
        stop = threading.Event()
        writer_errors = []

        def writer():
            p = subprocess.Popen([PSQL, DSN, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            i = 0
            try:
                while not stop.is_set():
                    i += 1
                    pid = i % 2200 + 1
                    stmt = ("INSERT INTO {s}.products (id, name, price, is_hot) VALUES ({id}, 'w{i}', {i}, {hot}) "
                            "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price, "
                            "is_hot = EXCLUDED.is_hot;\n").format(s=s, id=pid, i=i,
                                                                   hot="false" if i % 7 == 0 else "true")
                    if i % 11 == 0:
                        stmt += "DELETE FROM {s}.products WHERE id = {id};\n".format(s=s, id=(i * 7) % 2200 + 1)
                    p.stdin.write(stmt.encode())
                    p.stdin.flush()
                    time.sleep(0.001)
                p.stdin.close()
                p.wait(timeout=60)
                if p.returncode != 0:
                    writer_errors.append(p.stderr.read().decode())
            except Exception as e:  # noqa: BLE001
                writer_errors.append(repr(e))
                p.kill()

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(0.5)
        for _ in range(3):
            killed = sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = '%s' AND query ILIKE 'LISTEN%%'" % APP)
            f.equal(len(killed), 1, "terminated one listening backend")
            time.sleep(0.5)
        saw_not_streaming = sync_info(r).get("sync_state") != "streaming" or \
            int(sync_info(r).get("sync_resyncs", 0)) > 0
        f.check(saw_not_streaming, "INFO shows the re-sync")
        stop.set()
        t.join()
        f.check(not writer_errors, "writer ran without errors: %r" % writer_errors)
        f.check(wait_streaming(r), "streaming again after the listener was terminated")
        expected = {("product:" + row[0]).encode(): row[1].encode("utf-8") for row in
                    sql("SELECT id::text, row_to_json(t)::text FROM %s.products t WHERE is_hot" % s)}
        ok = wait_for(lambda: cache_strings(r, "product:*") == expected, 30)
        got = cache_strings(r, "product:*")
        f.check(ok, "after terminating the listener, cache == table: %d keys, %d rows, %d differ" % (
            len(got), len(expected),
            len(set(got) ^ set(expected)) + sum(1 for k in got if k in expected and got[k] != expected[k])))
        info = sync_info(r)
        f.check(int(info.get("sync_resyncs", 0)) >= 3, "three re-syncs counted: %r" % info)
    sql("DROP SCHEMA %s CASCADE" % SCHEMA)
    f.finish()


if __name__ == "__main__":
    main()
