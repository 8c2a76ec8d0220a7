"""Telegram handlers, one module per feature area. Each exposes ``register(app)``."""
