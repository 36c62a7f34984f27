"""Gunicorn settings for `kvpt serve` and the systemd unit (docs/deploy.md).

`kvpt serve --host --port --workers` overrides bind and workers on the command line; the rest can
be tuned with the environment variables named below.
"""

import gc
import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "config.wsgi:application"
bind = [os.environ.get("KVPT_BIND", "127.0.0.1:8000")]
# 2 x cores + 1, capped: with SQLite more processes only queue on the write lock.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 4))
threads = _int("GUNICORN_THREADS", 1)
# Reports (DOCX -> PDF through LibreOffice) can take tens of seconds.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks (fonts, big uploads) never accumulate. Not too
# often: at 90 requests/s, 1,000 recycled every worker each 45 s, and each one's seconds out of
# service showed in the load test's p99. Jitter keeps the workers from leaving together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = 1000
# Behind nginx on the same host: trust its X-Forwarded-* headers; set to nginx's address otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "kvpt"
# No runtime control socket: one fixed path per user would clash between two instances.
control_socket_disable = True
# The heartbeat file on tmpfs: a slow disk must not make gunicorn kill healthy workers.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice, not a temporary file
if Path(_SHM).is_dir():
    worker_tmp_dir = _SHM

# Load the app once in the master and fork workers from it: a worker recycled by max_requests is
# ready in milliseconds instead of importing Django again (1-3 s of CPU that stalled a loaded
# server), and the workers share the imported code's memory. New code therefore needs a restart
# (`systemctl restart kvpt-web`), not a reload (docs/deploy.md).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def pre_fork(server: object, worker: object) -> None:
    """No database connection may be shared by forked workers: the master drops any it holds.

    The objects the master built (Django, the URL configuration, the catalogues) move to the
    permanent generation: a worker's garbage collections stop walking them, which cut the
    pauses, and stop writing to their pages, which stay shared with the master.
    """
    from django.db import connections

    connections.close_all()
    gc.freeze()
