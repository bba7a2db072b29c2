#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on loopback; start them when installed and not running.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { echo "error: PostgreSQL is not running on 127.0.0.1:5432 and could not be started. Install it (apt-get install postgresql) or set TEST_DATABASE_URL." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis..."
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  fi
  redis_up || { echo "error: Redis is not running on 127.0.0.1:6379 and could not be started. Install it (apt-get install redis-server)." >&2; exit 1; }
fi
# The suite's own database (tests run in test_<name>; manage.py check and makemigrations look at <name>).
db="${TEST_DATABASE_NAME:-dangjian}"
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='$db'" 2>/dev/null | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres "$db" 2>/dev/null || true
fi
echo "PostgreSQL and Redis are up."
