"""Real little servers on 127.0.0.1 that stand in for OpenAI-compatible and Telegram Bot APIs."""
