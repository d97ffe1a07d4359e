#!/usr/bin/python3
"""Differential test: the same commands to redis-server and to hotcache-server,
raw reply bytes compared.

Every corpus/*.txt file is run three times, each time on fresh connections
after FLUSHALL on both servers: over RESP2, over RESP3 (HELLO 3 first), and
over RESP2 pipelined (all commands between two !sleep lines in one write,
then all replies read; !raw lines are skipped there).

Corpus format: one command per line, arguments split like redis-cli splits them
(double quotes with \\n \\r \\t \\b \\a \\\\ \\" \\xHH escapes, single quotes with \\').
Blank lines and lines starting with '#' are ignored. A line may start with
directives, each followed by a space:
  !nocompare   send to both, compare only the reply type byte
  !sorted      compare aggregate replies as sorted multisets (recursively)
  !approx N    integer replies may differ by at most N (TTL/PTTL)
  !hello       HELLO replies: compare with the client id and version masked
  !noreply     send, expect no reply (CLIENT REPLY OFF/SKIP)
  !resp2 / !resp3   run the line only under that protocol
  !redis72     skip unless the reference redis-server is >= 7.2
  !raw         the rest is ONE quoted argument: exact bytes sent on a fresh
               connection; every reply until the server goes quiet (0.3 s) and
               whether it closed the connection are compared
  !sleep MS    (alone) sleep MS milliseconds
Usage: test_differential.py [--show] [corpus files...]
  --show prints every command with redis's reply (handy when writing corpora).
"""

import concurrent.futures
import glob
import os
import re
import socket
import sys
import time

import hotcache_testlib as tl

HERE = os.path.dirname(os.path.abspath(__file__))
REPLY_TIMEOUT = 5.0
MAX_TIMEOUTS_PER_RUN = 5
RAW_QUIET = 0.3  # seconds of silence that end a !raw exchange


def split_args(line):
    """redis-cli's sdssplitargs: returns a list of bytes, or raises ValueError."""
    out = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return out
        cur = bytearray()
        inq = insq = False
        while True:
            if inq:
                if i >= n:
                    raise ValueError("unterminated double quote")
                c = line[i]
                if c == "\\" and i + 3 < n and line[i + 1] == "x" and _ishex(line[i + 2:i + 4]):
                    cur.append(int(line[i + 2:i + 4], 16))
                    i += 3
                elif c == "\\" and i + 1 < n:
                    i += 1
                    cur += {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b",
                            "a": b"\a"}.get(line[i], line[i].encode())
                elif c == '"':
                    if i + 1 < n and not line[i + 1].isspace():
                        raise ValueError("closing quote must be followed by a space")
                    inq = False
                    i += 1
                    break
                else:
                    cur += c.encode()
            elif insq:
                if i >= n:
                    raise ValueError("unterminated single quote")
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    i += 1
                    cur += b"'"
                elif c == "'":
                    if i + 1 < n and not line[i + 1].isspace():
                        raise ValueError("closing quote must be followed by a space")
                    insq = False
                    i += 1
                    break
                else:
                    cur += c.encode()
            else:
                if i >= n:
                    break
                c = line[i]
                if c.isspace():
                    break
                if c == '"':
                    inq = True
                elif c == "'":
                    insq = True
                else:
                    cur += c.encode()
            i += 1
        out.append(bytes(cur))


def _ishex(s):
    return len(s) == 2 and all(ch in "0123456789abcdefABCDEF" for ch in s)


class Line:
    def __init__(self, path, lineno, text):
        self.where = "%s:%d" % (os.path.basename(path), lineno)
        self.text = text
        self.mode = "exact"
        self.approx = 0
        self.noreply = False
        self.only_proto = None
        self.redis72 = False
        self.raw = None
        self.sleep_ms = None
        rest = text
        while rest.startswith("!"):
            word, _, rest = rest.partition(" ")
            rest = rest.lstrip()
            if word == "!nocompare":
                self.mode = "type"
            elif word == "!hello":
                self.mode = "hello"
            elif word == "!sorted":
                self.mode = "sorted"
            elif word == "!approx":
                n, _, rest = rest.partition(" ")
                self.mode, self.approx = "approx", int(n)
                rest = rest.lstrip()
            elif word == "!noreply":
                self.noreply = True
            elif word in ("!resp2", "!resp3"):
                self.only_proto = int(word[-1])
            elif word == "!redis72":
                self.redis72 = True
            elif word == "!raw":
                args = split_args(rest)
                if len(args) != 1:
                    raise ValueError("%s: !raw takes exactly one quoted argument" % self.where)
                self.raw = args[0]
                rest = ""
                break
            elif word == "!sleep":
                self.sleep_ms = int(rest)
                rest = ""
                break
            else:
                raise ValueError("%s: unknown directive %s" % (self.where, word))
        self.args = split_args(rest) if rest else []
        if self.raw is None and self.sleep_ms is None and not self.args:
            raise ValueError("%s: empty command" % self.where)


