"""The WSGI entry point for gunicorn: ``gunicorn -w 4 'market.wsgi:app'``.

Configuration comes from the environment (CHOQUE_ENV, SECRET_KEY, PUBLIC_BASE_URL, DATABASE_URL,
REDIS_URL, ...); see ``market/config.py``. Without CHOQUE_ENV it is production.
"""

import sys

from market import create_app
from market.config import ConfigurationError

# gunicorn's "application failed to load" exit status: its master stops instead of starting
# worker after worker that cannot start.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigurationError as error:
    print(f"Chợ Quê cannot start: {error.format_message()}", file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None
