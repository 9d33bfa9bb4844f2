#!/usr/bin/env python3
"""A slow, lossy link for kernels without the netem qdisc.

Binds to netfilter queue QUEUE (an iptables rule sends packets to it with -j NFQUEUE) and gives
every packet a verdict DELAY_MS +- JITTER_MS (uniform) after it arrived, or drops it with
probability LOSS_PCT / 100 -- what `tc qdisc add ... netem delay 200ms 50ms loss 5%` does. With
jitter, packets can leave in a different order than they arrived, as with netem.

Usage: netdelay.py QUEUE DELAY_MS JITTER_MS LOSS_PCT
Runs until SIGTERM or SIGINT; prints a line with the counts when it stops. Standard library only
(raw netlink), so it runs wherever python3 does.
"""
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_COPY_META = 1
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
NF_DROP = 0
NF_ACCEPT = 1


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


def message(msg_type, queue, attrs, seq=0):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + b"".join(attrs)
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, NLM_F_REQUEST, seq, 0) + body


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    queue, delay_ms, jitter_ms, loss_pct = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((0, 0))
    sock.send(message(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, 0))]))
    sock.send(message(NFQNL_MSG_CONFIG, queue, [
        attr(NFQA_CFG_PARAMS, struct.pack("!IBxxx", 0, NFQNL_COPY_META)),
        attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", 65536)),
    ]))

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    pending = []  # (due, packet id)
    seen = dropped = 0

    def verdict(packet_id, what):
        sock.send(message(NFQNL_MSG_VERDICT, queue, [attr(NFQA_VERDICT_HDR, struct.pack("!II", what, packet_id))]))

    while not stop:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            verdict(heapq.heappop(pending)[1], NF_ACCEPT)
        timeout = max(0.0, pending[0][0] - now) if pending else 0.2
        try:
            ready, _, _ = select.select([sock], [], [], min(timeout, 0.2))
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            data = sock.recv(1 << 16)
        except OSError as e:  # ENOBUFS: the kernel dropped messages; those packets time out upstream
            print(f"netdelay: {e}", file=sys.stderr)
            continue
        offset = 0
        while offset + 16 <= len(data):
            length, msg_type, _, _, _ = struct.unpack_from("=IHHII", data, offset)
            if length < 16:
                break
            if msg_type == NLMSG_ERROR:
                code = struct.unpack_from("=i", data, offset + 16)[0]
                if code != 0:
                    sys.exit(f"netdelay: the kernel refused a request: {os.strerror(-code)}")
            elif msg_type == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                pos, end = offset + 20, offset + length
                while pos + 4 <= end:
                    alen, akind = struct.unpack_from("=HH", data, pos)
                    if alen < 4:
                        break
                    if (akind & 0x7FFF) == NFQA_PACKET_HDR:
                        packet_id = struct.unpack_from("!I", data, pos + 4)[0]
                        seen += 1
                        if random.random() * 100 < loss_pct:
                            dropped += 1
                            verdict(packet_id, NF_DROP)
                        else:
                            due = now + max(0.0, delay_ms + random.uniform(-jitter_ms, jitter_ms)) / 1000
                            heapq.heappush(pending, (due, packet_id))
                        break
                    pos += (alen + 3) & ~3
            offset += (length + 3) & ~3
    for _, packet_id in pending:
        verdict(packet_id, NF_ACCEPT)
    sock.send(message(NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_UNBIND, 0))]))
    print(f"netdelay: {seen} packets, {dropped} dropped ({100.0 * dropped / max(seen, 1):.1f} %)")


if __name__ == "__main__":
    main()
