"""IPTC Media Topics (the 17 top-level concepts) from a trained linear model.

Why a trained model: the hand lexicon this replaces carried the vocabulary of the corpus it was
tuned on and lost ~0.2 macro-F1 on other outlets. The model (``eval/train_topics.py``, weights in
``worker/data/topic_model.npz``, provenance in ``topic_model.json``) is a multinomial logistic
regression over word and word-pair features; inference is a dictionary look-up per feature and
one small matrix product (CPU time per article beside the old lexicon's: ``eval/topics.py``).
Its training data: our hand labels on web pages, the IPTC taxonomy's own definitions, news
summaries from the Wikipedia Current events portal filed under topic headings, and the old
lexicon's terms as examples of their concepts (``worker/data/topic_model.json``).

Features: word unigrams and adjacent-word bigrams of the title and of the first
``max_body_words`` words of the body, each counted ``title_weight`` times in the title and once
in the body, valued ``1 + ln(count)`` and L2-normalised over the features the model knows. The
body cap keeps long and short items on the same footing (training also sees title-only and
title + first sentence variants) and bounds the cost.

Scores: the softmax probability of each concept mapped through a Platt curve fitted on held-out
predictions, so a score of 0.8 means the topic was right about 80% of the time there. A topic is
asserted when its calibrated score reaches the model's threshold; the best one is asserted alone
when it reaches the ``floor``; below that the article gets no topic. Narrower (level > 1)
concepts are not produced: our labels are top-level only, so nothing could show they help.

Speed (session 9, issue 16; output bit-identical, ``bench/tag_identity.py``; A/B ``bench/tag_ab.py``):
tokenising was the largest cost, so ``normalize.words`` splits on ASCII word breaks before the
regex and the body is tokenised from a 1,600-character prefix (``_body_words``); ``tag`` makes
fewer numpy calls. Tried and dropped: inference on integer token ids (word ids from one dict
look-up, pair ids by ``searchsorted`` over sorted ``a * n + b`` keys, counts and first-seen order
by ``np.unique``): exact, but slower than the ``Counter`` over dict look-ups (about 300 against
220 µs per generated article for the features, the numpy calls costing more than the look-ups
they save); and ``Counter`` without the ``filter`` (dropping the None key after): slower.
What is left per article is about a third look-ups and counting, a third numpy calls on
17-number arrays whose float32 results must not change, a third tokenising and the rest.
"""

from __future__ import annotations

import functools
import json
import operator
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np

from worker.pipeline.lazy import Lazy
from worker.pipeline.text.normalize import words

__all__ = ["tag_topics", "topic_terms", "TopicModel", "MODEL_PATH"]

MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "topic_model.npz"
_MAX_EVIDENCE = 5
_MAX_CHARS_PER_WORD = 12  # body characters read per capped word (a generous upper bound)
_MAX_TITLE_CHARS = 600  # a "title" longer than this is a mis-segmented body; its head is enough
_known = functools.partial(operator.is_not, None)
_PREFIX_CHARS = 1600  # body characters tokenised first: enough for max_body_words in most text


def _body_words(text: str, max_words: int) -> list[str]:
    """``words(text[: max_words * _MAX_CHARS_PER_WORD])[:max_words]``, tokenising a shorter
    prefix first (a third of the tokenising time of a long body). Exact: every token of a
    prefix but its last is a token of the longer text (only the last may be cut short, and a
    token ends before the next begins), so a prefix holding more than ``max_words`` tokens
    gives the answer; casefolding is per character, so it commutes with the cut.
    """
    cap = max_words * _MAX_CHARS_PER_WORD
    if len(text) > _PREFIX_CHARS and cap > _PREFIX_CHARS:
        found = words(text[:_PREFIX_CHARS])
        if len(found) > max_words:
            return found[:max_words]
    return words(text[:cap])[:max_words]


def topic_terms(title: str, text: str, title_weight: float, max_body_words: int) -> dict[str, float]:
    """Feature counts of one article: unigrams and bigrams, title ones weighted.

    Shared by training and inference so that both see exactly the same features.
    """
    counts: dict[str, float] = {}
    get = counts.get
    if title:
        tw = words(title[:_MAX_TITLE_CHARS])
        for w in tw:
            counts[w] = get(w, 0.0) + title_weight
        for a, b in zip(tw, tw[1:]):
            k = a + " " + b
            counts[k] = get(k, 0.0) + title_weight
    if text:
        bw = words(text[: max_body_words * _MAX_CHARS_PER_WORD])[:max_body_words]
        for w in bw:
            counts[w] = get(w, 0.0) + 1.0
        for a, b in zip(bw, bw[1:]):
            k = a + " " + b
            counts[k] = get(k, 0.0) + 1.0
    return counts


