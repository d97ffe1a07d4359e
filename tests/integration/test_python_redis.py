#!/usr/bin/python3
"""python3-redis (redis-py) against a real hotcache-server: a shared
ConnectionPool used by 8 threads, each on its own keys, every result checked;
plus RESP3 through redis.Redis(protocol=3) when the installed redis-py has it."""

import inspect
import threading

import redis

import hotcache_testlib as tl

THREADS = 8
ITERATIONS = 500


def worker(pool, tid, errors):
    r = redis.Redis(connection_pool=pool)
    p = "t%d:" % tid

    def expect(got, want, what):
        if got != want:
            errors.append("thread %d iteration %d: %s: got %r, want %r" % (tid, i, what, got, want))
            raise AssertionError

    try:
        for i in range(ITERATIONS):
            k = "%skey:%d" % (p, i)
            expect(r.set(k, "v%d" % i), True, "SET")
            expect(r.get(k), b"v%d" % i, "GET")
            expect(r.incr(p + "counter"), i + 1, "INCR")
            expect(r.incrby(p + "counter2", 2), 2 * (i + 1), "INCRBY")
            mapping = {p + "m1": "a%d" % i, p + "m2": "b%d" % i, p + "m3": "c%d" % i}
            expect(r.mset(mapping), True, "MSET")
            expect(r.mget([p + "m1", p + "m2", p + "nokey", p + "m3"]),
                   [b"a%d" % i, b"b%d" % i, None, b"c%d" % i], "MGET")
            expect(r.expire(k, 100), True, "EXPIRE")
            ttl = r.ttl(k)
            expect(ttl in (99, 100), True, "TTL in [99,100] (was %r)" % ttl)
            expect(r.ttl(p + "m1"), -1, "TTL without expiry")
            expect(r.ttl(p + "nokey"), -2, "TTL of missing key")
            expect(r.set(k, "nx", nx=True), None, "SET NX on existing")
            expect(r.set(k, "px", px=50000, xx=True), True, "SET XX PX")
            pttl = r.pttl(k)
            expect(0 < pttl <= 50000, True, "PTTL in (0,50000] (was %r)" % pttl)
            expect(r.getset(k, "gs"), b"px", "GETSET")
            expect(r.append(k, "!"), 3, "APPEND")
            expect(r.strlen(k), 3, "STRLEN")
            expect(r.exists(k, p + "nokey"), 1, "EXISTS")
            if i % 2 == 0:
                expect(r.delete(k), 1, "DEL")
                expect(r.get(k), None, "GET after DEL")
        # Pipelines (non-transactional) work too.
        pipe = r.pipeline(transaction=False)
        for j in range(100):
            pipe.set("%spipe:%d" % (p, j), j)
        for j in range(100):
            pipe.get("%spipe:%d" % (p, j))
        i = ITERATIONS
        res = pipe.execute()
        expect(res[:100], [True] * 100, "pipelined SETs")
        expect(res[100:], [b"%d" % j for j in range(100)], "pipelined GETs")
        expect(r.get(p + "counter"), b"%d" % ITERATIONS, "final counter")
        # Errors surface as exceptions with Redis's text.
        try:
            r.incr(p + "m1")
            errors.append("thread %d: INCR on a non-integer did not raise" % tid)
        except redis.ResponseError as e:
            expect(str(e), "value is not an integer or out of range", "INCR error text")
    except AssertionError:
        pass
    except Exception as e:  # connection errors, timeouts...
        errors.append("thread %d: %s: %s" % (tid, type(e).__name__, e))


def check_resp3(hot, f):
    params = inspect.signature(redis.Redis.__init__).parameters
    if "protocol" not in params:
        print("redis-py %s has no protocol=3 support; RESP3 part skipped" % redis.__version__)
        return
    r = redis.Redis(host=hot.host, port=hot.port, protocol=3)
    f.equal(r.ping(), True, "RESP3 PING")
    f.equal(r.set("r3", "v"), True, "RESP3 SET")
    f.equal(r.get("r3"), b"v", "RESP3 GET")
    f.equal(r.get("r3-missing"), None, "RESP3 GET missing")
    f.equal(r.mget(["r3", "r3-missing"]), [b"v", None], "RESP3 MGET")
    f.equal(r.incr("r3c"), 1, "RESP3 INCR")
    f.equal(r.incrbyfloat("r3f", 1.5), 1.5, "RESP3 INCRBYFLOAT")
    r.close()


def main():
    f = tl.Failures("test_python_redis")
    print("redis-py", redis.__version__)
    # Two I/O threads: the pool's connections land on both (cross-thread paths).
    with tl.hotcache(io_threads=2) as hot:
        pool = redis.ConnectionPool(host=hot.host, port=hot.port, max_connections=THREADS,
                                    socket_timeout=20)
        errors = []
        threads = [threading.Thread(target=worker, args=(pool, t, errors)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
            f.check(not t.is_alive(), "worker thread finished in time")
        for e in errors:
            f.check(False, e)
        f.check(not errors, "%d worker threads x %d iterations without error" % (THREADS, ITERATIONS))
        r = redis.Redis(connection_pool=pool)
        # Per thread: 250 key:N left (odd N), counter, counter2, m1..m3, 100 pipe keys.
        f.equal(r.dbsize(), THREADS * (ITERATIONS // 2 + 2 + 3 + 100), "DBSIZE after the workers")
        info = r.info("server")
        f.check("redis_version" in info, "INFO server has redis_version")
        pool.disconnect()
        check_resp3(hot, f)
        f.check(hot.alive(), "server still running at the end")
    f.finish()


if __name__ == "__main__":
    main()
