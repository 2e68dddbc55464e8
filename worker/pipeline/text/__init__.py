"""One normaliser and tokeniser shared by segmentation, fingerprints and topics."""
