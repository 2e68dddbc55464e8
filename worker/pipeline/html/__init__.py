"""HTML pages into articles: a bounded parse, content blocks, titles, tail trimming."""
