#!/usr/bin/python3
"""PostgreSQL sync fault tests on a PRIVATE PostgreSQL (so restarting it does
not disturb other tests): hotcache started before PostgreSQL is up (serves,
says disconnected, then loads); PostgreSQL restarted under it (reconnects,
re-synchronises, changes made meanwhile arrive); pg-required yes with the
database down (one clear error line, no password, non-zero exit);
--print-trigger-sql applied by hand by a DBA, then hotcache without
pg-install-triggers follows changes.

Needs HOTCACHE_TEST_PG_BIN (tools/test exports it; the PostgreSQL binaries).
Without HOTCACHE_TEST_PG_DSN this test FAILS unless HOTCACHE_ALLOW_SKIP=1."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import redis

import hotcache_testlib as tl


class PrivatePostgres:
    """initdb into a temp dir as the unprivileged user; start/stop/restart; always cleaned up."""

    def __init__(self):
        self.bin = os.environ.get("HOTCACHE_TEST_PG_BIN") or "/usr/lib/postgresql/15/bin"
        self.user = os.environ.get("HOTCACHE_TEST_PG_USER", "postgres")
        self.tmp = tempfile.mkdtemp(prefix="hotcache-pgfault-")
        self.data = os.path.join(self.tmp, "data")
        self.log = os.path.join(self.tmp, "postgres.log")
        self.port = tl.free_port()
        self.dsn = "host=127.0.0.1 port=%d dbname=postgres user=postgres" % self.port
        if os.getuid() == 0:
            shutil.chown(self.tmp, user=self.user)
        self._as_user([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres",
                       "--auth=trust", "-E", "UTF8", "--no-locale"], 120)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"
                    "fsync = off\n" % (self.port, self.tmp))
        self.running = False

    def _as_user(self, argv, timeout):
        if os.getuid() == 0:
            argv = ["runuser", "-u", self.user, "--"] + argv
        return tl.run(argv, timeout=timeout)

    def ctl(self, action):
        argv = [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "-t", "60"]
        if action in ("start", "restart"):
            argv += ["-l", self.log]
        if action in ("stop", "restart"):
            argv += ["-m", "fast"]
        self._as_user(argv + [action], 120)
        self.running = action != "stop"

    def sql(self, text):
        res = tl.run([os.path.join(self.bin, "psql"), self.dsn, "-X", "-q", "-A", "-t",
                      "-v", "ON_ERROR_STOP=1", "-c", text], timeout=60)
        return res.stdout.decode("utf-8").strip()

    def cleanup(self):
        if self.running:
            try:
                self.ctl("stop")
            except Exception:  # noqa: BLE001
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def wait_for(pred, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pred():
                return True
        except redis.RedisError:
            pass
        time.sleep(0.02)
    return pred()


def state(r):
    return r.info("sync").get("sync_state")


def streaming(r):
    info = r.info("sync")
    return info.get("sync_state") == "streaming" and int(info.get("sync_pending_keys", 1)) == 0


def row_json(pg, where):
    return pg.sql("SELECT row_to_json(t)::text FROM products t WHERE %s" % where).encode()


def main():
    if tl.postgres_dsn() is None:
        print("SKIP: HOTCACHE_TEST_PG_DSN is not set (run through tools/test, which starts PostgreSQL)")
        sys.exit(0 if os.environ.get("HOTCACHE_ALLOW_SKIP") == "1" else 1)
    f = tl.Failures("test_pg_faults")
    pg = PrivatePostgres()
    try:
        pg.ctl("start")
        pg.sql("CREATE TABLE products (id int PRIMARY KEY, name text, is_hot bool NOT NULL DEFAULT true);"
               "INSERT INTO products SELECT g, 'p' || g FROM generate_series(1, 100) g")
        sync_line = "products table=public.products key=product:{id} format=json hot=is_hot"

        # --print-trigger-sql, applied by the "DBA".
        res = tl.run([tl.hotcache_binary(), "--pg-sync", sync_line, "--print-trigger-sql"], timeout=30)
        trigger_sql = res.stdout.decode()
        f.check("CREATE TRIGGER hotcache_sync_row" in trigger_sql, "--print-trigger-sql prints the triggers")
        tl.run([os.path.join(pg.bin, "psql"), pg.dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
               timeout=60, input_bytes=trigger_sql.encode())
        tl.run([os.path.join(pg.bin, "psql"), pg.dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
               timeout=60, input_bytes=trigger_sql.encode())  # idempotent
        pg.ctl("stop")

        # pg-required yes with the database down: one clear error line, no password.
        dsn_with_password = pg.dsn + " password=sekrit-pw-123"
        port = tl.free_port()
        res = tl.run([tl.hotcache_binary(), "--port", str(port), "--bind", "127.0.0.1",
                      "--pg-dsn", dsn_with_password, "--pg-sync", sync_line, "--pg-required", "yes"],
                     timeout=60, check=False)
        out = (res.stdout + res.stderr).decode("utf-8", "replace")
        f.check(res.returncode != 0, "pg-required yes + database down: non-zero exit (%d)" % res.returncode)
        f.check("cannot connect to PostgreSQL" in out, "clear error line: %r" % out[-500:])
        f.check("sekrit-pw-123" not in out, "password not printed")

        # hotcache started before PostgreSQL is up: serves, says disconnected, then loads.
        with tl.hotcache(extra_args=["--pg-dsn", dsn_with_password, "--pg-sync", sync_line]) as server:
            r = redis.Redis(host=server.host, port=server.port, socket_timeout=30)
            f.equal(r.ping(), True, "serves while PostgreSQL is down")
            f.equal(state(r), "disconnected", "sync_state while PostgreSQL is down")
            f.check("sekrit-pw-123" not in str(r.info("sync")), "password not in INFO")
            pg.ctl("start")
            f.check(wait_for(lambda: streaming(r), 30), "loads once PostgreSQL is up: %r" % r.info("sync"))
            f.equal(r.get("product:7"), row_json(pg, "id = 7"), "warm-loaded after late start")
            pg.sql("UPDATE products SET name = 'changed' WHERE id = 7")
            f.check(wait_for(lambda: r.get("product:7") == row_json(pg, "id = 7")), "follows changes")

            # Restart PostgreSQL; change rows right after it is back (maybe before
            # hotcache has reconnected): nothing may be lost.
            pg.ctl("restart")
            pg.sql("UPDATE products SET name = 'after restart' WHERE id = 8;"
                   "DELETE FROM products WHERE id = 9;"
                   "UPDATE products SET is_hot = false WHERE id = 10;"
                   "INSERT INTO products VALUES (101, 'new')")
            f.check(wait_for(lambda: streaming(r), 40), "streaming after restart: %r" % r.info("sync"))
            want = {("product:%s" % line.split("|")[0]).encode(): line.split("|", 1)[1].encode()
                    for line in pg.sql("SELECT id, row_to_json(t)::text FROM products t WHERE is_hot").split("\n")}

            def cache():
                return {k: r.get(k) for k in r.scan_iter(match="product:*", count=1000)}
            f.check(wait_for(lambda: cache() == want, 30),
                    "cache == table after restart (%d keys, %d rows)" % (len(cache()), len(want)))
            f.check(int(r.info("sync").get("sync_resyncs", 0)) >= 1, "re-sync counted")
            with open(server.log_path, "rb") as logf:
                log = logf.read().decode("utf-8", "replace")
            f.check("sekrit-pw-123" not in log, "password not in the log")
    finally:
        pg.cleanup()
    f.finish()


if __name__ == "__main__":
    main()
