"""Shared helpers for the real-process tests (integration and differential).

- free_port(): a TCP port on 127.0.0.1 that was free a moment ago.
- hotcache(...) / redis_server(...): context managers that start a server
  process on a free port, wait until it answers PING and always stop it
  (SIGTERM, then SIGKILL) on exit. The hotcache binary comes from the
  HOTCACHE_SERVER environment variable (ctest sets it), else from
  build/release/server/hotcache-server in the repository.
- RespClient: a minimal raw RESP client. send() writes exact bytes,
  read_reply() returns exactly one complete reply (RESP2 or RESP3) as raw
  bytes; parse_reply() turns raw bytes into Python values when a test wants
  to look inside.

Everything here uses only the Python standard library.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TIMEOUT = 10.0


class ProtocolError(Exception):
    """The bytes received are not valid RESP."""


# ---------------------------------------------------------------------------
# Ports and binaries
# ---------------------------------------------------------------------------

def free_port():
    """Returns a TCP port on 127.0.0.1 that the kernel just handed out (then freed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hotcache_binary():
    """Path of the hotcache-server binary to test (HOTCACHE_SERVER overrides)."""
    path = os.environ.get("HOTCACHE_SERVER")
    if not path:
        path = os.path.join(REPO_ROOT, "build", "release", "server", "hotcache-server")
    if not os.path.exists(path):
        raise RuntimeError("hotcache-server not found at %s (set HOTCACHE_SERVER)" % path)
    return path


def require_tool(name):
    """Returns the path of an executable on PATH, or exits the test with a clear message."""
    path = shutil.which(name)
    if path is None:
        sys.exit("required tool %r not found on PATH" % name)
    return path


# ---------------------------------------------------------------------------
# Server processes
# ---------------------------------------------------------------------------

_SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: ThreadSanitizer",
                      "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


class ServerProcess:
    """A running server process; stop() is idempotent."""

    def __init__(self, name, argv, port, workdir, log_path):
        self.name = name
        self.argv = argv
        self.port = port
        self.host = "127.0.0.1"
        self.workdir = workdir
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def pid(self):
        return self.proc.pid

    def client(self, timeout=DEFAULT_TIMEOUT):
        return RespClient(self.host, self.port, timeout=timeout)

    def log_tail(self, max_bytes=4000):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
            return data[-max_bytes:].decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_ready(self, timeout=DEFAULT_TIMEOUT):
        """Waits until the server answers PING with +PONG. Returns False if it exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with RespClient(self.host, self.port, timeout=1.0) as c:
                    if c.command("PING") == b"+PONG\r\n":
                        return True
            except (OSError, ProtocolError):
                pass
            time.sleep(0.05)
        return False

    def sanitizer_report(self):
        """The first sanitizer report line in the server's log, or None."""
        for line in self.log_tail(1 << 20).splitlines():
            if any(m in line for m in _SANITIZER_MARKERS):
                return line
        return None

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10.0):
        """SIGTERM, wait, then SIGKILL. Returns the exit code (negative for a signal)."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            except ProcessLookupError:
                pass
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode

    def cpu_seconds(self):
        """utime+stime of the process from /proc/PID/stat, in seconds."""
        return proc_cpu_seconds(self.proc.pid)


def proc_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    # Fields after the ")" that ends the command name; utime/stime are fields 14/15.
    fields = stat[stat.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _server(name, make_argv, ready_timeout, attempts=3):
    workdir = tempfile.mkdtemp(prefix="hotcache-test-%s-" % name)
    server = None
    try:
        last_log = ""
        for attempt in range(attempts):
            port = free_port()
            server = ServerProcess(name, make_argv(port), port, workdir,
                                   os.path.join(workdir, "%s-%d.log" % (name, attempt)))
            if server.wait_ready(ready_timeout):
                break
            # It died or never answered (port taken between probe and bind?): retry.
            server.stop(timeout=2.0)
            last_log = server.log_tail()
            server = None
        if server is None:
            raise RuntimeError("%s did not answer PING after %d attempts; last log:\n%s"
                               % (name, attempts, last_log))
        yield server
        # Normal exit of the with-block: the server must stop cleanly on SIGTERM
        # (exit code 0) and its log must hold no sanitizer report.
        code = server.stop()
        problem = None
        if code != 0:
            problem = "exited with code %s after SIGTERM" % code
        report = server.sanitizer_report()
        if report:
            problem = "sanitizer report in its log"
        if problem:
            raise RuntimeError("%s %s; log tail:\n%s" % (name, problem, server.log_tail(8000)))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def hotcache(extra_args=(), binary=None, io_threads=None, ready_timeout=DEFAULT_TIMEOUT):
    """Context manager: a hotcache-server on a free port on 127.0.0.1.

    The binary is `binary`, else HOTCACHE_SERVER, else build/release. extra_args
    go after the port/bind flags (Redis-style "--directive value" flags).
    """
    path = binary or hotcache_binary()

    def argv(port):
        args = [path, "--port", str(port), "--bind", "127.0.0.1"]
        if io_threads is not None:
            args += ["--io-threads", str(io_threads)]
        return args + list(extra_args)

    return _server("hotcache", argv, ready_timeout)


def redis_server(extra_args=(), binary=None, ready_timeout=DEFAULT_TIMEOUT):
    """Context manager: a throwaway redis-server (no persistence) on a free port."""
    path = binary or require_tool("redis-server")

    def argv(port):
        return [path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no"] + list(extra_args)

    return _server("redis", argv, ready_timeout)


# ---------------------------------------------------------------------------
# RESP
# ---------------------------------------------------------------------------

def encode_command(*args):
    """Encodes arguments (str, bytes or int) as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = str(a).encode()
        elif isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


