#!/usr/bin/python3
"""redis-benchmark against a real hotcache-server: pipelined SET/GET/INCR/MSET
must all complete and report a rate, and the server must still be healthy."""

import re

import hotcache_testlib as tl

REDIS_BENCHMARK = tl.require_tool("redis-benchmark")
TESTS = ["SET", "GET", "INCR", "MSET (10 keys)"]


def main():
    f = tl.Failures("test_redis_benchmark")
    # Two I/O threads: redis-benchmark's 50 connections are spread over both.
    with tl.hotcache(io_threads=2) as hot:
        argv = [REDIS_BENCHMARK, "-h", hot.host, "-p", str(hot.port),
                "-t", "set,get,incr,mset", "-P", "16", "-n", "100000", "-q"]
        try:
            res = tl.run(argv, timeout=240, check=False)
        except Exception as e:  # subprocess.TimeoutExpired included
            f.check(False, "redis-benchmark did not finish: %s" % e)
            f.finish()
        text = res.stdout.decode("utf-8", "replace")
        f.equal(res.returncode, 0, "redis-benchmark exit code")
        # -q prints lines like "SET: 123456.79 requests per second, p50=0.191 msec".
        # Progress updates are separated by '\r'; keep only the final text of each line.
        lines = [ln.split("\r")[-1].strip() for ln in text.split("\n")]
        print("\n".join(ln for ln in lines if ln))
        for test in TESTS:
            rows = [ln for ln in lines if ln.startswith(test + ":")]
            f.check(len(rows) == 1, "exactly one result line for %s in %r" % (test, lines))
            if rows:
                m = re.search(r":\s*([0-9.]+) requests per second", rows[0])
                f.check(m is not None and float(m.group(1)) > 0,
                        "%s reports a positive rate: %r" % (test, rows[0]))
        f.check(hot.alive(), "server still running after the benchmark")
        with hot.client() as c:
            f.equal(c.command("PING"), b"+PONG\r\n", "PING after the benchmark")
            size = tl.parse_reply(c.command("DBSIZE"))
            f.check(isinstance(size, int) and size > 0, "DBSIZE > 0 after the benchmark: %r" % size)
            # INCR with -P 16 -n 100000 on key "counter:__rand_int__" (no -r): one key, 100000.
            f.equal(c.command("GET", "counter:__rand_int__"), b"$6\r\n100000\r\n",
                    "INCR counter after 100000 INCRs")
            # SET/MSET write a 3-byte payload (-d default) to "key:__rand_int__".
            value = c.command("GET", "key:__rand_int__")
            f.check(value.startswith(b"$3\r\n") and len(value) == 9,
                    "value written by SET/MSET is 3 bytes: %r" % value)
    f.finish()


if __name__ == "__main__":
    main()
