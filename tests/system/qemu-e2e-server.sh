#!/bin/bash
# System test: two QEMU guests ping each other through weft; vhost-user server mode: weft
# owns the sockets, QEMU connects (see tests/qemu/run-e2e.sh). Root; binaries from $WEFT_BUILD.
exec "$(dirname "$0")/../qemu/run-e2e.sh" server
