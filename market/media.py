"""Where uploaded media live: a local folder (the default) or S3-compatible object storage.

Files are addressed by keys such as ``images/ab/<key>/card.webp``. Every key written here is
random or content-addressed and never rewritten with other content, so objects are served with
``Cache-Control: public, max-age=31536000, immutable``.

``MEDIA_STORAGE=local`` keeps them under ``MEDIA_ROOT`` and the app serves them itself (one
server, or several sharing that folder). ``MEDIA_STORAGE=s3`` puts them in ``MEDIA_S3_BUCKET``
(any S3-compatible store; credentials from boto3's usual environment variables) and pages link
to ``MEDIA_BASE_URL`` + key: a public bucket or the CDN in front of it. Public URLs rather than
presigned ones: a presigned URL changes on every page view, which would defeat the year-long
caching that photos under never-reused keys allow.
"""

import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

CACHE_FOREVER = "public, max-age=31536000, immutable"


class MediaStore(Protocol):
    """Put, read and delete media files by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``; readers see the whole file or nothing."""

    def get(self, key: str) -> bytes | None:
        """The file under ``key``, or None when there is none."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    def delete(self, key: str) -> None:
        """Remove the file under ``key`` (a missing one is no error)."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every file whose key starts with ``prefix`` (a missing one is no error)."""

    def public_url(self, key: str) -> str | None:
        """A URL browsers load the file from directly, or None when the app serves it."""


class LocalMediaStore:
    """Media in a folder on this machine (or a folder every app server mounts)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file of ``key`` under the media folder."""
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write to a temporary file beside the target, then rename it into place."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, target)

    def get(self, key: str) -> bytes | None:
        """The file's bytes, or None."""
        path = self.path(key)
        return path.read_bytes() if path.is_file() else None

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        """Remove the files under ``prefix`` and the folders left empty."""
        folder = self.path(prefix.rstrip("/"))
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()

    def public_url(self, key: str) -> str | None:
        """Local files are served by the app."""
        return None


class S3MediaStore:
    """Media in an S3-compatible bucket, linked through a public base URL."""

    def __init__(
        self, bucket: str, base_url: str, endpoint_url: str | None, region: str | None
    ) -> None:
        import boto3  # only servers that use S3 load it

        self.bucket = bucket
        self.base_url = base_url.rstrip("/")
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload one object with its type and a year-long immutable cache header."""
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl=CACHE_FOREVER,
        )

    def get(self, key: str) -> bytes | None:
        """Download one object, or None when it does not exist."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        """Ask for the object's headers only."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Delete one object (S3 answers the same whether it existed or not)."""
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete_prefix(self, prefix: str) -> None:
        """Delete every object under ``prefix``, a page of keys at a time."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})

    def public_url(self, key: str) -> str | None:
        """``MEDIA_BASE_URL`` followed by the key."""
        return f"{self.base_url}/{key}"


def build_store(config: dict) -> MediaStore:
    """The store named by ``MEDIA_STORAGE`` with its settings; refuses an incomplete S3 setup."""
    kind = config["MEDIA_STORAGE"]
    if kind == "local":
        return LocalMediaStore(Path(config["MEDIA_ROOT"]))
    if kind == "s3":
        if not config["MEDIA_S3_BUCKET"] or not config["MEDIA_BASE_URL"]:
            raise RuntimeError("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET and MEDIA_BASE_URL.")
        return S3MediaStore(
            bucket=config["MEDIA_S3_BUCKET"],
            base_url=config["MEDIA_BASE_URL"],
            endpoint_url=config["MEDIA_S3_ENDPOINT_URL"] or None,
            region=config["MEDIA_S3_REGION"] or None,
        )
    raise RuntimeError(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}.")


def init_app(app: Flask) -> None:
    """Build this app's media store from its settings."""
    app.extensions["media"] = build_store(app.config)


def store() -> MediaStore:
    """The current app's media store."""
    return current_app.extensions["media"]
