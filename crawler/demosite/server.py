"""Running the demo site: in a background thread (tests, benchmarks) or in the foreground (the CLI).

Both use Werkzeug's threaded server with request logging switched off (at benchmark
rates a log line per request costs more than the request).
"""

from __future__ import annotations

import signal
import socket
import threading
from typing import Callable

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from crawler.demosite.app import demo_site

LISTEN_BACKLOG = 1024


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0) -> tuple[BaseWSGIServer, str]:
    """Serve `app` from a daemon thread; port 0 picks a free port. Returns the server and its base
    URL (no trailing slash). Stop it with `server.shutdown(); server.server_close()`."""
    server = _make_server(app, host, port)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"demosite:{server.port}",
                     daemon=True).start()  # polls often, so shutdown() returns at once
    return server, _base_url(host, server.port)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8001, advance_every: float | None = None,
          echo: Callable[[str], object] = print) -> None:
    """Serve `app` in the foreground until Ctrl-C or SIGTERM, advancing its cycle every
    `advance_every` seconds if given. The first line echoed holds the base URL.

    Raises OSError when the address cannot be bound (for example, the port is taken)."""
    server = _make_server(app, host, port)
    previous = _on_sigterm(_interrupt)
    site = demo_site(app)
    echo(f"Demo classifieds site at {_base_url(host, server.port)} ({len(site.corpus.ads)} ads, "
         f"seed {site.corpus.seed}, cycle {site.cycle}); Ctrl-C stops it.")
    stop = threading.Event()
    if advance_every:
        def advance_periodically() -> None:
            while not stop.wait(advance_every):
                site.advance()
                state = site.state()
                echo(f"cycle {state['cycle']}: {state['live_ads']} ads live, {state['new_ads_this_cycle']} new, "
                     f"{state['edited_ads_this_cycle']} edited, {state['removed_ads']} removed so far")
        threading.Thread(target=advance_periodically, name="demosite-advance", daemon=True).start()
    try:
        server.serve_forever()  # returns on KeyboardInterrupt, and closes the server
    finally:
        stop.set()
        server.server_close()
        _on_sigterm(previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _on_sigterm(handler):
    """Install a SIGTERM handler when on the main thread (signals can only be set there)."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _make_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    # Bind here rather than in Werkzeug, which prints and calls sys.exit() when the port is taken.
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
        return make_server(host, port, app, threaded=True, request_handler=_QuietHandler, fd=sock.fileno())


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
