# One image for every Sportello process; the command picks which one runs
# (`sportello serve accounts`, `sportello migrate`, ...). docker-compose.yml
# sets the command and the healthchecks per service.
FROM python:3.11-slim

# Unbuffered so log lines reach `docker logs` as they are written; no .pyc
# files in a read-only install; no pip version nag at build time.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SPORTELLO_VAR_DIR=/var/lib/sportello \
    GATEWAY_ADDRESS=0.0.0.0:8000

# A fixed, unprivileged UID: the processes never need root, and the data dir
# is created owned by it so a fresh named volume mounted there inherits that
# ownership and stays writable.
RUN groupadd --system --gid 10001 sportello \
 && useradd --system --uid 10001 --gid sportello --home-dir /nonexistent --shell /usr/sbin/nologin sportello \
 && mkdir -p /var/lib/sportello \
 && chown sportello:sportello /var/lib/sportello

WORKDIR /app
# Only what the package build needs (see .dockerignore); README.md is the
# project's `readme` in pyproject.toml, so the build fails without it.
COPY pyproject.toml README.md ./
COPY services/ services/
COPY gateway/ gateway/
RUN pip install --no-cache-dir .

USER sportello
EXPOSE 8000

# Exec form: `sportello` is PID 1 and receives SIGTERM itself, so nameko can
# finish running workers and close connections. A shell-form command would
# make /bin/sh PID 1, which does not forward the signal, and the container
# would be SIGKILLed after the grace period instead.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sportello"]
CMD ["serve", "gateway"]