def load_corpus(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            text = text.rstrip("\n")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            lines.append(Line(path, lineno, text.strip()))
    return lines


# --- reply comparison -------------------------------------------------------

def canonical_sorted(raw):
    """A canonical form of a reply where every aggregate's elements are sorted."""
    t = raw[:1]
    if t not in (b"*", b"~", b">", b"%"):
        return raw
    eol = raw.index(b"\r\n")
    count = int(raw[1:eol])
    pos = eol + 2
    elems = []
    n = count * 2 if t == b"%" else max(count, 0)
    for _ in range(n):
        end = tl.reply_end(raw, pos)
        elems.append(raw[pos:end])
        pos = end
    if t == b"%":
        items = sorted(canonical_sorted(elems[i]) + canonical_sorted(elems[i + 1])
                       for i in range(0, n, 2))
    else:
        items = sorted(canonical_sorted(e) for e in elems)
    return raw[:eol + 2] + b"".join(items)


_HELLO_ID = re.compile(rb"(id\r\n):\d+\r\n")
_HELLO_VERSION = re.compile(rb"(version\r\n)\$\d+\r\n[^\r]*\r\n")


def mask_hello(raw):
    """A HELLO reply with the connection id and the server version masked."""
    raw = _HELLO_ID.sub(rb"\1:<id>\r\n", raw)
    return _HELLO_VERSION.sub(rb"\1$<version>\r\n", raw)


def replies_match(line, want, got):
    if isinstance(want, tuple) or isinstance(got, tuple):  # !raw results / markers
        return want == got
    if line.mode == "type":
        return want[:1] == got[:1]
    if line.mode == "hello":
        return mask_hello(want) == mask_hello(got)
    if line.mode == "sorted":
        return canonical_sorted(want) == canonical_sorted(got)
    if line.mode == "approx" and want[:1] == b":" and got[:1] == b":":
        return abs(int(want[1:-2]) - int(got[1:-2])) <= line.approx
    return want == got


def show(reply, limit=400):
    r = repr(reply)
    return r if len(r) <= limit else r[:limit] + "...(%d bytes)" % len(reply)


# --- running ------------------------------------------------------------------

class Side:
    """One server and the current connection to it."""

    def __init__(self, server, proto):
        self.server = server
        self.proto = proto
        self.conn = None

    def connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = tl.RespClient(self.server.host, self.server.port, timeout=REPLY_TIMEOUT)
        hello = b""
        if self.proto == 3:
            try:
                hello = self.conn.command("HELLO", "3")
            except (OSError, EOFError, tl.ProtocolError) as e:
                hello = b"<HELLO 3 failed: %s>" % str(e).encode()
        return hello

    def execute(self, line):
        """Returns the raw reply, or a marker tuple when there is none."""
        if line.noreply:
            try:
                self.conn.send(tl.encode_command(*line.args))
            except OSError:
                return ("<closed>",)
            return b""
        try:
            return self.conn.command(*line.args)
        except socket.timeout:
            return ("<timeout>",)
        except (EOFError, ConnectionError):
            return ("<closed>",)
        except tl.ProtocolError as e:
            return ("<bad RESP: %s>" % e,)


def raw_exchange(server, data):
    """Sends exact bytes on a fresh connection; returns (replies..., 'closed'|'open')."""
    replies = []
    with tl.RespClient(server.host, server.port, timeout=REPLY_TIMEOUT) as c:
        try:
            c.send(data)
        except ConnectionError:
            return ("<send failed>",)
        state = "open"
        while True:
            try:
                replies.append(c.read_reply(timeout=RAW_QUIET))
            except socket.timeout:
                break
            except (EOFError, ConnectionError):
                state = "closed"
                break
        if state == "open" and c.is_closed_by_peer(0.1):
            state = "closed"
    return tuple(replies) + (state,)


def run_file(path, proto, redis, hot, redis72, show_mode):
    lines = load_corpus(path)
    for side in (redis, hot):
        with side.client() as c:
            c.command("FLUSHALL")
    ref, cand = Side(redis, proto), Side(hot, proto)
    mismatches = []
    compared = 0
    h1, h2 = ref.connect(), cand.connect()
    if proto == 3 and mask_hello(h1) != mask_hello(h2):
        mismatches.append(("HELLO 3 (connection setup)", "HELLO 3", h1, h2))
    timeouts = 0
    for line in lines:
        if line.only_proto is not None and line.only_proto != proto:
            continue
        if line.redis72 and not redis72:
            continue
        if line.sleep_ms is not None:
            time.sleep(line.sleep_ms / 1000.0)
            continue
        if line.raw is not None:
            if proto == 3:
                continue  # raw lines use their own fresh connection: once is enough
            # Both sides at once: each waits for the server to go quiet.
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                f1 = pool.submit(raw_exchange, redis, line.raw)
                f2 = pool.submit(raw_exchange, hot, line.raw)
                want, got = f1.result(), f2.result()
        else:
            want = ref.execute(line)
            got = cand.execute(line)
        compared += 1
        if show_mode:
            print("%-22s RESP%d %-50s -> %s" % (line.where, proto, line.text[:50], show(want, 200)))
        if not replies_match(line, want, got):
            mismatches.append((line.where, line.text, want, got))
        markers = [r[0] for r in (want, got)
                   if line.raw is None and isinstance(r, tuple) and r]
        if markers:
            # Replies are out of step or a connection is gone: start both afresh.
            if "<timeout>" in markers:
                timeouts += 1
            if timeouts > MAX_TIMEOUTS_PER_RUN:
                mismatches.append((line.where, "(aborting this run)", "", "too many timeouts"))
                break
            ref.connect()
            cand.connect()
    for side in (ref, cand):
        side.conn.close()
    return compared, mismatches


def pipelined_replies(side, batch):
    """Sends every command of batch in one write, then reads their replies.
    Returns one reply (or marker tuple) per line; b"" for !noreply lines."""
    data = b"".join(tl.encode_command(*line.args) for line in batch)
    out = []
    try:
        side.conn.send(data)
    except OSError:
        return [("<closed>",)] * len(batch)
    broken = None
    for line in batch:
        if line.noreply:
            out.append(b"")
        elif broken is not None:
            out.append(broken)
        else:
            try:
                out.append(side.conn.read_reply())
            except socket.timeout:
                broken = ("<timeout>",)
                out.append(broken)
            except (EOFError, ConnectionError):
                broken = ("<closed>",)
                out.append(broken)
            except tl.ProtocolError as e:
                broken = ("<bad RESP: %s>" % e,)
                out.append(broken)
    if broken is not None:
        side.connect()
    return out


def run_file_pipelined(path, redis, hot, redis72):
    """RESP2, every run of commands between !sleep lines sent in one write."""
    lines = [ln for ln in load_corpus(path)
             if ln.raw is None and ln.only_proto in (None, 2) and (redis72 or not ln.redis72)]
    for side in (redis, hot):
        with side.client() as c:
            c.command("FLUSHALL")
    ref, cand = Side(redis, 2), Side(hot, 2)
    ref.connect()
    cand.connect()
    mismatches = []
    compared = 0
    batch = []
    for line in lines + [None]:
        if line is not None and line.sleep_ms is None:
            batch.append(line)
            continue
        if batch:
            wants = pipelined_replies(ref, batch)
            gots = pipelined_replies(cand, batch)
            for bl, want, got in zip(batch, wants, gots):
                compared += 1
                if not replies_match(bl, want, got):
                    mismatches.append((bl.where, bl.text, want, got))
            batch = []
        if line is not None:
            time.sleep(line.sleep_ms / 1000.0)
    for side in (ref, cand):
        side.conn.close()
    return compared, mismatches


def redis_version(server):
    with server.client() as c:
        info = c.call("INFO", "server")
    for row in info.decode().splitlines():
        if row.startswith("redis_version:"):
            return tuple(int(x) for x in row.split(":", 1)[1].split(".")[:2])
    return (0, 0)


def main(argv):
    show_mode = "--show" in argv
    files = [a for a in argv if not a.startswith("--")]
    if not files:
        files = sorted(glob.glob(os.path.join(HERE, "corpus", "*.txt")))
    for f in files:  # fail fast on a corpus syntax error
        load_corpus(f)
    total = 0
    all_mismatches = []
    with tl.redis_server() as redis, tl.hotcache() as hot:
        redis72 = redis_version(redis) >= (7, 2)
        print("reference redis-server on port %d, hotcache (%s) on port %d" %
              (redis.port, hot.argv[0], hot.port))
        for path in files:
            for mode in ("RESP2", "RESP3", "RESP2 pipelined"):
                if mode == "RESP2 pipelined":
                    compared, mismatches = run_file_pipelined(path, redis, hot, redis72)
                else:
                    compared, mismatches = run_file(path, int(mode[-1]), redis, hot, redis72, show_mode)
                total += compared
                if compared == 0 and not mismatches:
                    continue  # e.g. protocol.txt holds only !raw lines: RESP2 runs them
                print("%-24s %-15s: %4d commands, %d mismatches" %
                      (os.path.basename(path), mode, compared, len(mismatches)))
                for where, text, want, got in mismatches:
                    print("  MISMATCH %s %s: %s\n    redis:    %s\n    hotcache: %s" %
                          (where, mode, text, show(want), show(got)))
                all_mismatches += mismatches
        if not hot.alive():
            all_mismatches.append(("end", "hotcache-server died", "", hot.log_tail()))
            print("hotcache-server is no longer running; log tail:\n" + hot.log_tail())
    if all_mismatches:
        print("FAILED: %d mismatches in %d compared commands" % (len(all_mismatches), total))
        return 1
    print("OK: %d commands compared, all replies identical" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
