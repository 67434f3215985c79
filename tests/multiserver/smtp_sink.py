"""An SMTP server on loopback for the multi-server test: it counts what reaches it, by recipient.

Just enough of SMTP for ``smtplib`` (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). A recipient can
be *held*: the first connection that names it gets no answer to ``RCPT`` until the test releases
it (or the connection dies), so a test can catch a worker in the middle of sending a mail.
"""

import contextlib
import email
import email.policy
import socketserver
import threading
from collections import Counter


class SmtpSink:
    """Accepts every message; ``delivered`` counts the recipients of completed messages."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.delivered: Counter[str] = Counter()
        self.arrivals: Counter[str] = Counter()  # RCPT commands, held or not
        self.holds: dict[str, tuple[threading.Event, threading.Event]] = {}
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
        self.server.daemon_threads = True
        self.server.sink = self  # type: ignore[attr-defined]
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "SmtpSink":
        """Serve in a background thread."""
        self.thread.start()
        return self

    def close(self) -> None:
        """Release every hold and stop serving."""
        with self.lock:
            for _arrived, release in self.holds.values():
                release.set()
        self.server.shutdown()
        self.server.server_close()

    def hold(self, recipient: str) -> threading.Event:
        """Hold the next message to ``recipient``; the event is set when it arrives."""
        arrived, release = threading.Event(), threading.Event()
        with self.lock:
            self.holds[recipient] = (arrived, release)
        return arrived

    def count(self, recipient: str) -> int:
        """How many messages to ``recipient`` were accepted."""
        with self.lock:
            return self.delivered[recipient]

    def _arrive(self, recipient: str) -> threading.Event | None:
        """Count a RCPT; return the release event if this one is held (a hold is used once)."""
        with self.lock:
            self.arrivals[recipient] += 1
            held = self.holds.get(recipient)
            if held is None or held[0].is_set():
                return None
            held[0].set()
            return held[1]

    def _deliver(self, recipients: list[str], data: bytes) -> None:
        email.message_from_bytes(data, policy=email.policy.default)  # a whole message came
        with self.lock:
            self.delivered.update(recipients)


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # the client went away
            self._converse()

    def _converse(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        recipients: list[str] = []
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipient = command.partition(":")[2].split()[0].strip("<>").lower()
                release = sink._arrive(recipient)
                if release is not None:
                    release.wait()  # a client that died meanwhile sends no DATA: nothing counts
                recipients.append(recipient)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return
                sink._deliver(recipients, data)
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")

    def _read_data(self) -> bytes | None:
        lines = []
        while line := self.rfile.readline():
            if line == b".\r\n":
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
        return None
