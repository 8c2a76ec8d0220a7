# Playbook Bot: small image, non-root, content baked in, database on the /data volume.
#
# Two stages, so that the final image holds only what runs the bot:
#   builder   a venv with the dependencies from pyproject.toml, wheels only (no compiler
#             is installed, none is needed)
#   runtime   the base image, that venv, the code and the content: no pip cache, no
#             build tools, no tests, no .env (.dockerignore lets only bot/, content/
#             and pyproject.toml into the build)
# Layers go from least to most often changed: a change to bot/ or content/ rebuilds only
# the last small layers; the dependencies are reinstalled only when pyproject.toml changes.

FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml /src/
# Only the [project] dependencies; the bot itself is not installed, it runs from /app.
RUN python -c 'import tomllib; \
deps = tomllib.load(open("/src/pyproject.toml", "rb"))["project"]["dependencies"]; \
open("/src/requirements.txt", "w").write("\n".join(deps) + "\n")' \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --only-binary=:all: -r /src/requirements.txt \
    && /opt/venv/bin/pip uninstall --yes pip setuptools

FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DATABASE_PATH=/data/playbook.sqlite3 \
    CONTENT_DIR=/app/content

RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY content ./content
COPY bot ./bot
# Bytecode compiled once here: PYTHONDONTWRITEBYTECODE would otherwise have every
# start compile the bot's modules again.
RUN python -m compileall -q bot

USER bot
VOLUME ["/data"]

# Healthy when the content is valid and the database on /data opens.
HEALTHCHECK --interval=60s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
