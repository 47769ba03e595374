"""SMS backends: pluggable like Django's email backends; the console one prints."""

import sys
import threading

from django.conf import settings
from django.utils.module_loading import import_string


class ConsoleSmsBackend:
    """Writes each SMS to standard output (the default, like Django's console email)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, *, phone: str, text: str) -> None:
        with self._lock:
            self.stream.write(f"[SMS to {phone}] {text}\n")
            self.stream.flush()


# Messages "sent" by the locmem backend, for tests (mirrors django.core.mail.outbox).
sent_messages: list[dict] = []


class LocmemSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        sent_messages.append({"phone": phone, "text": text})


def get_sms_backend():
    return import_string(settings.ONEZONE_SMS_BACKEND)()
