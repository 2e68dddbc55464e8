"""Loader of the Wikipedia "Current events" training items: headings map to IPTC, story names
become titles, only cited bullets are items. The page below is written for this test in the
portal's markdown shape; no portal text is stored here."""

from __future__ import annotations

from pathlib import Path

from eval.topic_data import load_current_events

PAGE = """---
layout: post
title: 2031 March 3
---

#### Armed conflicts and attacks

* [Border war](https://example.org/wiki/Border_war "Border war")
  + [Siege of Northtown](https://example.org/wiki/Siege "Siege")
    - Artillery shells hit a market in [Northtown](https://example.org/wiki/N "N"), killing four people. [(*Daily Wire*)](https://example.org/a) [(Radio Two)](https://example.org/b)
* Rebels say they captured a bridge over the river after a night of fighting. [(Example News)](https://example.org/c)

**Sports**

* A [marathon](https://example.org/wiki/Marathon "Marathon") runner sets a new course record in the city race. [(Sport Daily)](https://example.org/d)
* Too short. [(X)](https://example.org/e)

#### Health and environment

* Health officials report a rise in measles cases among unvaccinated children this winter. [(Health Wire)](https://example.org/f)

#### Unmapped heading

* This item sits under a heading that maps to no IPTC concept at all. [(Y)](https://example.org/g)
"""


def test_current_events_items(tmp_path: Path) -> None:
    (tmp_path / "2031-03-03-index.md").write_text(PAGE)
    (tmp_path / "README.md").write_text("* not a day page. [(Z)](https://example.org/h)\n")
    items = load_current_events(tmp_path)
    assert [it.gold[0] for it in items] == ["medtop:16000000", "medtop:16000000", "medtop:15000000", "medtop:07000000"]
    first = items[0]
    assert first.title == "Siege of Northtown"
    assert first.body == "Artillery shells hit a market in Northtown, killing four people."
    assert items[1].title == ""  # a bullet at the top level has no story name above it
    assert items[2].body.startswith("A marathon runner sets")
    assert items[3].gold == ("medtop:07000000", "medtop:06000000")
    assert len({it.id for it in items}) == len(items) and all(it.id.startswith("wce:2031-03-03:") for it in items)


def test_lexicon_training_rows_do_not_depend_on_the_hash_seed() -> None:
    # The lexicon's rows (each term and its plural, then bags) must come in one order under any
    # PYTHONHASHSEED: a set once ordered them, so two runs of eval/train_topics.py wrote models
    # differing in the last digits, and the shipped file could not be rebuilt byte for byte.
    import subprocess
    import sys

    code = (
        "import hashlib, random\n"
        "import eval.train_topics as T\n"
        "docs = T.lexicon_docs(random.Random(T.SEED))\n"
        "print(hashlib.sha256(repr([(d.id, d.title, d.body, s) for d, s in docs]).encode()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[1]
    digests = {
        subprocess.run([sys.executable, "-c", code], cwd=root, env={"PYTHONHASHSEED": seed, "PATH": ""},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
