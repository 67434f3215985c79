"""Compressed answers: Flask-Compress, plus closing the files it compresses as they stream.

Flask-Compress replaces a streamed answer's body (a static file) with a compressing generator
and so drops the file's ``close``; the hook here hands that ``close`` to the answer itself.
"""

from flask import Flask, Response

from market.extensions import compress


def init_app(app: Flask) -> None:
    """Compress text answers (settings ``COMPRESS_*`` in ``market.config``)."""
    compress.init_app(app)

    # Registered after Flask-Compress, so it runs before it (after_request runs in reverse).
    @app.after_request
    def close_streamed_body_on_close(response: Response) -> Response:
        body = response.response
        if response.is_streamed and hasattr(body, "close"):
            response.call_on_close(body.close)
        return response
