"""The I/O edge: CLI, store, Telegram bot, schedules. Imports extract, never the other way round."""
