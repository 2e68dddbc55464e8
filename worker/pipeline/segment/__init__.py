"""Plain-text pages into articles: line classes, paragraphs, datelines, repeats, splitting."""