_LINE_TYPES = b"+-:_,#("      # one line
_BULK_TYPES = b"$!="          # length line, payload, CRLF
_AGG_TYPES = b"*~>"           # count, then count replies
_MAP_TYPES = b"%|"            # count, then 2*count replies


def reply_end(buf, pos=0):
    """Returns the index just past the complete reply starting at buf[pos], or None
    if buf does not yet hold a complete reply. Raises ProtocolError on bad input.
    An attribute (|) is returned together with the reply that follows it."""
    if pos >= len(buf):
        return None
    t = buf[pos]
    eol = buf.find(b"\r\n", pos)
    if eol < 0:
        return None
    header = buf[pos + 1:eol]
    after = eol + 2
    if t in _LINE_TYPES:
        return after
    if t in _BULK_TYPES:
        n = _int(header)
        if n < 0:
            return after
        if len(buf) < after + n + 2:
            return None
        if buf[after + n:after + n + 2] != b"\r\n":
            raise ProtocolError("bulk payload not terminated by CRLF")
        return after + n + 2
    if t in _AGG_TYPES or t in _MAP_TYPES:
        n = _int(header)
        if n < 0:
            return after
        if t in _MAP_TYPES:
            n *= 2
        for _ in range(n):
            after = reply_end(buf, after)
            if after is None:
                return None
        if t == ord("|"):
            return reply_end(buf, after)  # the attribute decorates the next reply
        return after
    raise ProtocolError("unknown RESP type byte %r" % bytes([t]))


def _int(header):
    try:
        return int(header)
    except ValueError:
        raise ProtocolError("bad length %r" % header)


class RespClient:
    """A blocking RESP client over TCP that deals in raw bytes."""

    def __init__(self, host="127.0.0.1", port=6379, timeout=DEFAULT_TIMEOUT):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def read_reply(self, timeout=None):
        """Reads exactly one complete reply; returns its raw bytes. Raises
        socket.timeout if none arrives in time, EOFError if the peer closed."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            end = reply_end(self.buf)
            if end is not None:
                reply, self.buf = self.buf[:end], self.buf[end:]
                return reply
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("no complete reply; have %r" % self.buf[:200])
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; partial reply %r" % self.buf[:200])
            self.buf += chunk

    def command(self, *args):
        """Sends one command and returns its raw reply."""
        self.send(encode_command(*args))
        return self.read_reply()

    def call(self, *args):
        """Sends one command and returns the parsed reply (see parse_reply)."""
        return parse_reply(self.command(*args))

    def is_closed_by_peer(self, wait=0.5):
        """True if the peer closes the connection within `wait` seconds (and sent
        nothing else meanwhile)."""
        if self.buf:
            return False
        self.sock.settimeout(wait)
        try:
            chunk = self.sock.recv(1)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        if chunk:
            self.buf += chunk
            return False
        return True


class RespError(Exception):
    """An error reply, as a value inside parse_reply's result."""

    def __eq__(self, other):
        return isinstance(other, RespError) and self.args == other.args

    def __hash__(self):
        return hash(self.args)


def parse_reply(raw):
    """Parses one complete raw reply into Python values: simple strings and bulk
    strings -> bytes, integers -> int, null -> None, doubles -> float, booleans ->
    bool, arrays/sets/pushes -> list, maps -> dict (list of pairs if keys are
    unhashable), errors -> RespError, big numbers -> int. Attributes are dropped."""
    value, end = _parse(raw, 0)
    if end != len(raw):
        raise ProtocolError("trailing bytes after reply")
    return value


