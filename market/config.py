"""Configuration read from the environment: production unless a developer asks for development.

``CHOQUE_ENV`` names the environment. Unset, it is ``production``: a server started with no
configuration refuses to start rather than run with a published key. ``development`` (set by
``make run`` and the test suite) adds a fallback key, a demo collection account and the demo.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import click

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(click.ClickException):
    """A setting the site cannot start without; ``flask`` prints it as one line."""


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _host_list(value: str | None) -> list[str] | None:
    """``a.vn, b.vn`` as a list of host names; None when the variable is unset or empty."""
    hosts = [host.strip() for host in (value or "").split(",") if host.strip()]
    return hosts or None


class Config:
    """Settings shared by every environment; nothing here is insecure on a public server."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    INSTANCE_PATH = str(_instance_dir())
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{_instance_dir() / 'choque.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(_instance_dir() / "media"))
    # Photos: "local" (MEDIA_ROOT, served by the app) or "s3" (an S3-compatible bucket linked
    # through MEDIA_BASE_URL, a public bucket or its CDN; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
    # from the environment). See market/media.py.
    MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
    MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
    MEDIA_S3_ENDPOINT_URL = os.environ.get("MEDIA_S3_ENDPOINT_URL", "")
    MEDIA_S3_REGION = os.environ.get("MEDIA_S3_REGION", "")
    MEDIA_BASE_URL = os.environ.get("MEDIA_BASE_URL", "")
    # Eight 10 MB photos and the form: a product's photos in one request even with JavaScript
    # off (with it on, photos are made smaller in the browser first).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 82 * 1024 * 1024))
    # Pixels one request may hand to the photo jobs, all its photos together (eight at 40 MP).
    UPLOAD_PIXEL_BUDGET = int(os.environ.get("UPLOAD_PIXEL_BUDGET", 8 * 40_000_000))
    # The site's public origin (https://choque.vn): every link that leaves the site (mail, SMS,
    # printed QR codes, payment return addresses, Open Graph tags) starts with it, never with
    # the Host header a request came with. Required in production.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Host names requests may be addressed to; others get 400. Production without the variable:
    # PUBLIC_BASE_URL's host only. None accepts any host (development).
    TRUSTED_HOSTS = _host_list(os.environ.get("TRUSTED_HOSTS"))
    # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto/-Host are
    # trusted; 0 ignores those headers, so a client cannot fake its address to the rate limiter.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # One folder per area (site, search, orders, ...), merged by Flask-Babel; only folders with a
    # catalog source, so a compiled .mo left behind by a removed area is never loaded.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        sorted(
            str(path)
            for path in (ROOT / "translations").glob("*")
            if any(path.glob("*/LC_MESSAGES/messages.po"))
        )
    )

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts a month, not Flask-Login's year: a lost phone's cookie dies.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_NAME = "remember_token"

    # Whole pages for anonymous visitors (catalog, home, product), kept this many seconds;
    # 0 turns the cache off. In process memory, or Redis (shared by all workers) via REDIS_URL.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "30"))
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL", "")
    CACHE_KEY_PREFIX = "choque:"
    CACHE_THRESHOLD = 2000  # SimpleCache: pages kept per process at most

    # Flask-Compress: brotli, else gzip, for text answers of 1 KB or more (smaller ones gain
    # too little for the CPU); every answer says ``Vary: Accept-Encoding``. Static files stream,
    # so they are compressed as they stream, gzip too.
    COMPRESS_ALGORITHM = ("br", "gzip")
    COMPRESS_ALGORITHM_STREAMING = ("br", "gzip")
    COMPRESS_MIN_SIZE = 1024
    COMPRESS_MIMETYPES = (
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "text/plain",
        "image/svg+xml",
    )

    # Counters live in Redis when REDIS_URL is set, so every worker of every app server counts
    # together; if Redis stops answering, each process counts in memory until it is back.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "choque"
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
    # One-time codes sent by SMS (sign-up, reset, a changed number): minutes a code lives, wrong
    # tries it allows, codes one number may receive and one client address may ask for in a day
    # (counted in the database, so they hold across app servers). Mobile networks put many
    # phones behind one address, hence the larger allowance per address. The limiter adds
    # short-window limits per address and per number in front of these.
    PHONE_CODE_MINUTES = int(os.environ.get("PHONE_CODE_MINUTES", "10"))
    PHONE_CODE_MAX_ATTEMPTS = int(os.environ.get("PHONE_CODE_MAX_ATTEMPTS", "5"))
    PHONE_CODES_PER_NUMBER_PER_DAY = int(os.environ.get("PHONE_CODES_PER_NUMBER_PER_DAY", "5"))
    PHONE_CODES_PER_ADDRESS_PER_DAY = int(os.environ.get("PHONE_CODES_PER_ADDRESS_PER_DAY", "30"))
    PHONE_CODE_ADDRESS_RATE_LIMIT = os.environ.get(
        "PHONE_CODE_ADDRESS_RATE_LIMIT", "10 per 10 minutes"
    )
    PHONE_CODE_NUMBER_RATE_LIMIT = os.environ.get(
        "PHONE_CODE_NUMBER_RATE_LIMIT", "3 per 10 minutes"
    )
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's default KDF; the test suite uses a cheaper one

    # Products per catalog page. With JavaScript off Chromium fetches every image at once
    # (``loading="lazy"`` needs scripting): a short page stays light; "Next" is a plain link.
    PAGE_SIZE = 12

    # Orders: how long unpaid online orders hold stock; checkouts allowed per client address.
    ORDER_HOLD_MINUTES = int(os.environ.get("ORDER_HOLD_MINUTES", "30"))
    CHECKOUT_RATE_LIMIT = os.environ.get("CHECKOUT_RATE_LIMIT", "60 per hour")
    # A cash order holds stock until its producer accepts it, for at most this long.
    CASH_HOLD_HOURS = int(os.environ.get("CASH_HOLD_HOURS", "24"))
    # An order without an account: at most this many units of each product, and products worth
    # at most this many đồng.
    GUEST_MAX_UNITS = int(os.environ.get("GUEST_MAX_UNITS", "10"))
    GUEST_MAX_ORDER_VALUE = int(os.environ.get("GUEST_MAX_ORDER_VALUE", "2000000"))
    # Orders one account, and one phone number, may place in an hour (counted in the database,
    # so the limits hold across any number of app servers).
    ORDERS_PER_ACCOUNT_PER_HOUR = int(os.environ.get("ORDERS_PER_ACCOUNT_PER_HOUR", "10"))
    ORDERS_PER_PHONE_PER_HOUR = int(os.environ.get("ORDERS_PER_PHONE_PER_HOUR", "5"))
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
    # A producer's request to refund a card payment up to this many đồng is approved at once;
    # above it (and every bank-transfer refund) a provincial manager decides. 0: always decide.
    REFUND_AUTO_APPROVE_LIMIT = int(os.environ.get("REFUND_AUTO_APPROVE_LIMIT", "0"))
    # Marketplace fees, settlement and payouts: VAT on the fee in basis points (1000 = 10 %,
    # 0 = none); days after delivery or pickup before a part's earning is payable; the smallest
    # balance a payout run pays by default; days a changed payout account waits after its check.
    MARKETPLACE_FEE_VAT_BP = int(os.environ.get("MARKETPLACE_FEE_VAT_BP", "0"))
    SETTLEMENT_DAYS = int(os.environ.get("SETTLEMENT_DAYS", "3"))
    PAYOUT_MINIMUM = int(os.environ.get("PAYOUT_MINIMUM", "50000"))
    PAYOUT_ACCOUNT_WAIT_DAYS = int(os.environ.get("PAYOUT_ACCOUNT_WAIT_DAYS", "3"))
    # Carriers (orders/carriers): credentials only from the environment; a carrier whose token
    # is empty is not offered. *_API_URL defaults to production; point it at the carrier's
    # sandbox to try it (docs/delivery.md). *_WEBHOOK_SECRET is the token the carrier is set up
    # to send with its status calls (none of them signs its calls).
    GHN_TOKEN = os.environ.get("GHN_TOKEN", "")
    GHN_SHOP_ID = os.environ.get("GHN_SHOP_ID", "")
    GHN_API_URL = os.environ.get("GHN_API_URL", "https://online-gateway.ghn.vn")
    GHN_WEBHOOK_SECRET = os.environ.get("GHN_WEBHOOK_SECRET", "")
    GHTK_TOKEN = os.environ.get("GHTK_TOKEN", "")
    GHTK_PARTNER_CODE = os.environ.get("GHTK_PARTNER_CODE", "")
    GHTK_API_URL = os.environ.get("GHTK_API_URL", "https://services.giaohangtietkiem.vn")
    GHTK_WEBHOOK_SECRET = os.environ.get("GHTK_WEBHOOK_SECRET", "")
    VIETTELPOST_TOKEN = os.environ.get("VIETTELPOST_TOKEN", "")
    VIETTELPOST_API_URL = os.environ.get("VIETTELPOST_API_URL", "https://partner.viettelpost.vn")
    VIETTELPOST_WEBHOOK_SECRET = os.environ.get("VIETTELPOST_WEBHOOK_SECRET", "")
    VIETTELPOST_SERVICE = os.environ.get("VIETTELPOST_SERVICE", "VCN")
    VNPOST_TOKEN = os.environ.get("VNPOST_TOKEN", "")
    VNPOST_CUSTOMER_CODE = os.environ.get("VNPOST_CUSTOMER_CODE", "")
    VNPOST_API_URL = os.environ.get("VNPOST_API_URL", "https://connect-my.vnpost.vn")
    VNPOST_WEBHOOK_SECRET = os.environ.get("VNPOST_WEBHOOK_SECRET", "")
    VNPOST_SERVICE = os.environ.get("VNPOST_SERVICE", "CTN009")
    # Search: "tantivy" (an embedded index in SEARCH_INDEX_DIR, default INSTANCE_PATH/search),
    # "whoosh" (the same in pure Python) or "postgres" (in the shared database, several servers).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "tantivy")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", "")
    # Hours the change feed keeps rows; an index idle longer than this rebuilds itself.
    SEARCH_FEED_RETENTION_HOURS = float(os.environ.get("SEARCH_FEED_RETENTION_HOURS", "168"))
    SEARCH_API_RATE_LIMIT = os.environ.get("SEARCH_API_RATE_LIMIT", "300 per minute")

    # Background jobs (market/jobs): a worker process runs them; JOBS_EAGER runs each job in
    # the process that recorded it, right after the commit (the test suite, one-off scripts).
    JOBS_EAGER = os.environ.get("JOBS_EAGER", "0") == "1"
    JOBS_LEASE_SECONDS = int(os.environ.get("JOBS_LEASE_SECONDS", "60"))
    JOBS_RETRY_BASE_SECONDS = int(os.environ.get("JOBS_RETRY_BASE_SECONDS", "30"))
    JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "5"))
    JOBS_POLL_SECONDS = float(os.environ.get("JOBS_POLL_SECONDS", "0.5"))
    JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "14"))
    # Notices (market/notify): SMS through eSMS.vn and Zalo ZNS from the marketplace's Official
    # Account, each offered only when its credentials are set (development logs them instead).
    ESMS_API_KEY = os.environ.get("ESMS_API_KEY", "")
    ESMS_SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
    ESMS_BRANDNAME = os.environ.get("ESMS_BRANDNAME", "")
    ESMS_SMS_TYPE = os.environ.get("ESMS_SMS_TYPE", "2")  # 2: customer care / OTP
    ESMS_SANDBOX = os.environ.get("ESMS_SANDBOX", "0") == "1"
    ESMS_BASE_URL = os.environ.get("ESMS_BASE_URL", "https://rest.esms.vn/MainService.svc/json")
    # eSMS reports each SMS's final status and price to a signed address on this site
    # (/webhooks/notify/esms/<message>/<signature>); 0 turns the reports off.
    ESMS_CALLBACKS = os.environ.get("ESMS_CALLBACKS", "1") == "1"
    ZALO_OA_ACCESS_TOKEN = os.environ.get("ZALO_OA_ACCESS_TOKEN", "")
    # Refreshing the OA token (it lasts about a day): the Zalo app's id and secret key and a
    # first refresh token; each refresh's answer brings the next, kept in the database.
    ZALO_APP_ID = os.environ.get("ZALO_APP_ID", "")
    ZALO_APP_SECRET = os.environ.get("ZALO_APP_SECRET", "")
    ZALO_OA_REFRESH_TOKEN = os.environ.get("ZALO_OA_REFRESH_TOKEN", "")
    ZALO_OAUTH_URL = os.environ.get(
        "ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token"
    )
    ZALO_ZNS_URL = os.environ.get(
        "ZALO_ZNS_URL", "https://business.openapi.zalo.me/message/template"
    )
    # What one message costs through each provider (đồng), for the managers' monthly costs.
    NOTIFY_COSTS: ClassVar[dict[str, int]] = {
        "esms": int(os.environ.get("ESMS_COST_PER_SMS", "800")),
        "zalo_zns": int(os.environ.get("ZALO_ZNS_COST", "300")),
    }
    # SMS one person (account or number) may be sent in a day (Việt Nam's day); more are
    # recorded as refused. One-time codes count, but their own limit is the sign-up's.
    SMS_DAILY_LIMIT = int(os.environ.get("SMS_DAILY_LIMIT", "10"))
    # Days a message's text is kept (for a retry, for a manager to read); after that only who,
    # when, which channel, its status and cost remain.
    NOTIFY_KEEP_TEXT_DAYS = int(os.environ.get("NOTIFY_KEEP_TEXT_DAYS", "30"))
    # Logs go to stdout, one line per request and per job step.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()


