#!/usr/bin/python3
"""Transactions against a real hotcache-server with python3-redis (redis-py):
pipeline(transaction=True), errors inside and before EXEC, a WATCH conflict
between two connections (EXEC -> None, redis-py's WatchError), optimistic
increments from several threads with r.transaction(), readers that must never
see half of a multi-key transaction, and a watching client that disconnects."""

import threading

import redis

import hotcache_testlib as tl

THREADS = 4
INCREMENTS = 100
ATOMIC_KEYS = ["atomic:%d" % i for i in range(32)]
ATOMIC_ROUNDS = 200


def basic(r, f):
    pipe = r.pipeline(transaction=True)
    pipe.set("a", 1).incr("a").get("a").mget(["a", "nokey"])
    f.equal(pipe.execute(), [True, 2, b"2", [b"2", None]], "MULTI/SET/INCR/GET/MGET/EXEC")

    # Errors inside EXEC do not roll back.
    pipe = r.pipeline(transaction=True)
    pipe.set("s", "x").incr("s").set("s2", "y")
    res = pipe.execute(raise_on_error=False)
    f.equal(res[0], True, "SET before the failing command")
    f.check(isinstance(res[1], redis.ResponseError), "INCR on a string fails inside EXEC")
    f.equal(str(res[1]), "value is not an integer or out of range", "its error text")
    f.equal(res[2], True, "SET after the failing command")
    f.equal(r.mget(["s", "s2"]), [b"x", b"y"], "no roll back")

    # A queue-time error discards the whole transaction (EXECABORT).
    pipe = r.pipeline(transaction=True)
    pipe.set("q", 1).execute_command("NOSUCHCOMMAND", "x")
    try:
        pipe.execute()
        f.check(False, "a transaction with an unknown command raised nothing")
    except redis.ResponseError as e:
        f.check("unknown command" in str(e) or "EXECABORT" in str(e),
                "queue-time error raised (%s)" % e)
    f.equal(r.exists("q"), 0, "nothing of an aborted transaction applied")

    # Raw replies, as redis-cli sees them.
    c = redis.Redis(host=r.connection_pool.connection_kwargs["host"],
                    port=r.connection_pool.connection_kwargs["port"], single_connection_client=True)
    f.equal(c.execute_command("MULTI"), b"OK", "MULTI")
    try:
        c.execute_command("MULTI")
        f.check(False, "nested MULTI raised nothing")
    except redis.ResponseError as e:
        f.equal(str(e), "MULTI calls can not be nested", "nested MULTI")
    f.equal(c.execute_command("DISCARD"), b"OK", "DISCARD")
    try:
        c.execute_command("EXEC")
        f.check(False, "EXEC without MULTI raised nothing")
    except redis.ResponseError as e:
        f.equal(str(e), "EXEC without MULTI", "EXEC without MULTI")
    c.close()


def watch_conflict(hot, f):
    a = redis.Redis(host=hot.host, port=hot.port)
    b = redis.Redis(host=hot.host, port=hot.port)
    a.set("balance", 100)
    with a.pipeline() as pipe:
        pipe.watch("balance")
        value = int(pipe.get("balance"))
        pipe.multi()
        pipe.set("balance", value - 30)
        b.set("balance", 500)  # another client changes the watched key
        try:
            pipe.execute()
            f.check(False, "EXEC after a conflicting write did not raise WatchError")
        except redis.WatchError:
            f.check(True, "WatchError on conflict")
    f.equal(a.get("balance"), b"500", "the aborted transaction changed nothing")

    # Without a conflict the same transaction commits.
    with a.pipeline() as pipe:
        pipe.watch("balance")
        value = int(pipe.get("balance"))
        pipe.multi()
        pipe.set("balance", value - 30)
        f.equal(pipe.execute(), [True], "EXEC without conflict")
    f.equal(a.get("balance"), b"470", "committed")

    # The raw reply to an aborted EXEC is a null array.
    c = redis.Redis(host=hot.host, port=hot.port, single_connection_client=True)
    c.execute_command("WATCH", "balance")
    b.incr("balance")
    c.execute_command("MULTI")
    c.execute_command("GET", "balance")
    f.equal(c.execute_command("EXEC"), None, "EXEC after a conflict replies a null array")
    c.close()

    # A client that disconnects while watching leaves nothing behind.
    for _ in range(20):
        d = redis.Redis(host=hot.host, port=hot.port, single_connection_client=True)
        d.execute_command("WATCH", "balance", "other")
        d.close()
    f.equal(b.set("balance", 1), True, "writes after watchers disconnected")
    a.close()
    b.close()


def optimistic_increments(hot, f):
    errors = []

    def worker():
        r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=20)
        try:
            for _ in range(INCREMENTS):
                def incr(pipe):
                    value = int(pipe.get("opt") or 0)
                    pipe.multi()
                    pipe.set("opt", value + 1)
                r.transaction(incr, "opt")
        except Exception as e:  # noqa: BLE001 - reported as a failure
            errors.append("%s: %s" % (type(e).__name__, e))
        r.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        f.check(not t.is_alive(), "increment thread finished in time")
    for e in errors:
        f.check(False, e)
    r = redis.Redis(host=hot.host, port=hot.port)
    f.equal(r.get("opt"), b"%d" % (THREADS * INCREMENTS), "no increment lost under WATCH")
    r.close()


def atomic_visibility(hot, f):
    stop = threading.Event()
    mixed = []
    reads = [0]
    errors = []

    def writer(wid):
        r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=20)
        try:
            for i in range(ATOMIC_ROUNDS):
                pipe = r.pipeline(transaction=True)
                if i % 4 == 3:
                    pipe.delete(*ATOMIC_KEYS)
                else:
                    pipe.mset({k: "w%d-%d" % (wid, i) for k in ATOMIC_KEYS})
                pipe.execute()
        except Exception as e:  # noqa: BLE001
            errors.append("writer: %s: %s" % (type(e).__name__, e))
        r.close()

    def reader():
        r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=20)
        try:
            n = 0
            while not stop.is_set() and n < 100000:
                values = r.mget(ATOMIC_KEYS)
                n += 1
                if len(set(values)) != 1:
                    mixed.append(values)
                    break
            reads[0] += n
        except Exception as e:  # noqa: BLE001
            errors.append("reader: %s: %s" % (type(e).__name__, e))
        r.close()

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join(timeout=120)
    stop.set()
    for t in readers:
        t.join(timeout=120)
    for e in errors:
        f.check(False, e)
    f.check(not mixed, "readers never saw half a transaction (%s)" % (mixed[:1],))
    f.check(reads[0] > 0, "readers read")


def main():
    f = tl.Failures("test_transactions")
    print("redis-py", redis.__version__)
    with tl.hotcache(io_threads=4) as hot:
        r = redis.Redis(host=hot.host, port=hot.port)
        basic(r, f)
        r.close()
        watch_conflict(hot, f)
        optimistic_increments(hot, f)
        atomic_visibility(hot, f)
        f.check(hot.alive(), "server still running at the end")
    f.finish()


if __name__ == "__main__":
    main()
