#!/usr/bin/python3
"""Yardstick: the raw-socket limit for a full read of an http URL (plain http only).

usage: http_rawsocket.py URL
One GET over a plain socket, recv_into a 4 MiB buffer until the server closes (the raw-socket
yardstick). Prints "rawsocket bytes=N seconds=S mibps=M cpu=C",
where N counts body bytes only.
"""
import socket
import sys
import time
from urllib.parse import urlsplit


def main():
    u = urlsplit(sys.argv[1])
    c0 = time.process_time()
    t0 = time.perf_counter()
    s = socket.create_connection((u.hostname, u.port or 80))
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (u.path or "/", u.netloc)).encode())
    buf = bytearray(4 << 20)
    view = memoryview(buf)
    total = 0
    head = None
    while True:
        n = s.recv_into(view)
        if n == 0:
            break
        if head is None:
            end = bytes(buf[:n]).find(b"\r\n\r\n")
            head = end + 4
            total += n - head
        else:
            total += n
    s.close()
    t = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print("rawsocket bytes=%d seconds=%.4f mibps=%.1f cpu=%.3f" % (total, t, total / t / 1048576, cpu))


if __name__ == "__main__":
    main()
