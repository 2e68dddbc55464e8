"""Structured JSON logs, one object a line, so that a log pipeline can index fields rather
than parse prose. Secrets never reach a log: settings are logged through ``safe_settings``."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import orjson

from worker.config import Settings

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(doc, default=str).decode()


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    return handler


def safe_settings(settings: Settings) -> dict[str, Any]:
    """Settings as a loggable dict, with the SASL password masked."""
    sec = settings.security
    return {
        "bootstrap_servers": settings.bootstrap_servers,
        "app_id": settings.app_id,
        "security_protocol": sec.protocol,
        "sasl_mechanism": sec.sasl_mechanism,
        "sasl_username": sec.sasl_username,
        "sasl_password": "***" if sec.sasl_password else None,
        "topics": {k: getattr(settings.topics, k) for k in settings.topics.__slots__},
        "partitions": settings.partitions,
        "store": settings.store,
        "web_port": settings.web_port,
    }
