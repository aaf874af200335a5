#!/usr/bin/python3
"""usage: check_sync_order.py STRACE_LOG DBDIR
Reads `strace -f -s 80 -e trace=openat,accept4,write,writev,pwrite64,fsync,fdatasync,sendto,
sendmsg,close` output of ovsdb-lite and checks group commit's rule: no transaction reply is
sent to a client while something written to a file under DBDIR is not yet fsync'ed.
Prints "replies=N fsyncs=M violations=V" and exits 1 on a violation or if nothing was seen."""
import re
import sys

log, dbdir = sys.argv[1], sys.argv[2].rstrip("/")
files, sockets, dirty = {}, set(), set()
replies = fsyncs = writes = 0
violations = []
call = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)\)\s+=\s+(-?\d+)")
for line in open(log):
    m = call.match(line)
    if not m:
        continue
    name, args, ret = m.group(2), m.group(3), int(m.group(4))
    fd = args.split(",", 1)[0].strip()
    if name == "openat" and ret >= 0:
        path = re.search(r'"([^"]*)"', args)
        if path and path.group(1).startswith(dbdir + "/"):
            files[str(ret)] = path.group(1)
    elif name == "accept4" and ret >= 0:
        sockets.add(str(ret))
    elif name == "close":
        files.pop(fd, None)
        sockets.discard(fd)
        dirty.discard(fd)
    elif name in ("write", "writev", "pwrite64") and fd in files and ret > 0:
        dirty.add(fd)
        writes += 1
    elif name in ("fsync", "fdatasync") and ret == 0:
        dirty.discard(fd)
        fsyncs += 1
    elif name in ("sendto", "sendmsg", "write", "writev") and fd in sockets:
        if '\\"result\\":' in args:
            replies += 1
            if dirty:
                violations.append(line.strip()[:160])
print("replies=%d journal_writes=%d fsyncs=%d violations=%d" %
      (replies, writes, fsyncs, len(violations)))
for v in violations[:5]:
    print("  reply sent before fsync:", v)
sys.exit(1 if violations or replies == 0 or writes == 0 else 0)
