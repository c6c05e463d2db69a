"""Rendering digests, targets and period digests for users: plain text, Telegram HTML, shared helpers."""
