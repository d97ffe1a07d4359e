#!/usr/bin/python3
"""Pub/Sub against a real hotcache-server: python3-redis (redis-py) subscribers
and publishers on separate connections (so messages cross I/O threads), RESP3
pushes on a raw connection (and through redis-py when it has protocol=3),
PUBSUB CHANNELS/NUMSUB/NUMPAT, and a slow subscriber that never reads: it
must be cut off by client-output-buffer-limit pubsub while the server's RSS
stays bounded and the publisher keeps being served."""

import inspect
import socket
import time

import redis

import hotcache_testlib as tl

HARD_LIMIT = 8 * 1024 * 1024


def get_message(p, timeout=5.0):
    """The next message (not a subscribe confirmation) of redis-py PubSub p, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if m is not None:
            return m
    return None


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def check_redis_py(hot, f):
    r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=10)
    f.equal(r.publish("news", "nobody"), 0, "PUBLISH without subscribers")

    p1 = r.pubsub()
    p1.subscribe("news", "sport")
    p2 = r.pubsub()
    p2.psubscribe("n*")
    # Wait for the subscriptions to be registered (NUMSUB / NUMPAT).
    f.check(wait_for(lambda: r.pubsub_numsub("news") == [(b"news", 1)]), "NUMSUB news = 1")
    f.check(wait_for(lambda: r.pubsub_numpat() == 1), "NUMPAT = 1")
    f.equal(sorted(r.pubsub_channels()), [b"news", b"sport"], "PUBSUB CHANNELS")
    f.equal(r.pubsub_channels("s*"), [b"sport"], "PUBSUB CHANNELS s*")
    f.equal(r.pubsub_numsub("news", "sport", "none"),
            [(b"news", 1), (b"sport", 1), (b"none", 0)], "PUBSUB NUMSUB")

    f.equal(r.publish("news", "hello"), 2, "PUBLISH news: channel + pattern receivers")
    f.equal(r.publish("sport", "goal"), 1, "PUBLISH sport")
    m = get_message(p1)
    f.equal(m and (m["type"], m["channel"], m["data"]), ("message", b"news", b"hello"),
            "subscriber gets the news message")
    m = get_message(p1)
    f.equal(m and (m["type"], m["channel"], m["data"]), ("message", b"sport", b"goal"),
            "subscriber gets the sport message, in order")
    m = get_message(p2)
    f.equal(m and (m["type"], m["pattern"], m["channel"], m["data"]),
            ("pmessage", b"n*", b"news", b"hello"), "pattern subscriber gets pmessage")

    # Many messages keep their order; binary payloads survive.
    for i in range(200):
        r.publish("sport", b"\x00\r\n%d" % i)
    got = [get_message(p1) for _ in range(200)]
    f.equal([m and m["data"] for m in got], [b"\x00\r\n%d" % i for i in range(200)],
            "200 binary messages in order")

    # In subscribe mode (RESP2) other commands are refused; PING answers ["pong", ""].
    p1.execute_command("GET", "x")
    try:
        m = p1.parse_response(timeout=5)
    except redis.ResponseError as e:
        m = e
    f.check(isinstance(m, redis.ResponseError) and "only (P|S)SUBSCRIBE" in str(m),
            "GET in subscribe mode is refused (got %r)" % (m,))
    p1.ping()
    m = p1.get_message(timeout=5)
    f.equal(m and (m["type"], m["data"]), ("pong", b""), "PING in subscribe mode")

    p1.unsubscribe("news")
    f.check(wait_for(lambda: r.pubsub_numsub("news") == [(b"news", 0)]),
            "NUMSUB news = 0 after UNSUBSCRIBE")
    f.equal(r.publish("news", "again"), 1, "PUBLISH after UNSUBSCRIBE: only the pattern")
    p2.punsubscribe()
    f.check(wait_for(lambda: r.pubsub_numpat() == 0), "NUMPAT = 0 after PUNSUBSCRIBE")
    # A closed subscriber connection stops counting.
    p1.close()
    f.check(wait_for(lambda: r.publish("sport", "x") == 0), "PUBLISH = 0 after disconnect")
    f.check(wait_for(lambda: r.pubsub_channels() == []), "no channels left")
    p2.close()
    r.close()


def check_resp3_raw(hot, f):
    with hot.client() as sub, hot.client() as pub:
        sub.command("HELLO", "3")
        f.equal(sub.command("SUBSCRIBE", "c3"), b">3\r\n$9\r\nsubscribe\r\n$2\r\nc3\r\n:1\r\n",
                "RESP3 SUBSCRIBE is a push")
        f.equal(sub.command("PSUBSCRIBE", "c*"), b">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n",
                "RESP3 PSUBSCRIBE")
        f.equal(pub.command("PUBLISH", "c3", "v"), b":2\r\n", "PUBLISH to a RESP3 subscriber")
        f.equal(sub.read_reply(), b">3\r\n$7\r\nmessage\r\n$2\r\nc3\r\n$1\r\nv\r\n", "RESP3 message push")
        f.equal(sub.read_reply(), b">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nc3\r\n$1\r\nv\r\n",
                "RESP3 pmessage push")
        # RESP3 subscribers may run any command; replies and pushes interleave.
        f.equal(sub.command("SET", "k3", "v3"), b"+OK\r\n", "SET while subscribed (RESP3)")
        f.equal(sub.command("GET", "k3"), b"$2\r\nv3\r\n", "GET while subscribed (RESP3)")
        f.equal(sub.command("UNSUBSCRIBE"), b">3\r\n$11\r\nunsubscribe\r\n$2\r\nc3\r\n:1\r\n",
                "RESP3 UNSUBSCRIBE")

    params = inspect.signature(redis.Redis.__init__).parameters
    if "protocol" not in params:
        print("redis-py %s has no protocol=3 support; redis-py RESP3 part skipped"
              % redis.__version__)
        return
    r = redis.Redis(host=hot.host, port=hot.port, protocol=3)
    p = r.pubsub()
    p.subscribe("r3")
    f.check(wait_for(lambda: r.pubsub_numsub("r3")[0][1] == 1), "redis-py RESP3 subscribed")
    f.equal(r.publish("r3", "x"), 1, "redis-py RESP3 PUBLISH")
    m = get_message(p)
    f.equal(m and m["data"], b"x", "redis-py RESP3 message")
    p.close()
    r.close()


def check_slow_subscriber(hot, f):
    r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=30)
    # A subscriber with a tiny receive buffer that never reads after subscribing.
    slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect((hot.host, hot.port))
    slow.sendall(tl.encode_command("SUBSCRIBE", "firehose"))
    slow.settimeout(5)
    f.equal(slow.recv(100), b"*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n",
            "slow subscriber subscribed")
    rss_before = rss_bytes(hot.pid)

    payload = b"x" * (256 * 1024)
    sent = 0
    cut_at = None
    for i in range(400):  # at most 100 MB: bounded even if the limit never triggers
        n = r.publish("firehose", payload)
        sent += 1
        if n == 0:
            cut_at = sent
            break
    rss_after = rss_bytes(hot.pid)
    print("slow subscriber: cut off after %s messages of %d KB; server RSS %d -> %d MB"
          % (cut_at, len(payload) >> 10, rss_before >> 20, rss_after >> 20))
    f.check(cut_at is not None, "slow subscriber cut off (PUBLISH reached 0 receivers)")
    if cut_at is not None:
        # Cut off once its pending output passed the hard limit (plus socket buffers).
        f.check(cut_at * len(payload) <= HARD_LIMIT + 16 * 1024 * 1024,
                "cut off after %d messages (%d MB), not much past the limit"
                % (cut_at, cut_at * len(payload) >> 20))
    growth = rss_after - rss_before
    f.check(growth < 48 * 1024 * 1024,
            "server RSS grew by %d MB while a non-reading subscriber was fed (bounded)"
            % (growth >> 20))
    f.equal(r.pubsub_numsub("firehose"), [(b"firehose", 0)], "slow subscriber gone from NUMSUB")
    f.check("pubsub" not in r.execute_command("CLIENT", "LIST", "TYPE", "pubsub").decode()
            and r.execute_command("CLIENT", "LIST", "TYPE", "pubsub") == b"",
            "no pubsub client left in CLIENT LIST")
    # The publisher (and everyone else) keeps working.
    f.equal(r.set("after", "ok"), True, "SET after the cut-off")
    f.equal(r.get("after"), b"ok", "GET after the cut-off")
    f.equal(r.publish("firehose", "small"), 0, "PUBLISH after the cut-off")
    # The subscriber sees the connection closed once it drains what was sent.
    slow.settimeout(10)
    closed = False
    try:
        while True:
            chunk = slow.recv(1 << 20)
            if not chunk:
                closed = True
                break
    except (ConnectionResetError, socket.timeout):
        closed = True
    f.check(closed, "slow subscriber's connection was closed by the server")
    slow.close()
    f.check(wait_for(lambda: "scheduled to be closed ASAP for overcoming of output buffer limits"
                     in hot.log_tail(1 << 20)), "the cut-off is logged as Redis logs it")
    r.close()


def check_soft_limit(hot, f):
    """Over the soft limit for longer than its seconds: cut off; below it: kept."""
    r = redis.Redis(host=hot.host, port=hot.port, socket_timeout=30)
    f.equal(r.config_set("client-output-buffer-limit", "pubsub 0 1mb 1"), True,
            "CONFIG SET client-output-buffer-limit pubsub 0 1mb 1")
    slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect((hot.host, hot.port))
    slow.sendall(tl.encode_command("SUBSCRIBE", "soft"))
    slow.settimeout(5)
    f.equal(slow.recv(100), b"*3\r\n$9\r\nsubscribe\r\n$4\r\nsoft\r\n:1\r\n",
            "soft-limit subscriber subscribed")
    payload = b"y" * (256 * 1024)
    # 8 MB: more than the socket buffers hold, so the pending output passes 1 MB.
    receivers = [r.publish("soft", payload) for _ in range(32)]
    f.equal(receivers, [1] * 32, "over the soft limit but not for long: still subscribed")
    time.sleep(1.5)  # the limit is about time spent over it
    f.equal(r.publish("soft", "tick"), 1, "one more message after 1.5 s")
    f.check(wait_for(lambda: r.pubsub_numsub("soft") == [(b"soft", 0)]),
            "subscriber over the soft limit for more than 1 s is cut off")
    slow.close()
    r.config_set("client-output-buffer-limit", "pubsub %d %d 60" % (HARD_LIMIT, HARD_LIMIT // 2))
    r.close()


def main():
    f = tl.Failures("test_pubsub")
    print("redis-py", redis.__version__)
    with tl.hotcache(extra_args=["--client-output-buffer-limit",
                                 "pubsub %d %d 60" % (HARD_LIMIT, HARD_LIMIT // 2)],
                     io_threads=2) as hot:
        check_redis_py(hot, f)
        check_resp3_raw(hot, f)
        check_slow_subscriber(hot, f)
        check_soft_limit(hot, f)
        f.check(hot.alive(), "server still running at the end")
    f.finish()


if __name__ == "__main__":
    main()
