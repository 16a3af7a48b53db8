# owabi: the collector and alert service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OWABI_DATABASE_URL=sqlite:////data/owabi.db \
    OWABI_SOURCES_FILE=/app/config/sources.toml \
    OWABI_RULES_FILE=/app/config/rules.toml \
    OWABI_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY collector ./collector
COPY parsers ./parsers
COPY alerts ./alerts
RUN pip install ".[postgres]"
COPY config ./config

RUN useradd --system --uid 10001 --home-dir /data owabi \
    && mkdir -p /data && chown owabi /data
USER owabi
VOLUME ["/data"]

ENTRYPOINT ["owabi"]
CMD ["fetch"]
