#!/usr/bin/python3
"""Pre-learns N static MACs 02:01:xx:xx:xx:xx (k = 0..N-1) on an OVS bridge port: pipelined
fdb/add requests over one unixctl (JSON-RPC 1.0) connection to ovs-vswitchd (one ovs-appctl
process per MAC would take minutes).

  ovsfdb.py OVS_RUNDIR BRIDGE PORT N      prints "fdb/add: N entries in S s"; exit 1 on error
"""
import json
import os
import socket
import sys
import time

WINDOW = 256


def mac(k):
    return "02:01:%02x:%02x:%02x:%02x" % ((k >> 24) & 255, (k >> 16) & 255, (k >> 8) & 255, k & 255)


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    rundir, br, port, n = argv[1], argv[2], argv[3], int(argv[4])
    pid = open(os.path.join(rundir, "ovs-vswitchd.pid")).read().strip()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(rundir, "ovs-vswitchd.%s.ctl" % pid))
    dec = json.JSONDecoder()
    buf = ""
    sent = done = 0
    t = time.monotonic()
    while done < n:
        while sent < n and sent - done < WINDOW:
            req = {"id": sent, "method": "fdb/add", "params": [br, port, "0", mac(sent)]}
            s.sendall(json.dumps(req).encode())
            sent += 1
        data = s.recv(1 << 20)
        if not data:
            print("ovsfdb: connection closed", file=sys.stderr)
            return 1
        buf += data.decode()
        while True:
            buf = buf.lstrip()
            try:
                obj, k = dec.raw_decode(buf)
            except ValueError:
                break
            buf = buf[k:]
            done += 1
            if obj.get("error"):
                print("ovsfdb: fdb/add failed: %s" % obj["error"], file=sys.stderr)
                return 1
    print("fdb/add: %d entries in %.1f s" % (n, time.monotonic() - t))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
