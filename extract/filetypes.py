"""The file types the loaders read: one list for the loaders, the error message, the CLI and the bot."""

from __future__ import annotations

HTML_EXTENSIONS: frozenset[str] = frozenset({".html", ".htm", ".shtml", ".xhtml"})
# pictures are read by OCR (issue M, extract/text/ocr.py)
IMAGE_EXTENSIONS: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"})
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".txt", ".text", ".md", ".markdown", ".docx", ".pdf"} | HTML_EXTENSIONS | IMAGE_EXTENSIONS
)
# what a user is told (the aliases .text/.markdown/.htm... are accepted but not advertised)
SUPPORTED_DESCRIPTION = ".txt、.md、.docx、.pdf、.html、.jpg、.png"

# A picture album (several photos of one report) stored as one report: this line, then the pictures' sizes
# (extract/text/ocr.py packs and unpacks it). Here so the loaders recognise one without importing OCR.
BUNDLE_MAGIC = b"countybot:pictures:v1\n"


def is_bundle(data: bytes) -> bool:
    return data.startswith(BUNDLE_MAGIC)
