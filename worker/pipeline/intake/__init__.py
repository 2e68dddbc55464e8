"""Reading what arrives: decoding, validation against ``schemas/``, size and time limits, ids, dead letters."""
