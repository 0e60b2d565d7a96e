#!/usr/bin/env python3
"""The program bench/hadaemon.sh runs under hadaemon: a TCP server on 127.0.0.1:PORT bound with
SO_REUSEPORT, so that two of them (two mains, or a main and the standby just promoted) listen
at once. It answers every connection with its pid and closes it. On SIGTERM it stops listening
and exits once the connections already queued on its socket are answered, so that a stop loses
none of them.

usage: reuseport.py PORT
"""
import os
import select
import signal
import socket
import sys

stopping = False


def stop(*_):
    global stopping
    stopping = True


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, stop)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    reply = f"{os.getpid()}\n".encode()
    while True:
        try:
            ready, _, _ = select.select([s], [], [], 0.05)
        except InterruptedError:
            ready = []
        if ready or stopping:
            s.setblocking(False)
            while True:
                try:
                    c, _ = s.accept()
                except (BlockingIOError, InterruptedError):
                    break
                c.sendall(reply)
                c.close()
            s.setblocking(True)
        if stopping:
            s.close()
            return


if __name__ == "__main__":
    main()
