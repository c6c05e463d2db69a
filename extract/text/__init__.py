"""Bytes to normalised text: loaders, cleaning, gloss stripping, script conversion, boilerplate, metadata."""
