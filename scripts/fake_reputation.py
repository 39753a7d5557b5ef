"""A stand-in reputation service for the demo, on 127.0.0.1 only.

Serves GET /api/v3/reputation/<kind>/<value> like the REST service the
threat-intel-http connector expects, and requires the X-Api-Key header.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

EXPECTED_KEY = "demo-intel-key-0001"
MALICIOUS = {"82.165.177.154", "203.0.113.45", "198.51.100.23"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("X-Api-Key") != EXPECTED_KEY:
            self.send_json(401, {"error": "invalid API key"})
            return
        parts = self.path.split("/")
        value = parts[-1] if len(parts) >= 6 else ""
        if value in MALICIOUS:
            body = {"verdict": "malicious", "score": 92, "tags": ["scanner"], "description": "seen brute-forcing SSH"}
        else:
            body = {"verdict": "unknown", "score": 0, "tags": [], "description": "no record"}
        self.send_json(200, body)

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
