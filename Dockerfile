# Playbook Bot: small image, non-root, content baked in, database on the /data volume.
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/playbook.sqlite3 \
    CONTENT_DIR=/app/content

WORKDIR /app

# Dependencies first, from pyproject.toml, so code changes don't reinstall them.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .

COPY content ./content

RUN useradd --system --uid 10001 --home-dir /app bot \
    && mkdir -p /data && chown bot /data
USER bot
VOLUME ["/data"]

# Healthy when the content is valid and the database is readable.
HEALTHCHECK --interval=60s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
