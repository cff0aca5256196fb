"""A local SMTP sink for the report tests: accepts every message on 127.0.0.1 and keeps it in memory.

Never a real mailbox: nothing is relayed. Python 3.12 removed ``smtpd``; this speaks the few commands
``smtplib`` sends (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) over ``socketserver``.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 cur-smtp-sink ready")
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._say("250-cur-smtp-sink")
                self._say("250 8BITMIME")
            elif verb == "HELO":
                self._say("250 cur-smtp-sink")
            elif verb == "MAIL":
                recipients = []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.received(message, recipients)
                self._say("250 OK")
            elif verb in {"RSET", "NOOP"}:
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.messages: list[tuple[EmailMessage, list[str]]] = []
        self.lock = threading.Condition()

    def received(self, message: EmailMessage, recipients: list[str]) -> None:
        with self.lock:
            self.messages.append((message, recipients))
            self.lock.notify_all()


class SmtpSink:
    """``with SmtpSink() as sink:`` listens on ``sink.port``; ``sink.wait_for(...)`` returns a message."""

    def __init__(self) -> None:
        self._server = _Server()
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def messages(self) -> list[tuple[EmailMessage, list[str]]]:
        with self._server.lock:
            return list(self._server.messages)

    def wait_for(self, subject_part: str, timeout: float) -> tuple[EmailMessage, list[str]] | None:
        """The first message whose subject contains ``subject_part``, waiting up to ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._server.lock:
            while True:
                for message, recipients in self._server.messages:
                    if subject_part in str(message.get("Subject", "")):
                        return message, recipients
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._server.lock.wait(left)
