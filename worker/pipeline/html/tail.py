"""Where an article body ends inside its widened container.

Widening the best-scored node to an ancestor (html_extract) recovers paragraph groups
that page builders wrap separately, but the same ancestor usually also holds what sites
put after a story: newsletter boxes, testimonials, "more posts" strips, author cards.
Those hang off the container as side branches after the body, hold little prose next to
it, or open with a line that names them ("Related posts", "About the author").
"""

from __future__ import annotations

import re

from worker.pipeline.html.blocks import Block

# A side branch after the body holding less prose than this share of the body's is dropped.
TAIL_SHARE = 0.1
MAX_FURNITURE_HEADING = 60

# Lines that open a block of page furniture, in the words sites use. Matched at the start
# of a short line only, so a sentence that merely begins "Related research shows..." in a
# long paragraph is never taken for one.
_FURNITURE_HEADING = re.compile(
    r"(?:related|more (?:from|in|on|stories|articles|posts|news|like this|to (?:read|explore))|"
    r"recent (?:posts|articles|stories|news)|latest (?:posts|news|articles|insights|stories)|"
    r"(?:most )?(?:popular|read|viewed|shared)(?: (?:posts|articles|stories|now))?$|trending|recommended|"
    r"you (?:may|might) also|read (?:more|next|also)|further reading|see also|keep reading|up next|"
    r"what to read next|explore more|about the (?:author|authors|reviewer|writer|expert)|"
    r"share (?:this|on|the)|leave a (?:reply|comment)|\d* ?comments?$|post a comment|"
    r"subscribe|sign up|newsletter|follow us|tags?:?$|filed under|categories:?$|"
    r"disclaimer|editor'?s note)",
    re.IGNORECASE,
)


def is_furniture_heading(text: str) -> bool:
    """A short line that announces page furniture ("Related posts", "About the author")."""
    return len(text) <= MAX_FURNITURE_HEADING and _FURNITURE_HEADING.match(text) is not None


def trim_tail(indices: list[int], blocks: list[Block], prose: list[float], core: int, outer: int) -> list[int]:
    """``indices`` (blocks under ``outer``) minus the furniture branches that end it.

    A branch is a subtree hanging off the path from ``outer`` down to ``core``. Walking
    back from the last one, branches go while they hold under TAIL_SHARE of the body's
    prose or open with a furniture line; the first substantial branch is still story, and
    so is everything before it (a short "Key dates:" line between two sections stays).
    Branches before the body stay too: headline, standfirst and byline sit there."""
    core_idx = [i for i in indices if core in blocks[i].path]
    if not core_idx:
        return indices
    spine = blocks[core_idx[0]].path
    spine = spine[spine.index(outer) : spine.index(core) + 1]
    core_prose = sum(prose[i] for i in core_idx)
    last_core = core_idx[-1]
    branches: dict[int, list[int]] = {}
    for i in indices:
        if i <= last_core:
            continue
        path = blocks[i].path
        depth = path.index(outer)
        j = 0  # how far down the spine this block's path runs
        while j + 1 < len(spine) and depth + j + 1 < len(path) and path[depth + j + 1] == spine[j + 1]:
            j += 1
        # The branch is the child that leaves the spine; text sitting directly in a spine
        # node gets a per-level key of its own.
        key = path[depth + j + 1] if depth + j + 1 < len(path) else -1 - j
        branches.setdefault(key, []).append(i)
    drop: set[int] = set()
    for idx in reversed(list(branches.values())):
        if sum(prose[i] for i in idx) < TAIL_SHARE * core_prose or is_furniture_heading(blocks[idx[0]].text):
            drop.update(idx)
        else:
            break  # the story goes on to here: small branches before this one are part of it
    return [i for i in indices if i not in drop] if drop else indices
