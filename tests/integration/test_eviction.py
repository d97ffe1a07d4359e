#!/usr/bin/python3
"""maxmemory against a real hotcache-server: noeviction answers OOM and keeps
every key; allkeys-lru under a write load 10x maxmemory keeps used_memory at
most one write above maxmemory; INFO fields; redis-cli --bigkeys, --memkeys
and --hotkeys."""

import redis

import hotcache_testlib as tl

REDIS_CLI = tl.require_tool("redis-cli")
OOM = "OOM command not allowed when used memory > 'maxmemory'."


def used(r):
    return int(r.info("memory")["used_memory"])


def cli(server, *args):
    argv = [REDIS_CLI, "-h", server.host, "-p", str(server.port)] + list(args)
    res = tl.run(argv, timeout=120, check=False)
    return res.returncode, res.stdout.decode("utf-8", "replace")


def main():
    f = tl.Failures("test_eviction")
    value = b"x" * 200
    with tl.hotcache() as hot:
        r = redis.Redis(host="127.0.0.1", port=hot.port)
        info = r.info()
        for field in ("used_memory", "used_memory_rss", "used_memory_peak", "maxmemory",
                      "maxmemory_policy", "mem_fragmentation_ratio", "evicted_keys",
                      "keyspace_hits", "keyspace_misses"):
            f.check(field in info, "INFO has %s" % field)

        # --- noeviction: OOM, nothing lost ------------------------------------
        p = r.pipeline(transaction=False)
        for i in range(20000):
            p.set(b"keep:%d" % i, value)
        p.execute()
        limit = used(r) + 512 * 1024
        r.config_set("maxmemory", limit)
        f.equal(r.config_get("maxmemory-policy")["maxmemory-policy"], "noeviction", "default policy")
        oom = 0
        for i in range(20000):
            try:
                r.set(b"new:%d" % i, value)
            except redis.exceptions.ResponseError as e:
                f.equal(str(e), OOM, "OOM error text")
                oom += 1
                break
        f.check(oom == 1, "noeviction eventually refuses writes")
        f.check(used(r) <= limit + 4096, "noeviction stays within one write of maxmemory")
        f.equal(sum(1 for _ in r.scan_iter(match="keep:*", count=1000)), 20000, "no key lost")
        f.equal(r.get(b"keep:123"), value, "reads work over the limit")

        # --- allkeys-lru: a load 10x the limit stays under it --------------------
        r.config_set("maxmemory", 0)
        r.flushall()
        base = used(r)
        limit = base + 2 * 1024 * 1024
        r.config_set("maxmemory", limit)
        r.config_set("maxmemory-policy", "allkeys-lru")
        worst = 0
        for batch in range(100):  # 100 x 1000 x ~250 B = ~25 MB written, > 10x the 2 MB budget
            p = r.pipeline(transaction=False)
            for i in range(1000):
                p.set(b"lru:%d:%d" % (batch, i), value)
            p.execute()
            worst = max(worst, used(r))
        f.check(worst <= limit + 4096, "used_memory %d <= maxmemory %d (+ one write)" % (worst, limit))
        evicted = int(r.info("stats")["evicted_keys"])
        f.check(evicted > 50000, "evicted_keys counted: %d" % evicted)
        f.equal(r.get(b"lru:99:999"), value, "the newest key is kept")

        # --- redis-cli --bigkeys / --memkeys / --hotkeys -------------------------
        r.config_set("maxmemory", 0)
        r.flushall()
        r.set("big", "y" * 5000)
        r.set("small", "z")
        r.hset("h", mapping={"a": "1", "b": "2"})
        rc, text = cli(hot, "--bigkeys")
        f.check(rc == 0 and "Biggest string found" in text and "big" in text, "--bigkeys: " + text[-300:])
        rc, text = cli(hot, "--memkeys")
        f.check(rc == 0 and "Biggest string found" in text and "big" in text, "--memkeys: " + text[-300:])
        rc, text = cli(hot, "--hotkeys")
        f.check(rc != 0 or "ERROR" in text, "--hotkeys refuses without an LFU policy")
        r.config_set("maxmemory-policy", "allkeys-lfu")
        for _ in range(20):
            r.get("small")
        rc, text = cli(hot, "--hotkeys")
        f.check(rc == 0 and "hot key found with counter" in text and "small" in text,
                "--hotkeys: " + text[-300:])
        f.check(hot.alive(), "server still running at the end")
    f.finish()


if __name__ == "__main__":
    main()
