"""newsworker: raw news pages in, clean, deduplicated, tagged articles out."""

__version__ = "0.1.0"
