"""The session cookie, kept off answers that any cache may share.

Flask adds ``Vary: Cookie`` to every answer during which the session was read, and Flask-Login
reads it to learn who is signed in. Static files, photos, ``robots.txt`` and the like are the
same for everyone and say so with ``Cache-Control: public``; a ``Vary: Cookie`` there would make
browsers and shared caches keep one copy per visitor, or none.
"""

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class SharedAnswerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a public answer neither varies on nor sets
    the cookie unless the session was changed while answering."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Skip ``Vary: Cookie`` and cookie refreshes on ``Cache-Control: public`` answers."""
        if response.cache_control.public and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use the session interface above."""
    app.session_interface = SharedAnswerSessionInterface()
