"""gunicorn settings for Chợ Quê: `gunicorn -c deploy/gunicorn.conf.py market.wsgi:app`.

No pid file: systemd (or the Procfile's process manager) tracks the master process itself, so a
master killed with SIGKILL leaves nothing behind that could stop the next start.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# About two per core; each holds its own database pool (see docs/running.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
pidfile = None
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The app logs one line per request itself; gunicorn logs only its own errors, to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Client address and scheme come from X-Forwarded-* through the app's TRUSTED_PROXIES alone.
forwarded_allow_ips = ""
