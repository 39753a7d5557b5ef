"""A stand-in EDR and SOC chat webhook for the demo, on 127.0.0.1 only.

Serves the REST API the edr-isolate connector expects:
POST /api/v1/hosts/isolate and GET /api/v1/hosts/<hostname>, both
requiring `Authorization: Bearer <EXPECTED_TOKEN>`. Also serves the chat
incoming webhook POST /hooks/soc. Each isolation and chat message is
appended as one JSON line to the file named by the second argument.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

EXPECTED_TOKEN = "demo-edr-token-0001"
ISOLATED = set()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.read_json()
        if self.path == "/hooks/soc":
            record("chat", body)
            self.send_json(200, {"ok": True})
            return
        if self.path != "/api/v1/hosts/isolate":
            self.send_json(404, {"error": "not found"})
            return
        if not self.authorized():
            return
        hostname = str(body.get("hostname", ""))
        ISOLATED.add(hostname)
        record("isolate", body)
        self.send_json(202, {"action_id": f"demo-{len(ISOLATED)}", "state": "pending"})

    def do_GET(self):
        if not self.path.startswith("/api/v1/hosts/"):
            self.send_json(404, {"error": "not found"})
            return
        if not self.authorized():
            return
        hostname = self.path.rsplit("/", 1)[-1]
        self.send_json(200, {"hostname": hostname, "isolated": hostname in ISOLATED, "last_seen": ""})

    def authorized(self):
        if self.headers.get("Authorization") == f"Bearer {EXPECTED_TOKEN}":
            return True
        self.send_json(401, {"error": "invalid token"})
        return False

    def read_json(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = self.read_chunked()
        else:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            return json.loads(data or b"{}")
        except json.JSONDecodeError:
            return {}

    def read_chunked(self):
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def record(kind, body):
    with open(sys.argv[2], "a", encoding="utf-8") as out:
        out.write(json.dumps({"kind": kind, "body": body}) + "\n")


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
