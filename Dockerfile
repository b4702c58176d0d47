# syntax=docker/dockerfile:1
# Build stage: install the package and train the default model from seeds/.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml README.md ./
COPY training training
COPY service service
RUN pip install .
COPY seeds seeds
RUN modlens train --data seeds --out /app/models

# Runtime stage: the virtualenv and the trained model, run as a non-root user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 modlens && mkdir -p /data && chown modlens:modlens /data
COPY --from=build /opt/venv /opt/venv
# Owned by the service user: a reload writes models/.reload-generation for the other workers.
COPY --from=build --chown=modlens:modlens /app/models /app/models
WORKDIR /app
# MODLENS_WORKERS: server processes (`docker run -e MODLENS_WORKERS=4`), read by the
# settings like every other MODLENS_* variable.
ENV PATH=/opt/venv/bin:$PATH \
    MODLENS_MODELS_DIR=/app/models \
    MODLENS_HOST=0.0.0.0 \
    MODLENS_PORT=8000 \
    MODLENS_WORKERS=1 \
    MODLENS_REVIEW_DB_URL=sqlite:////data/reviews.db
# The review queue's SQLite file: mount a volume here to keep it.
VOLUME /data
USER modlens
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["modlens", "serve", "--host", "0.0.0.0"]
