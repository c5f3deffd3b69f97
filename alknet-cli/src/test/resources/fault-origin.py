#!/usr/bin/env python3
"""Origin web server for the network-fault tests: GET /blob sends FILE; POST /sink answers the SHA-256 of the body.
Usage: fault-origin.py ADDR PORT FILE"""
import hashlib
import shutil
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with open(sys.argv[3], "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(0)
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            shutil.copyfileobj(f, self.wfile, 64 * 1024)

    def do_POST(self):
        left = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        while left > 0:
            b = self.rfile.read(min(left, 64 * 1024))
            if not b:
                break
            h.update(b)
            left -= len(b)
        body = (h.hexdigest() + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
