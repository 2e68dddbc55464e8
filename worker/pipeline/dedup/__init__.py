"""Fingerprints and the near-duplicate index: what makes two articles one story."""
