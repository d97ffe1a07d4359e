# Shared helpers for tools/* scripts. Source it; do not run it.

HOTCACHE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints a timestamped progress line to stderr.
hc_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
hc_die() { hc_log "ERROR: $*"; exit 1; }

# Prints a TCP port on 127.0.0.1 that the kernel just handed out (then freed).
hc_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ON if bench/ can be configured (it has a CMakeLists.txt), else OFF.
hc_bench_option() {
  if [[ -f "$HOTCACHE_ROOT/bench/CMakeLists.txt" ]]; then echo ON; else echo OFF; fi
}

# hc_configure BUILD_DIR BUILD_TYPE [cmake -D options...]: configure with Ninja.
hc_configure() {
  local dir="$1" type="$2"; shift 2
  cmake -S "$HOTCACHE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; return 1; }
}
