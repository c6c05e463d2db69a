"""The Telegram bot (python-telegram-bot v22): builder, handlers, rendering, schedules, error reports.

Entry point: `countybot serve` (bot/commands/serve.py) -> bot.telegram.app.build_application().
"""
