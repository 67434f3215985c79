"""Configuration read from the environment, with safe development defaults."""

import os
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


class Config:
    """Settings for development; production overrides come from the environment."""

    ENV_NAME = os.environ.get("CHOQUE_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    INSTANCE_PATH = str(_instance_dir())
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{_instance_dir() / 'choque.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(_instance_dir() / "media"))
    # Eight 10 MB photos and the form: a product's photos in one request even with JavaScript
    # off (with it on, photos are made smaller in the browser first).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 82 * 1024 * 1024))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto/-Host are
    # trusted; 0 ignores those headers, so a client cannot fake its address to the rate limiter.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # One folder per area (site, storefront, search, orders, ...), merged by Flask-Babel.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        sorted(str(path) for path in (ROOT / "translations").glob("*") if path.is_dir())
    )

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "logging")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Chợ Quê <no-reply@choque.local>")
    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's default KDF; the test suite uses a cheaper one

    PAGE_SIZE = 24

    # Orders: how long unpaid online orders hold stock; checkouts allowed per client address.
    ORDER_HOLD_MINUTES = int(os.environ.get("ORDER_HOLD_MINUTES", "30"))
    CHECKOUT_RATE_LIMIT = os.environ.get("CHECKOUT_RATE_LIMIT", "60 per hour")
    # Payments. The collection account receives online (VietQR) orders; webhook keys and Stripe
    # keys come only from the environment: an empty key turns that endpoint or method off.
    COLLECTION_BANK_BIN = os.environ.get("COLLECTION_BANK_BIN", "")
    COLLECTION_ACCOUNT = os.environ.get("COLLECTION_ACCOUNT", "")
    COLLECTION_HOLDER = os.environ.get("COLLECTION_HOLDER", "")
    PAYMENT_CODE_PREFIX = os.environ.get("PAYMENT_CODE_PREFIX", "CQ")
    SEPAY_API_KEY = os.environ.get("SEPAY_API_KEY", "")
    CASSO_CHECKSUM_KEY = os.environ.get("CASSO_CHECKSUM_KEY", "")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    # Search: "whoosh" (an index in SEARCH_INDEX_DIR, default INSTANCE_PATH/search) or
    # "postgres" (unaccent + pg_trgm in the shared database, for several app servers).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", "")
    # Seconds between outbox checks by each process's sync thread; 0 applies before searches.
    SEARCH_SYNC_INTERVAL = float(os.environ.get("SEARCH_SYNC_INTERVAL", "0.5"))
    SEARCH_API_RATE_LIMIT = os.environ.get("SEARCH_API_RATE_LIMIT", "300 per minute")


class DevelopmentConfig(Config):
    """Local development: an insecure fallback key is acceptable here only."""

    SECRET_KEY = Config.SECRET_KEY or "dev-only-insecure-key"
    # A demo collection account (the NAPAS example account), never used outside development.
    COLLECTION_BANK_BIN = Config.COLLECTION_BANK_BIN or "970403"
    COLLECTION_ACCOUNT = Config.COLLECTION_ACCOUNT or "0011012345678"
    COLLECTION_HOLDER = Config.COLLECTION_HOLDER or "CHO QUE DEMO"


class ProductionConfig(Config):
    """Production: secure cookies; SECRET_KEY must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def config_for_environment() -> type[Config]:
    """Pick the configuration class named by ``CHOQUE_ENV``."""
    name = os.environ.get("CHOQUE_ENV", "development")
    return DevelopmentConfig if name == "development" else ProductionConfig
