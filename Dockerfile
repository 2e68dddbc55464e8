# newsworker container image: `newsworker run` by default; any other subcommand works too
# (`docker run IMAGE topics create`, `... send FILE`). Used by docker-compose.yml.
#
# Two stages so that the runtime image holds the installed virtualenv and nothing of the
# build (source tree, pip caches, build isolation envs). Every runtime dependency ships a
# manylinux wheel for CPython 3.11 (pycld2 included, from 0.42), so no compiler is needed.
# The tag pins Python 3.11 and Debian 12, the platform CI tests on.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY worker/ ./worker/
# --only-binary: fail the build rather than silently compile a dependency from source.
# Non-editable: the code lives in the venv's site-packages, so schemas/ (outside the
# package) is copied below and located with NEWSWORKER_SCHEMAS_DIR.
RUN /opt/venv/bin/pip install --only-binary=:all: ".[rocksdb]"

FROM ${PYTHON_IMAGE}
# A fixed uid/gid so that volume ownership is predictable across rebuilds. The data dir
# exists in the image, owned by that user, so a named volume mounted there starts with
# the same ownership.
RUN groupadd --system --gid 10001 newsworker \
    && useradd --system --uid 10001 --gid newsworker --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin newsworker \
    && install -d -o newsworker -g newsworker -m 0750 /var/lib/newsworker
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY schemas/ /app/schemas/
# The bundled sample pages, at the same relative path as in a checkout, so that
# `newsworker send worker/samples/...` works in both (the code itself is in /opt/venv;
# this folder holds data only).
COPY worker/samples/ /app/worker/samples/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSWORKER_SCHEMAS_DIR=/app/schemas \
    NEWSWORKER_STORE=rocksdb:// \
    NEWSWORKER_DATA_DIR=/var/lib/newsworker \
    NEWSWORKER_WEB_HOST=0.0.0.0
USER 10001:10001
EXPOSE 6066
# Exec form: newsworker is the process that receives SIGTERM, and faust drains and
# commits on it (a shell in between would swallow the signal).
ENTRYPOINT ["newsworker"]
CMD ["run"]
