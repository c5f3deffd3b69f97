#!/usr/bin/env python3
"""UDP through a SOCKS5 UDP ASSOCIATE across a network fault.
  fault-udp.py echo ADDR PORT                       echoes datagrams
  fault-udp.py client SOCKS_PORT HOST PORT N MS     one association; sends N datagrams MS apart, prints
                                                    "reply SEQ" per answer, then waits (up to 8 s) for the last
                                                    answer and prints "sent N"; the control
                                                    connection stays open throughout, as the association's life"""
import socket
import struct
import sys
import time

if sys.argv[1] == "echo":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[2], int(sys.argv[3])))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)

socks, host, port, n, ms = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
ctl = socket.create_connection(("127.0.0.1", socks))
ctl.sendall(b"\x05\x01\x00")
assert ctl.recv(2) == b"\x05\x00"
ctl.sendall(b"\x05\x03\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", udp.getsockname()[1]))
r = ctl.recv(10)
assert r[1] == 0, "UDP ASSOCIATE refused: %d" % r[1]
relay = (socket.inet_ntoa(r[4:8]), struct.unpack(">H", r[8:10])[0])
h = host.encode()
head = b"\x00\x00\x00\x03" + bytes([len(h)]) + h + struct.pack(">H", port)
udp.settimeout(0.01)
for seq in range(n):
    udp.sendto(head + str(seq).encode(), relay)
    end = time.time() + ms / 1000.0
    while time.time() < end:
        try:
            data = udp.recv(65535)
            atyp = data[3]
            skip = 4 + (4 if atyp == 1 else 16 if atyp == 4 else 1 + data[4]) + 2
            print("reply", data[skip:].decode(), flush=True)
        except socket.timeout:
            pass
# Replies may trail the sends: on one carrier they queue behind bulk data (up to a window per stream).
answered, end = set(), time.time() + 8
while time.time() < end:
    try:
        data = udp.recv(65535)
    except socket.timeout:
        continue
    atyp = data[3]
    skip = 4 + (4 if atyp == 1 else 16 if atyp == 4 else 1 + data[4]) + 2
    print("reply", data[skip:].decode(), flush=True)
    answered.add(int(data[skip:].decode()))
    if n - 1 in answered:
        break
print("sent", n, flush=True)
ctl.close()
