"""The workbench's log: saves, conflicts, imports, restores, migrations and errors, to stderr.

Every module logs to its own logger (``logging.getLogger(__name__)``); :func:`configure`,
called once by the app and by the command line, sends the records of the workbench's
own packages (and Alembic's migration steps) to stderr. The log names journeys, ids,
versions and authors, never a database URL or what a person typed into a journey.

``JOURNEYS_LOG_LEVEL`` chooses the level (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``);
``JOURNEYS_LOG_FORMAT=json`` writes one JSON object per line instead of plain text.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from datetime import UTC, datetime

__all__ = ["LOGGERS", "JsonLines", "configure"]

# The loggers set to the chosen level: ours, and Alembic's, which tells each migration step it runs.
LOGGERS = ("store", "ui", "journeys", "alembic.runtime.migration")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OFF = logging.CRITICAL + 1
_lock = threading.Lock()
_handler: logging.Handler | None = None
_settings: tuple[int, bool] | None = None


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line: time (UTC), level, logger, message, and the error's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is when it writes (a test may have swapped it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure(default_level: str | None = "INFO") -> None:
    """Send the workbench's log records to stderr, at ``JOURNEYS_LOG_LEVEL`` or else ``default_level``.

    With neither, nothing is logged (the command line's choice: it prints its own one-line
    outcome). Cheap to call on every script run: only a change of the settings replaces the
    handler. Other libraries' warnings and errors reach it too, through the root logger.
    """
    global _handler, _settings
    name = (os.environ.get("JOURNEYS_LOG_LEVEL") or default_level or "").strip().upper()
    level = logging.getLevelName(name) if name else OFF
    if not isinstance(level, int):  # a level logging does not know
        level = logging.INFO
    json_lines = os.environ.get("JOURNEYS_LOG_FORMAT", "").strip().lower() == "json"
    with _lock:
        if _settings == (level, json_lines):
            return
        handler = _Stderr()
        handler.setFormatter(JsonLines() if json_lines else logging.Formatter(_FORMAT))
        handler.setLevel(level)
        root = logging.getLogger()
        if _handler is not None:
            root.removeHandler(_handler)
        root.addHandler(handler)
        for logger in LOGGERS:
            logging.getLogger(logger).setLevel(level)
        _handler, _settings = handler, (level, json_lines)