class TopicModel:
    """Weights, vocabulary and calibration of the trained topic classifier."""

    def __init__(self, vocab: list[str], weights: np.ndarray, bias: np.ndarray, codes: list[str],
                 labels: list[str], config: dict) -> None:
        self.index = {t: i for i, t in enumerate(vocab)}
        # the same, with word pairs keyed by (word, word) tuples as zip() yields them
        self.pair_index = {(tuple(t.split(" ")) if " " in t else t): i for i, t in enumerate(vocab)}
        self.vocab = vocab
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.codes = codes
        self.labels = labels
        self.title_weight = float(config["title_weight"])
        self.max_body_words = int(config["max_body_words"])
        self.platt_a = float(config["platt_a"])
        self.platt_b = float(config["platt_b"])
        self.threshold = float(config["threshold"])
        self.floor = float(config["floor"])
        self.config = config

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "TopicModel":
        with np.load(path, allow_pickle=False) as z:
            vocab = bytes(z["vocab"]).decode("utf-8").split("\n")
            config = json.loads(bytes(z["config"]).decode("utf-8"))
            return cls(vocab, z["weights"], z["bias"], config["codes"], config["labels"], config)

    def save(self, path: Path) -> None:
        config = dict(self.config, codes=self.codes, labels=self.labels)
        np.savez_compressed(
            path,
            vocab=np.frombuffer("\n".join(self.vocab).encode("utf-8"), dtype=np.uint8),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            config=np.frombuffer(json.dumps(config, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        )

    def features(self, title: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Row ids of the known features and their normalised values.

        Computes what ``topic_terms`` counts, but without building a string per word pair:
        pairs are looked up as tuples, and look-up, filtering and counting all run in C
        (``map``, ``filter``, ``Counter``), leaving Python work per title feature only.
        """
        get = self.pair_index.get
        bw = _body_words(text, self.max_body_words) if text else []
        counts = Counter(filter(_known, map(get, chain(bw, zip(bw, bw[1:])))))
        if title:
            tw = words(title[:_MAX_TITLE_CHARS])
            weight = self.title_weight
            for i, n in Counter(filter(_known, map(get, chain(tw, zip(tw, tw[1:]))))).items():
                counts[i] += n * weight
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids = np.fromiter(counts.keys(), np.int64, len(counts))
        v = np.log(np.fromiter(counts.values(), np.float32, len(counts))) + 1.0
        return ids, v / np.sqrt(v @ v)

    def probabilities(self, title: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Softmax probabilities over the concepts, plus the features behind them."""
        ids, vals = self.features(title, text)
        probs = self._softmax(vals, self.weights[ids]) if len(ids) else self._softmax(vals, None)
        return probs, ids, vals

    def _softmax(self, vals: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Softmax of the logits; ``rows``: the weight rows of the features (None: no feature)."""
        logits = self.bias + (vals @ rows if rows is not None else 0.0)
        logits = logits - logits.max()
        e = np.exp(logits)
        return e / e.sum()

    def calibrate(self, p: np.ndarray) -> np.ndarray:
        """Platt curve from a softmax probability to the chance the topic is right.

        (``np.minimum(np.maximum(...))`` is ``np.clip`` for numbers, at half the call cost.)
        """
        x = np.log(np.minimum(np.maximum(p, 1e-6), 1 - 1e-6) / np.minimum(np.maximum(1 - p, 1e-6), 1.0))
        return 1.0 / (1.0 + np.exp(-(self.platt_a * x + self.platt_b)))

    def tag(self, title: str, text: str) -> list[dict]:
        """Topics of one article (see ``tag_topics``).

        Why the plain-float detour: numpy work on 17 numbers is mostly per-call cost, so the
        weight rows gathered for the softmax serve the evidence too, and the choosing runs on
        Python floats (``tolist``). The calibrated scores are float32: numpy compares them
        with the threshold in float32, so the thresholds are rounded to float32 first, which
        keeps every comparison exact (tests/test_topics.py checks this against the arrays).
        """
        ids, vals = self.features(title, text)
        if not len(ids):
            return []
        rows = self.weights[ids]
        cal = self.calibrate(self._softmax(vals, rows))
        order = np.argsort(-cal).tolist()
        scores = cal.tolist()
        threshold = float(np.float32(self.threshold))
        chosen = [k for k in order if scores[k] >= threshold]
        if not chosen and scores[order[0]] >= float(np.float32(self.floor)):
            chosen = [order[0]]
        out = []
        for k in chosen:
            contrib = vals * rows[:, k]
            top = np.argsort(-contrib)[:_MAX_EVIDENCE]
            out.append({
                "code": self.codes[k],
                "label": self.labels[k],
                "score": round(scores[k], 4),
                "level": 1,
                "evidence": [self.vocab[i] for i, c in zip(ids[top].tolist(), contrib[top].tolist()) if c > 0],
            })
        return out


_get = Lazy(TopicModel.load)  # ~0.1 s to read the weights, once per process


def tag_topics(title: str | None, text: str) -> list[dict]:
    """IPTC Media Topics for one article, most likely first.

    Each item: ``code`` ("medtop:NN000000"), ``label``, ``score`` (calibrated probability that
    the topic is right), ``level`` (always 1) and ``evidence`` (the words and word pairs that
    weighed most for it). Returns [] when the text holds no word the model knows or no topic
    reaches the floor.
    """
    return _get().tag(title or "", text or "")

