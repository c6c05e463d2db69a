"""The pure pipeline: bytes -> text -> normalised Document -> figures -> Digest.

Nothing here imports Telegram or the database layer; data flows one way (bot imports extract).
"""
