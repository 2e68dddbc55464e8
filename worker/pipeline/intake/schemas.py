"""Compiled validators for the topic contracts in ``schemas/``.

fastjsonschema compiles each schema to Python once (about 10 µs per validation against
190 µs for jsonschema), cheap enough to validate every record in and out.
"""

from __future__ import annotations

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


DEFAULT_DIR = Path(__file__).resolve().parents[3] / "schemas"


def schemas_dir(folder: Path | None = None) -> Path:
    """The ``schemas/`` folder: the one given (``Settings.schemas_dir``, from
    NEWSWORKER_SCHEMAS_DIR in an installed image), else the one next to the package."""
    return Path(folder) if folder else DEFAULT_DIR


def load_schema(name: str, folder: Path | None = None) -> dict[str, Any]:
    return orjson.loads((schemas_dir(folder) / SCHEMA_FILES[name]).read_bytes())


@cache
def validator(name: str, folder: Path | None = None) -> Callable[[Any], Any]:
    """A compiled validator that raises ``ValidationError`` with the failing path."""
    return fastjsonschema.compile(load_schema(name, folder))
