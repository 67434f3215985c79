"""Files a job makes for the person who started it (an export) or reads (a checked upload).

They live in the media store (``market.media``) under ``jobs/``, so the worker that writes one
and the web server that hands it over may be different machines. The store is shared by every
server (an S3-compatible bucket or one mounted folder); these keys are never linked publicly,
only sent by a view that checked who asks. A job names its file in ``result["file"]``; pruning
the job (``jobs.prune``) deletes the file.
"""

import secrets

from market import media

PREFIX = "jobs/"


def save(extension: str, data: bytes, content_type: str) -> str:
    """Store a job's file under a new random key; return the key."""
    key = f"{PREFIX}{secrets.token_hex(16)}.{extension}"
    media.store().put(key, data, content_type)
    return key


def put(key: str, data: bytes, content_type: str) -> None:
    """Store a file a job will read (an upload waiting for its job) under ``key``."""
    if not key.startswith(PREFIX):
        raise ValueError(f"A job file's key starts with {PREFIX!r}")
    media.store().put(key, data, content_type)


def read(key: str | None) -> bytes | None:
    """A job file's bytes, or None when it is gone (or the key is not a job file's)."""
    if not key or not key.startswith(PREFIX):
        return None
    return media.store().get(key)


def delete(key: str | None) -> None:
    """Remove a job file; a missing one is no error."""
    if key and key.startswith(PREFIX):
        media.store().delete(key)
