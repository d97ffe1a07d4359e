#!/usr/bin/python3
"""Active expiry against a real hotcache-server.

N keys (default 200,000; HOTCACHE_EXPIRY_KEYS overrides, e.g. 1000000) are
set in db 0 with a 1-second TTL over pipelined raw RESP and never touched
again. Meanwhile a second client loops SET/GET on keys without a TTL in db 1
and checks every reply. Within 10 seconds of the last SET:
  - DBSIZE in db 0 is 0 and INFO keyspace has no db0 line (db1 stays),
  - INFO stats expired_keys equals N (nothing read the keys, so active expiry
    deleted every one of them),
  - used_memory is back within 20% + 5 MB of its value before the load,
and the GET/SET loop never saw a wrong reply and kept making progress.
"""

import os
import threading
import time

import hotcache_testlib as tl

KEYS = int(os.environ.get("HOTCACHE_EXPIRY_KEYS", "200000"))
TTL_MS = 1000
DEADLINE_S = 10.0
CHUNK = 10000


def info_fields(client, section):
    raw = tl.parse_reply(client.command("INFO", section))
    fields = {}
    for line in raw.decode().split("\r\n"):
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            fields[k] = v
    return fields


def load(client, n):
    """SET exp:i with PX TTL_MS for i in [0, n), pipelined; checks every reply."""
    bad = 0
    for start in range(0, n, CHUNK):
        end = min(n, start + CHUNK)
        client.send(b"".join(tl.encode_command("SET", "exp:%d" % i, "v%d" % i, "PX", TTL_MS)
                             for i in range(start, end)))
        for _ in range(start, end):
            if client.read_reply(timeout=30) != b"+OK\r\n":
                bad += 1
    return bad


class Traffic(threading.Thread):
    """SET/GET on db 1 keys without TTL, every reply checked, until stopped."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stop_event = threading.Event()
        self.ops = 0
        self.errors = []
        self.max_latency = 0.0

    def run(self):
        try:
            with self.server.client(timeout=10) as c:
                if c.command("SELECT", 1) != b"+OK\r\n":
                    self.errors.append("SELECT 1 failed")
                    return
                i = 0
                while not self.stop_event.is_set():
                    key = "live:%d" % (i % 1000)
                    value = "val:%d" % i
                    t0 = time.monotonic()
                    got_set = c.command("SET", key, value)
                    got_get = c.command("GET", key)
                    self.max_latency = max(self.max_latency, time.monotonic() - t0)
                    want_get = b"$%d\r\n%s\r\n" % (len(value), value.encode())
                    if got_set != b"+OK\r\n" or got_get != want_get:
                        self.errors.append("iteration %d: SET %r GET %r (want %r)"
                                           % (i, got_set, got_get, want_get))
                        if len(self.errors) > 10:
                            return
                    self.ops += 2
                    i += 1
        except Exception as e:  # noqa: BLE001 - report any failure of the loop
            self.errors.append("traffic loop failed: %r" % e)


def main():
    f = tl.Failures("test_expiry")
    with tl.hotcache(extra_args=["--hz", "10"]) as server:
        with server.client(timeout=30) as c:
            # avg_ttl: 100 keys with a 100 s TTL in db 2 (they outlive the test).
            c.command("SELECT", 2)
            for i in range(100):
                c.command("SET", "ttl:%d" % i, "v", "EX", 100)
            c.command("SELECT", 0)
            db2 = ""
            for _ in range(100):
                db2 = info_fields(c, "keyspace").get("db2", "")
                if not db2.endswith("avg_ttl=0"):
                    break
                time.sleep(0.05)
            avg_ttl = int(db2.rsplit("avg_ttl=", 1)[-1] or -1)
            f.check(db2.startswith("keys=100,expires=100,") and 90000 < avg_ttl <= 100000,
                    "db2 keyspace line %r: want keys=100,expires=100,avg_ttl in (90000, 100000]"
                    % db2)

            mem_start = int(info_fields(c, "memory").get("used_memory", "0"))
            traffic = Traffic(server)
            traffic.start()

            t_load = time.monotonic()
            bad = load(c, KEYS)
            t_loaded = time.monotonic()
            f.equal(bad, 0, "non-OK replies to SET ... PX")
            mem_loaded = int(info_fields(c, "memory").get("used_memory", "0"))
            print("loaded %d keys in %.2fs; used_memory %d -> %d"
                  % (KEYS, t_loaded - t_load, mem_start, mem_loaded))

            # Poll (read-only commands that touch no db0 key) until empty or deadline.
            empty_at = None
            ops_before = traffic.ops
            while time.monotonic() - t_loaded < DEADLINE_S:
                size = tl.parse_reply(c.command("DBSIZE"))
                keyspace = info_fields(c, "keyspace")
                if size == 0 and "db0" not in keyspace:
                    empty_at = time.monotonic()
                    break
                time.sleep(0.05)
            ops_during = traffic.ops - ops_before
            f.check(empty_at is not None,
                    "db0 not empty %.0fs after the load: DBSIZE %r, keyspace %r"
                    % (DEADLINE_S, tl.parse_reply(c.command("DBSIZE")), info_fields(c, "keyspace")))
            if empty_at is not None:
                print("db0 empty %.2fs after the last SET (%.2fs after the first)"
                      % (empty_at - t_loaded, empty_at - t_load))

            keyspace = info_fields(c, "keyspace")
            f.check(keyspace.get("db1", "").startswith("keys=1000,expires=0,avg_ttl=0"),
                    "db1 line: %r" % keyspace.get("db1"))
            stats = info_fields(c, "stats")
            f.equal(int(stats.get("expired_keys", "-1")), KEYS, "INFO stats expired_keys")

            # used_memory: the allocator may keep a little; allow 20% + 5 MB.
            mem_end = None
            limit = mem_start * 1.2 + 5 * 1024 * 1024
            deadline = t_loaded + DEADLINE_S
            while True:
                mem_end = int(info_fields(c, "memory").get("used_memory", "0"))
                if mem_end <= limit or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            print("used_memory: start %d, loaded %d, end %d (limit %d)"
                  % (mem_start, mem_loaded, mem_end, limit))
            f.check(mem_loaded > mem_start, "used_memory did not grow with %d keys (%d -> %d)"
                    % (KEYS, mem_start, mem_loaded))
            f.check(mem_end <= limit, "used_memory %d not back near start %d (limit %d)"
                    % (mem_end, mem_start, int(limit)))

            traffic.stop_event.set()
            traffic.join(timeout=15)
            f.check(not traffic.is_alive(), "traffic thread did not stop")
            f.equal(traffic.errors, [], "GET/SET loop errors")
            f.check(ops_during > 0, "GET/SET loop made no progress while keys expired")
            print("traffic: %d ops in total, %d while expiring, max round trip %.1f ms"
                  % (traffic.ops, ops_during, traffic.max_latency * 1000))
    f.finish()


if __name__ == "__main__":
    main()
