#!/usr/bin/python3
"""A DNS server for the e2e cases, standing in for the outside world's resolvers (there is none
here): answers A queries for the names given with their addresses, NXDOMAIN for any other name,
over UDP on port 53 of each ADDRESS. Logs every query on stderr.

usage: dns-server.py ADDRESS[,ADDRESS...] NAME=IPV4 [NAME=IPV4...]
"""
import select
import socket
import struct
import sys

addresses = sys.argv[1].split(',')
records = dict(arg.lower().split('=', 1) for arg in sys.argv[2:])

sockets = []
for address in addresses:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 53))
    sockets.append(s)
print('listening', addresses, flush=True)


def answer(query):
    (tid, flags, qdcount) = struct.unpack('>HHH', query[:6])
    labels, i = [], 12
    while query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode())
        i += 1 + query[i]
    (qtype,) = struct.unpack('>H', query[i + 1:i + 3])
    question = query[12:i + 5]
    name = '.'.join(labels).lower()
    print('query', name, 'type', qtype, file=sys.stderr, flush=True)
    rd = flags & 0x0100
    if name not in records:
        return struct.pack('>HHHHHH', tid, 0x8083 | rd, 1, 0, 0, 0) + question
    if qtype != 1:  # the name exists, with no record of that type
        return struct.pack('>HHHHHH', tid, 0x8080 | rd, 1, 0, 0, 0) + question
    record = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(records[name])
    return struct.pack('>HHHHHH', tid, 0x8080 | rd, 1, 1, 0, 0) + question + record


while True:
    ready, _, _ = select.select(sockets, [], [])
    for s in ready:
        query, peer = s.recvfrom(4096)
        try:
            s.sendto(answer(query), peer)
        except (IndexError, struct.error):
            pass  # not a query we understand: no answer, as a real server would drop it
