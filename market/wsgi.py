"""The WSGI entry point for gunicorn: ``gunicorn -w 4 'market.wsgi:app'``.

Configuration comes from the environment (DATABASE_URL, SECRET_KEY, CHOQUE_ENV, REDIS_URL, ...);
see ``market/config.py``.
"""

from market import create_app

app = create_app()
