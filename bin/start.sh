#!/bin/sh
# `npm start` and the container: the compiled server under a V8 heap limit suited to it.
# Node's default limit follows the machine (4 GB on a 16 GB host): V8 then collects so rarely that
# search garbage piles up to 3–4× the live heap, and a process of ~250 MB live reached 700 MB RSS
# (issue 28). NODE_HEAP_MB sets the limit; unset, it is half the container's memory (cgroup v2
# memory.max, or v1 memory.limit_in_bytes) between 192 and 4096 MB, or 320 MB without a limit.
# A --max-old-space-size already in NODE_OPTIONS is left alone.
#
# glibc's allocator gets 2 arenas (default: up to 8 per core, one per thread that allocates): the
# ranking build's freed buffers stayed spread over many arenas. Measured on the server at 1x
# (57,650 chunks, 5,000 searches; docs/scale.md): peak RSS 406 -> 359 MB, settled 335 -> 323 MB.
# A MALLOC_ARENA_MAX set by the caller is left alone. (4 MB semi-spaces took
# another ~30 MB but cost ~20 % of single-word req/s at c=32 in alternated runs: not taken.)
set -eu
: "${MALLOC_ARENA_MAX:=2}"
export MALLOC_ARENA_MAX
case "${NODE_OPTIONS:-}" in
  *--max-old-space-size*) exec node --enable-source-maps dist/server.js "$@" ;;
esac
heap="${NODE_HEAP_MB:-}"
if [ -n "$heap" ]; then
  case "$heap" in
    *[!0-9]*) echo "error: NODE_HEAP_MB must be a whole number of megabytes (got \"$heap\")" >&2; exit 2 ;;
  esac
  if [ "$heap" -lt 64 ]; then echo "error: NODE_HEAP_MB must be at least 64 (got $heap)" >&2; exit 2; fi
else
  limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo max)
  total=$(awk '/MemTotal/ { print int($2 / 1048576 * 1024) }' /proc/meminfo 2>/dev/null || echo 0)
  case "$limit" in
    '' | max | *[!0-9]*) heap=320 ;;
    *)
      limit_mb=$((limit / 1048576))
      if [ "$total" -gt 0 ] && [ "$limit_mb" -ge "$total" ]; then
        # No real limit: cgroup v1 says so with a huge number, a host-sized cgroup with its own size.
        heap=320
      else
        heap=$((limit_mb / 2))
        if [ "$heap" -gt 4096 ]; then heap=4096; fi
        if [ "$heap" -lt 192 ]; then heap=192; fi
      fi
      ;;
  esac
fi
exec node --max-old-space-size="$heap" --enable-source-maps dist/server.js "$@"
