# syntax=docker/dockerfile:1
# Build stage: the release binary of the `api` package.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, in a layer of their own: the manifests and stub targets, built once, so
# that a change to the sources rebuilds only the workspace's own crates.
COPY Cargo.toml Cargo.lock ./
COPY api/Cargo.toml api/Cargo.toml
COPY entity/Cargo.toml entity/Cargo.toml
COPY migration/Cargo.toml migration/Cargo.toml
COPY openapi/Cargo.toml openapi/Cargo.toml
COPY tests/Cargo.toml tests/Cargo.toml
RUN for f in api/src/lib.rs api/src/main.rs api/src/bin/seed_workshops.rs entity/src/lib.rs \
        migration/src/lib.rs migration/src/main.rs openapi/src/main.rs tests/src/lib.rs \
        tests/src/bin/smtp_sink.rs tests/tests/api/main.rs; do \
        mkdir -p "$(dirname "$f")" && echo 'fn main() {}' > "$f"; \
    done \
    && cargo build --release -p api --locked \
    && rm -rf api/src entity/src migration/src openapi/src tests/src tests/tests
# Then the sources (newer than the stubs, so cargo rebuilds the workspace's crates).
COPY . .
RUN touch api/src/lib.rs api/src/main.rs entity/src/lib.rs migration/src/lib.rs \
    && cargo build --release -p api --locked \
    && cp target/release/api /usr/local/bin/api

# Run stage: a slim image, a non-root user, configuration from the environment.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /app app
COPY --from=build /usr/local/bin/api /usr/local/bin/api
WORKDIR /app
USER 10001:10001
ENV BIND_ADDR=0.0.0.0:8080 \
    APP_ENV=production \
    MAIL_DIR=/app/mail \
    STORAGE_URL=/app/storage
EXPOSE 8080
# The binary probes itself (`api healthcheck` asks /health/ready on BIND_ADDR): no curl needed.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/api", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/api"]
