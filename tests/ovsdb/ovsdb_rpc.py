"""Minimal RFC 7047 JSON-RPC client for ovsdb-lite tests and benchmarks.

Plain sockets + json (no extra modules). A stream carries JSON values back to back with no
delimiter, so replies are split with json.JSONDecoder.raw_decode on a growing buffer.
Notifications (update, update2, locked, stolen, echo requests) that arrive while waiting for a
reply are kept in self.notes; server echo requests are answered automatically.
"""
import json
import socket
import time


def connect_sock(remote, timeout=10.0):
    """remote: 'unix:PATH' or 'tcp:IP:PORT'."""
    if remote.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Blocking connect: a non-blocking one fails with EAGAIN while the listen backlog
        # is full instead of waiting for the server to accept.
        s.connect(remote[5:])
        s.settimeout(timeout)
    elif remote.startswith("tcp:"):
        _, ip, port = remote.split(":")
        s = socket.create_connection((ip, int(port)), timeout=timeout)
    else:
        raise ValueError("remote must be unix:PATH or tcp:IP:PORT")
    return s


class Client:
    def __init__(self, remote, timeout=10.0):
        self.sock = connect_sock(remote, timeout)
        self.buf = ""
        self.dec = json.JSONDecoder()
        self.next_id = 0
        self.notes = []

    def close(self):
        self.sock.close()

    def send(self, msg):
        self.sock.sendall(json.dumps(msg).encode())

    def recv_msg(self):
        """Next message; raises ConnectionError at end of stream."""
        while True:
            text = self.buf.lstrip()
            if text:
                try:
                    v, n = self.dec.raw_decode(text)
                    self.buf = text[n:]
                    return v
                except ValueError:
                    pass
            data = self.sock.recv(1 << 20)
            if not data:
                raise ConnectionError("server closed the connection")
            self.buf += data.decode()

    def wait_reply(self, rid):
        while True:
            m = self.recv_msg()
            if m.get("method") == "echo" and m.get("id") is not None:
                self.send({"id": m["id"], "result": m.get("params", []), "error": None})
                continue
            if "method" in m:
                self.notes.append(m)
                continue
            if m.get("id") == rid:
                return m
            self.notes.append(m)

    def call(self, method, params):
        """Sends a request and returns the whole reply message."""
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        return self.wait_reply(rid)

    def transact(self, db, *ops):
        return self.call("transact", [db] + list(ops))


def wait_for_server(remote, timeout=10.0):
    """Retries list_dbs until the server answers; returns the Client or raises."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            c = Client(remote, timeout=5.0)
            c.call("list_dbs", [])
            return c
        except OSError as e:
            last = e
            time.sleep(0.02)
    raise TimeoutError("server at %s did not answer: %s" % (remote, last))
