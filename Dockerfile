# The Journey Workbench as one app process, run as an unprivileged user, with Debian's Chromium for the image
# export. compose.yaml runs two of these on PostgreSQL behind Caddy; README, "Deploy", says how.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium

# Chromium draws the PNG and SVG exports (kaleido starts it without its sandbox, which needs no privileges);
# the fonts are the ones the figures name.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and is compiled here: the app's user can change none of it, and no process
# compiles a module at start (5 s more per start otherwise).
COPY .streamlit/config.toml .streamlit/config.toml
COPY app.py ./
COPY journeys journeys
COPY store store
COPY ui ui
COPY pages pages
RUN python -m compileall -q app.py journeys store ui pages

# data/: the SQLite file when no JOURNEYS_DB_URL is given; /backups: where the backup job writes.
RUN useradd --system --uid 10001 --create-home --home-dir /home/journeys journeys \
    && mkdir -p /app/data /backups \
    && chown journeys:journeys /app/data /backups
USER journeys

EXPOSE 8501
# Ready when the database answers and its schema is the app's.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 CMD ["python", "-m", "store.cli", "check"]
CMD ["streamlit", "run", "app.py", "--server.headless=true", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]
