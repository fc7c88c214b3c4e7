#!/usr/bin/env python3
"""flaky-proxy.py UPSTREAM MODE N — a registry that fails, in front of a real one.

Listens on 127.0.0.1 (a free port, printed on the first line of stdout) and
forwards every request to http://UPSTREAM. Blob downloads (GET .../blobs/...)
misbehave by MODE:
  cut     the first N GETs of blobs of 4 KiB or more (layers, not configs) send
          their headers and half the body, then the connection is closed: a
          registry going away mid-download
  refuse  every blob GET answers 503 Service Unavailable
Runs until killed. Needs only python3.
"""
import http.client
import http.server
import sys
import threading

UPSTREAM, MODE, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
lock = threading.Lock()
failures = [0]


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        body = None
        if "Content-Length" in self.headers:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        conn = http.client.HTTPConnection(UPSTREAM, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        blob = self.command == "GET" and "/blobs/" in self.path and resp.status == 200
        if blob and MODE == "refuse":
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        cut = False
        if blob and MODE == "cut" and len(data) >= 4096:
            with lock:
                if failures[0] < N:
                    failures[0] += 1
                    cut = True
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
