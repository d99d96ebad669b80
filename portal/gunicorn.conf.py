"""gunicorn settings: `gunicorn -c portal/gunicorn.conf.py portal.wsgi` (or `make serve`).

Threaded workers, because a portal request spends almost all its time waiting for Canvas: a
thread waiting on a socket costs little, so a few processes with many threads each serve many
students at once. Every value comes from the environment (docs/deploy.md lists them).
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn loads this file by path; the repo root must be importable for `portal.logging`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.logging import logging_config

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(multiprocessing.cpu_count(), 4))))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# A request may wait for Canvas up to (connect + read timeout) x (1 + retries) plus backoff;
# the worker timeout must be longer, or gunicorn kills a worker that is merely patient.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (rolling deploy, restart) finish the requests in flight before exiting.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Idle keep-alive connections wait in the poller, not in a thread. Behind a balancer that reuses
# connections, this must exceed its idle timeout, or a request can meet a just-closed one (502).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so slow leaks never grow; jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# Heartbeat files on tmpfs: a disk-backed /tmp can stall workers under I/O pressure.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Only these proxies may tell gunicorn the client's address and scheme (X-Forwarded-*).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log: one JSON line per request through portal.logging, with the request id and hashed
# user, the path without its query string (search terms), never headers.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    os.environ.get("LOG_LEVEL", "INFO").upper(),
    json_lines=os.environ.get("LOG_FORMAT", "json") != "plain",
)

# gunicorn's runtime control socket defaults to one path per user, which several portals on one
# machine would fight over; it is opt-in here, with a path of the operator's choosing.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
