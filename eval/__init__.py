"""Quality harnesses: each scores one part of the core on development data it is given a path to.

``python -m eval`` runs them all and writes ``docs/quality.md``, the only source of the quality
figures the README cites. Every development set is split once by :mod:`eval.split`.
"""
