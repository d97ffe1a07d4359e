#!/usr/bin/python3
"""redis-cli against a real hotcache-server: one-shot commands, --pipe of
100,000 SETs, --scan and --scan --pattern."""

import re
import sys

import hotcache_testlib as tl

REDIS_CLI = tl.require_tool("redis-cli")
PIPE_COUNT = 100000


def cli(server, *args, input_bytes=None, timeout=60):
    argv = [REDIS_CLI, "-h", server.host, "-p", str(server.port)] + list(args)
    return tl.run(argv, timeout=timeout, input_bytes=input_bytes, check=False)


def out(res):
    return res.stdout.decode("utf-8", "replace")


def main():
    f = tl.Failures("test_redis_cli")
    with tl.hotcache() as hot:
        # --- one-shot commands (redis-cli prints raw values when not on a tty) ---
        f.equal(out(cli(hot, "PING")), "PONG\n", "PING")
        f.equal(out(cli(hot, "SET", "greeting", "hello world")), "OK\n", "SET")
        f.equal(out(cli(hot, "GET", "greeting")), "hello world\n", "GET")
        f.equal(out(cli(hot, "GET", "missing")), "\n", "GET missing (nil prints empty)")
        f.equal(out(cli(hot, "INCR", "counter")), "1\n", "INCR")
        f.equal(out(cli(hot, "INCRBY", "counter", "41")), "42\n", "INCRBY")
        f.equal(out(cli(hot, "MSET", "a", "1", "b", "2")), "OK\n", "MSET")
        f.equal(out(cli(hot, "MGET", "a", "b", "missing")), "1\n2\n\n", "MGET")
        f.equal(out(cli(hot, "EXPIRE", "a", "100")), "1\n", "EXPIRE")
        ttl = out(cli(hot, "TTL", "a")).strip()
        f.check(ttl in ("100", "99"), "TTL after EXPIRE 100: %r" % ttl)
        f.equal(out(cli(hot, "DEL", "a", "b", "missing")), "2\n", "DEL")
        f.equal(out(cli(hot, "EXISTS", "a")), "0\n", "EXISTS")
        f.equal(out(cli(hot, "TYPE", "greeting")), "string\n", "TYPE")
        f.equal(out(cli(hot, "--no-raw", "GET", "greeting")), '"hello world"\n', "GET --no-raw")
        f.equal(out(cli(hot, "--no-raw", "GET", "missing")), "(nil)\n", "GET missing --no-raw")
        f.equal(out(cli(hot, "--no-raw", "INCR", "counter")), "(integer) 43\n", "INCR --no-raw")
        res = cli(hot, "GET")
        f.check("wrong number of arguments for 'get' command" in out(res),
                "GET without key reports the arity error: %r" % out(res))
        res = cli(hot, "NOSUCHCOMMAND", "x")
        f.check("unknown command 'NOSUCHCOMMAND'" in out(res),
                "unknown command error: %r" % out(res))
        f.equal(out(cli(hot, "-3", "PING")), "PONG\n", "PING over RESP3 (-3)")
        f.equal(out(cli(hot, "-3", "GET", "greeting")), "hello world\n", "GET over RESP3 (-3)")
        f.equal(out(cli(hot, "-n", "1", "SET", "indb1", "x")), "OK\n", "SET in db 1 (-n 1)")
        f.equal(out(cli(hot, "-n", "1", "GET", "indb1")), "x\n", "GET in db 1")
        f.equal(out(cli(hot, "GET", "indb1")), "\n", "db 0 does not see db 1")
        f.equal(out(cli(hot, "FLUSHALL")), "OK\n", "FLUSHALL")
        f.equal(out(cli(hot, "DBSIZE")), "0\n", "DBSIZE after FLUSHALL")

        # --- --pipe: 100,000 SETs ---
        lines = []
        for i in range(PIPE_COUNT):
            k, v = "pipe:%d" % i, "value-%d" % i
            lines.append("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
        res = cli(hot, "--pipe", input_bytes="".join(lines).encode(), timeout=120)
        text = out(res) + res.stderr.decode("utf-8", "replace")
        f.equal(res.returncode, 0, "--pipe exit code")
        f.check("errors: 0, replies: %d" % PIPE_COUNT in text,
                "--pipe summary 'errors: 0, replies: %d' in %r" % (PIPE_COUNT, text[-300:]))
        f.equal(out(cli(hot, "DBSIZE")), "%d\n" % PIPE_COUNT, "DBSIZE after --pipe")
        f.equal(out(cli(hot, "GET", "pipe:99999")), "value-99999\n", "GET last piped key")
        f.equal(out(cli(hot, "GET", "pipe:0")), "value-0\n", "GET first piped key")

        # --pipe with errors is reported as such.
        bad = b"*2\r\n$3\r\nGET\r\n$3\r\nabc\r\n*1\r\n$3\r\nGET\r\n"
        res = cli(hot, "--pipe", input_bytes=bad, timeout=60)
        text = out(res) + res.stderr.decode("utf-8", "replace")
        f.check("errors: 1, replies: 2" in text, "--pipe with one bad command: %r" % text[-300:])

        # --- --scan ---
        res = cli(hot, "--scan", timeout=120)
        keys = out(res).split("\n")[:-1]
        f.equal(res.returncode, 0, "--scan exit code")
        f.equal(len(keys), PIPE_COUNT, "--scan returns every key once (count)")
        f.equal(set(keys), {"pipe:%d" % i for i in range(PIPE_COUNT)}, "--scan key set")

        # --scan --pattern over a mixed keyspace.
        with hot.client() as c:
            c.command("FLUSHALL")
            want_user = set()
            for i in range(2000):
                c.send(tl.encode_command("SET", "user:%d" % i, "u"))
                want_user.add("user:%d" % i)
            for i in range(2000):
                c.read_reply()
            for i in range(500):
                c.send(tl.encode_command("SET", "order:%d" % i, "o"))
            for i in range(500):
                c.read_reply()
            c.command("SET", "user:last", "v")
            want_user.add("user:last")
        res = cli(hot, "--scan", "--pattern", "user:*", timeout=60)
        keys = out(res).split("\n")[:-1]
        f.equal(len(keys), len(want_user), "--scan --pattern user:* count (no duplicates)")
        f.equal(set(keys), want_user, "--scan --pattern user:* key set")
        res = cli(hot, "--scan", "--pattern", "order:1?", timeout=60)
        f.equal(sorted(out(res).split("\n")[:-1]), sorted("order:1%d" % i for i in range(10)),
                "--scan --pattern order:1?")
        res = cli(hot, "--scan", "--pattern", "nomatch:*", timeout=60)
        f.equal(out(res), "", "--scan --pattern with no match")

        f.check(hot.alive(), "server still running at the end")
    f.finish()


if __name__ == "__main__":
    main()
