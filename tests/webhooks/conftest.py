"""A real local HTTP receiver (a thread on 127.0.0.1) and eager Celery, for the webhook tests."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dangjian.celery import app as celery_app


class Receiver:
    """Answers each POST with the next code of `codes` (then 200), keeping what it received."""

    def __init__(self):
        self.codes: list[int] = []
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append({"headers": dict(self.headers), "body": body})
                code = outer.codes.pop(0) if outer.codes else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"boom" * 300)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def eager():
    conf = celery_app.conf
    before = {key: conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    conf.update(task_always_eager=True, task_eager_propagates=False)
    yield
    conf.update(before)
