"""The rules digest, its extractive summary, and grounding of any text against the source."""
