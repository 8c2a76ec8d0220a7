"""The analysts' board, a Telegram Mini App: links (``links``), trust (``auth``), the
server and its JSON API (``server``, ``views``), the page (``static/``)."""
