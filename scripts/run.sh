#!/usr/bin/env bash
# `make run`: prepare the local database, start the task worker, serve with gunicorn.
# Every step is idempotent, so a second run is fast and keeps the data in var/.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
read -r -a UV <<<"${KVPT_UV:-uv}"
run() { "${UV[@]}" run --frozen "$@"; }

# Listening on every interface: let people reach the app by this machine's names and addresses.
if [[ -z ${ALLOWED_HOSTS:-} && $HOST != 127.0.0.1 && $HOST != localhost ]]; then
    hosts="localhost,127.0.0.1,[::1],$(hostname)"
    for ip in $(hostname -I 2>/dev/null || true); do
        if [[ $ip == *:* ]]; then hosts+=",[$ip]"; else hosts+=",$ip"; fi
    done
    [[ $HOST != 0.0.0.0 && $HOST != :: ]] && hosts+=",$HOST"
    export ALLOWED_HOSTS=$hosts
fi

KVPT_UV="${UV[*]}" scripts/compile-messages.sh
echo "==> Chuẩn bị cơ sở dữ liệu và tệp tĩnh (migrate, createcachetable, collectstatic, demo)"
run kvpt prepare --demo-if-empty

echo "==> Chạy tiến trình nền (django-tasks db_worker)"
# Both run as background jobs and are stopped by the traps below, whether make got Ctrl-C
# (SIGINT) or a plain kill (SIGTERM): nothing is left behind holding the port or the database.
# Not through run(): a backgrounded function is a subshell, and $! would name it, not uv.
"${UV[@]}" run --frozen python manage.py db_worker &
worker=$!
server=""
stop() {
    # A second signal while stopping (make forwards one, the user sends another) must not cut
    # this short: that would leave the server or the worker running without a parent.
    trap '' INT TERM
    local pid
    for pid in $server $worker; do kill -TERM "$pid" 2>/dev/null || true; done
    # The worker finishes its current task first; do not wait for ever.
    for _ in $(seq 1 100); do
        local alive=""
        for pid in $server $worker; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ -z $alive ]] && return 0
        sleep 0.1
    done
    for pid in $server $worker; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

display_host=$HOST
[[ $HOST == 0.0.0.0 || $HOST == :: ]] && display_host=$(hostname -I 2>/dev/null | awk '{print $1}')
[[ $display_host == *:* ]] && display_host="[$display_host]"
cat <<BANNER

  KVPT đang chạy tại (running at):  http://${display_host:-127.0.0.1}:${PORT}/
  Kiểm tra (health):                http://${display_host:-127.0.0.1}:${PORT}/healthz
  Dừng (stop): Ctrl-C

  Tài khoản mẫu (demo logins):
BANNER
run kvpt demo --print-logins || echo "  (xem docs/user-guide.md)"
echo

"${UV[@]}" run --frozen kvpt serve --host "$HOST" --port "$PORT" &
server=$!
wait "$server"
