# owabi: the collector and alert service (`owabi run`).
#
#   docker build -t owabi .
#   docker run -d -v owabi-data:/data -p 8080:8080 owabi
#
# Two stages: the build stage makes owabi's wheel and installs it with its dependencies
# into a virtual environment; the runtime stage copies only that environment, so the
# image has no build tools and no source tree. tests/e2e/test_image_recipe.py runs these
# steps (outside Docker) and probes /healthz with the HEALTHCHECK command below.

# ---- build ----------------------------------------------------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY collector ./collector
COPY parsers ./parsers
COPY alerts ./alerts
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/owabi \
    && /opt/owabi/bin/pip install "$(echo /wheels/owabi-*.whl)[postgres]"

# ---- runtime --------------------------------------------------------------------------
FROM python:3.11-slim

# Settings default to a single-node SQLite store in the /data volume; every OWABI_*
# variable (or OWABI_<NAME>_FILE, or a Docker secret /run/secrets/owabi_<name>) overrides.
ENV PATH=/opt/owabi/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OWABI_DATABASE_URL=sqlite:////data/owabi.db \
    OWABI_SOURCES_FILE=/app/config/sources.toml \
    OWABI_RULES_FILE=/app/config/rules.toml \
    OWABI_LOG_FORMAT=json \
    OWABI_HTTP_HOST=0.0.0.0 \
    OWABI_HTTP_PORT=8080

RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home owabi \
    && mkdir -p /data \
    && chown owabi:owabi /data

COPY --from=build /opt/owabi /opt/owabi
COPY config /app/config

WORKDIR /app
USER owabi
VOLUME ["/data"]
EXPOSE 8080

# The slim image has no curl: Python's urllib probes /healthz (alive, leader or standby);
# a non-2xx answer or no answer raises, and the non-zero exit marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('OWABI_HTTP_PORT', '8080') + '/healthz', timeout=4)"

ENTRYPOINT ["owabi"]
CMD ["run"]