class DevelopmentConfig(Config):
    """Local development: an insecure fallback key, a demo account and the demo, here only."""

    ENV_NAME = "development"
    SECRET_KEY = Config.SECRET_KEY or "dev-only-insecure-key"
    PUBLIC_BASE_URL = Config.PUBLIC_BASE_URL or "http://127.0.0.1:5000"
    # A demo collection account (the NAPAS example account), never used outside development.
    COLLECTION_BANK_BIN = Config.COLLECTION_BANK_BIN or "970403"
    COLLECTION_ACCOUNT = Config.COLLECTION_ACCOUNT or "0011012345678"
    COLLECTION_HOLDER = Config.COLLECTION_HOLDER or "CHO QUE DEMO"


class ProductionConfig(Config):
    """Production, the default: secure cookies; SECRET_KEY and PUBLIC_BASE_URL are required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


ENVIRONMENTS: dict[str, type[Config]] = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
}


def config_for_environment(name: str | None = None) -> type[Config]:
    """The configuration class for ``name``, else ``CHOQUE_ENV``, else production."""
    name = name or os.environ.get("CHOQUE_ENV") or "production"
    if name not in ENVIRONMENTS:
        raise ConfigurationError(
            f"CHOQUE_ENV is {name!r}: use 'production' (the default) or 'development'."
        )
    return ENVIRONMENTS[name]


def check_settings(config: dict[str, Any]) -> None:
    """Refuse settings a server must not start with; derive production's trusted hosts."""
    if not config.get("SECRET_KEY"):
        raise ConfigurationError(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the environment; "
            "for local development set CHOQUE_ENV=development (make run does)."
        )
    base = config.get("PUBLIC_BASE_URL") or ""
    if not base:
        raise ConfigurationError(
            "PUBLIC_BASE_URL is not set. Set it to the site's public address, such as "
            "https://choque.vn: links in mails, SMS and printed QR codes start with it."
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
        raise ConfigurationError(
            f"PUBLIC_BASE_URL is {base!r}: give the site's origin only, such as https://choque.vn."
        )
    if config.get("ENV_NAME") == "production" and config.get("TRUSTED_HOSTS") is None:
        config["TRUSTED_HOSTS"] = [parts.hostname]