def _parse(buf, pos):
    t = chr(buf[pos])
    eol = buf.index(b"\r\n", pos)
    header = buf[pos + 1:eol]
    after = eol + 2
    if t == "+":
        return header, after
    if t == "-":
        return RespError(header.decode("utf-8", "replace")), after
    if t in ":(":
        return int(header), after
    if t == "_":
        return None, after
    if t == ",":
        return float(header.decode()), after
    if t == "#":
        return header == b"t", after
    if t in "$!=":
        n = int(header)
        if n < 0:
            return None, after
        payload = buf[after:after + n]
        if t == "!":
            return RespError(payload.decode("utf-8", "replace")), after + n + 2
        if t == "=":
            payload = payload[4:]  # drop "txt:"
        return payload, after + n + 2
    if t in "*~>":
        n = int(header)
        if n < 0:
            return None, after
        items = []
        for _ in range(n):
            v, after = _parse(buf, after)
            items.append(v)
        return items, after
    if t in "%|":
        n = int(header)
        pairs = []
        for _ in range(n):
            k, after = _parse(buf, after)
            v, after = _parse(buf, after)
            pairs.append((k, v))
        if t == "|":
            return _parse(buf, after)
        try:
            return dict(pairs), after
        except TypeError:
            return pairs, after
    raise ProtocolError("unknown RESP type byte %r" % t)


# ---------------------------------------------------------------------------
# PostgreSQL (started by tools/test)
# ---------------------------------------------------------------------------

def postgres_dsn():
    """The DSN of the throwaway PostgreSQL that tools/test started, or None.
    Tests that need Postgres should print a note and exit 0 when it is None
    (e.g. when run by hand without tools/test)."""
    return os.environ.get("HOTCACHE_TEST_PG_DSN") or None


def pg_ctl(action, timeout=60, extra=()):
    """Runs pg_ctl ACTION (stop, start, restart) on the tools/test PostgreSQL,
    as the unprivileged user that owns it. Its settings (port, listen address,
    socket dir) live in postgresql.conf, so a plain start/restart keeps them.
    Returns the CompletedProcess; raises AssertionError on failure."""
    pg_bin = os.environ["HOTCACHE_TEST_PG_BIN"]
    data = os.environ["HOTCACHE_TEST_PG_DATA"]
    user = os.environ.get("HOTCACHE_TEST_PG_USER", "hotcache-test")
    argv = [os.path.join(pg_bin, "pg_ctl"), "-D", data, "-w", "-t", str(timeout)]
    if action in ("start", "restart") and os.environ.get("HOTCACHE_TEST_PG_LOG"):
        argv += ["-l", os.environ["HOTCACHE_TEST_PG_LOG"]]
    argv += list(extra) + [action]
    if os.getuid() == 0:
        argv = ["runuser", "-u", user, "--"] + argv
    return run(argv, timeout=timeout + 30)


# ---------------------------------------------------------------------------
# Misc
# ---------------------------------------------------------------------------

def run(argv, timeout, input_bytes=None, check=True):
    """Runs a command with a timeout; returns CompletedProcess (stdout/stderr bytes)."""
    res = subprocess.run(argv, input=input_bytes, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError("%s exited %d\nstdout: %s\nstderr: %s" % (
            " ".join(argv), res.returncode, res.stdout[-2000:], res.stderr[-2000:]))
    return res


class Failures:
    """Collects check failures so a test reports all of them, then fails once."""

    def __init__(self, name):
        self.name = name
        self.items = []
        self.checks = 0

    def check(self, cond, message):
        self.checks += 1
        if not cond:
            self.items.append(message)
            sys.stdout.write("FAIL: %s\n" % message)
            sys.stdout.flush()
        return cond

    def equal(self, got, want, what):
        if isinstance(got, (set, frozenset)) and isinstance(want, (set, frozenset)) and got != want:
            missing, extra = sorted(want - got), sorted(got - want)
            return self.check(False, "%s: %d missing %r%s, %d unexpected %r%s" % (
                what, len(missing), missing[:20], "..." if len(missing) > 20 else "",
                len(extra), extra[:20], "..." if len(extra) > 20 else ""))
        text_got, text_want = repr(got), repr(want)
        if len(text_got) > 2000:
            text_got = text_got[:2000] + "...(%d chars)" % len(text_got)
        if len(text_want) > 2000:
            text_want = text_want[:2000] + "...(%d chars)" % len(text_want)
        return self.check(got == want, "%s: got %s, want %s" % (what, text_got, text_want))

    def finish(self):
        """Prints a summary and exits the process: 0 if every check passed."""
        if self.items:
            print("%s: %d of %d checks FAILED" % (self.name, len(self.items), self.checks))
            sys.exit(1)
        print("%s: all %d checks passed" % (self.name, self.checks))
        sys.exit(0)
