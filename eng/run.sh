#!/usr/bin/env bash
# Installs what is missing and starts the AppHost: eng/run.sh [sentinel|cluster|single] [AppHost arguments…]
# Redis runs in containers where Docker or Podman already works (and has the image), else as local processes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
profile="${1:-sentinel}"
shift || true

bash "$here/install.sh"
if { command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; } || { command -v podman >/dev/null && timeout 20 podman info >/dev/null 2>&1; }; then
  # A runtime is already here: make sure it has the image and a network the topology can use, so the topology runs
  # the way it ships. Where that fails, the AppHost makes the same check and runs Redis as local processes instead.
  if bash "$here/install.sh" --containers; then
    # No registry may be reachable, so the AppHost's default image (docker.io/library/redis) may never arrive: run the
    # image install.sh just built. An image of your own still wins: --VibeZ:Redis:Image=… on the command line, or this
    # variable set before.
    export VibeZ__Redis__Image="${VibeZ__Redis__Image:-${VIBEZ_REDIS_IMAGE:-localhost/vibez-redis:$(redis-server --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')}}"
  else
    echo "run: containers cannot run the topology here (see above); Redis runs as local processes"
  fi
fi
exec dotnet run --project "$here/../VibeZ.AppHost" --launch-profile "$profile" -- "$@"
