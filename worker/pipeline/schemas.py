"""Compiled validators for the topic contracts in ``schemas/``.

fastjsonschema compiles each schema to Python once (about 10 µs per validation against
190 µs for jsonschema), cheap enough to validate every record in and out.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Callable

import fastjsonschema
import orjson

SCHEMA_FILES = {
    "raw_page": "raw_page.schema.json",
    "article": "article.schema.json",
    "dead_letter": "dead_letter.schema.json",
}

ValidationError = fastjsonschema.JsonSchemaException


def schemas_dir() -> Path:
    """The ``schemas/`` folder: next to the package in a checkout or image, or where
    NEWSWORKER_SCHEMAS_DIR points."""
    override = os.environ.get("NEWSWORKER_SCHEMAS_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "schemas"


def load_schema(name: str) -> dict[str, Any]:
    return orjson.loads((schemas_dir() / SCHEMA_FILES[name]).read_bytes())


@cache
def validator(name: str) -> Callable[[Any], Any]:
    """A compiled validator that raises ``ValidationError`` with the failing path."""
    return fastjsonschema.compile(load_schema(name))
