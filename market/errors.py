"""Error pages in the site layout, or JSON when the client asks for JSON."""

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from market.extensions import db

logger = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered."),
    403: _l("You do not have permission to open this page."),
    404: _l("We could not find that page. It may have been moved or removed."),
    405: _l("That action is not allowed here."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again in a moment."),
}

CSRF_MESSAGE = _l("This form has expired. Please reload the page and try again.")

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    413: _l("File too large"),
    429: _l("Slow down"),
    500: _l("Server error"),
}


def wants_json() -> bool:
    """True when the client prefers JSON (API paths and Accept: application/json)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and (
        request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, message: str | None = None) -> ResponseReturnValue:
    """Answer an error as JSON or as a page in the site layout."""
    text = message or str(MESSAGES.get(code, MESSAGES[500]))
    if wants_json():
        return jsonify(error={"code": code, "message": text}), code
    title = TITLES.get(code, TITLES[500])
    return render_template("errors/error.html", code=code, title=title, message=text), code


def register_error_handlers(app: Flask) -> None:
    """Install handlers for HTTP errors and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def handle_csrf_error(_error: CSRFError) -> ResponseReturnValue:
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        detail = error.description if code == 400 and wants_json() else None
        response = app.make_response(render_error(code, detail))
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        db.session.rollback()
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
