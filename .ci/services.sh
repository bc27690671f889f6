#!/usr/bin/env bash
# Start PostgreSQL, Redis and NATS (JetStream) on loopback when they are not already answering.
# Idempotent: a running service is left alone.
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_up() { for _ in $(seq 1 50); do up "$1" && return 0; sleep 0.2; done; return 1; }

if ! up 5432; then
  echo "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  wait_up 5432 || echo "PostgreSQL is not answering on 127.0.0.1:5432"
fi
if ! up 6379; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_up 6379 || echo "Redis is not answering on 127.0.0.1:6379"
fi
if ! up 4222; then
  echo "starting NATS"
  mkdir -p /var/lib/nats-server 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_up 4222 || echo "NATS is not answering on 127.0.0.1:4222"
fi
# The test database must exist (trust auth on loopback).
if up 5432 && command -v psql >/dev/null; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" postgres 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" postgres >/dev/null 2>&1 || true
fi
exit 0
