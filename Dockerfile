# syntax=docker/dockerfile:1
# Build stage: the release binary of the `api` package.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p api --locked \
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
    MAIL_DIR=/app/mail
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/api"]
