#!/usr/bin/env bash
# Installs what VibeZ needs on Debian or Ubuntu, idempotently: a second run changes nothing.
#
# Usage: eng/install.sh [--containers]
#   always         redis-server, redis-sentinel, redis-tools (local-process topologies; redis-cli for the README's tests)
#   --containers   a container runtime that works (Podman from Debian unless Docker or Podman already answers),
#                  the local Redis image eng/build-redis-image.sh makes, since no registry may be reachable,
#                  and Chromium for the browser tests (eng/test.sh's setup; eng/run.sh without a runtime skips it).
#                  It then checks what the topologies need from the runtime's network, the way they use it, and
#                  stops with what failed if that does not work.
set -euo pipefail

containers=0
for arg in "$@"; do
  case "$arg" in
    --containers) containers=1 ;;
    *) echo "install: unknown option $arg" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")" && pwd)"
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || packages+=(redis-sentinel)
command -v redis-cli >/dev/null 2>&1 || packages+=(redis-tools)

runtime_answers() { command -v "$1" >/dev/null 2>&1 && timeout 20 "$1" info >/dev/null 2>&1; }

runtime="${ASPIRE_CONTAINER_RUNTIME:-}"
if [[ "$containers" -eq 1 && -z "$runtime" ]]; then
  if runtime_answers docker; then runtime=docker
  elif runtime_answers podman; then runtime=podman
  else
    runtime=podman
    command -v podman >/dev/null 2>&1 || packages+=(podman)
    # Debian's podman defaults to crun, which fails on hosts with hybrid cgroups; runc works everywhere.
    command -v runc >/dev/null 2>&1 || packages+=(runc)
    # Publishing a container port on the CNI network backend goes through iptables, which podman only suggests.
    command -v iptables >/dev/null 2>&1 || packages+=(iptables)
  fi
fi

# The browser tests drive Debian's Chromium through Playwright's ExecutablePath: `playwright install` downloads a
# browser build of its own, which cannot work without internet access.
if [[ "$containers" -eq 1 ]]; then
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
fi

if [[ ${#packages[@]} -gt 0 ]]; then
  echo "install: apt-get install ${packages[*]}"
  $sudo apt-get update -qq
  # The redis packages try to start a system service; where there is no init system that is refused, harmlessly.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [[ "$containers" -eq 1 ]]; then
  export ASPIRE_CONTAINER_RUNTIME="$runtime"
  bash "$here/build-redis-image.sh"
  image="${VIBEZ_REDIS_IMAGE:-localhost/vibez-redis:$(redis-server --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')}"
  smoke() { timeout 60 "$runtime" run --rm --entrypoint redis-server "$image" --version >/dev/null 2>&1; }
  if ! smoke && [[ "$runtime" == podman && ! -e /etc/containers/containers.conf ]]; then
    # Podman's default ulimits are above what some hosts (containers themselves, CI sandboxes) allow, and crun
    # needs unified cgroups. These two settings are the whole fix; podman merges this file over its defaults.
    echo "install: podman cannot run containers here; writing /etc/containers/containers.conf (runc, lower ulimits)"
    $sudo mkdir -p /etc/containers
    printf '%s\n' '[containers]' 'default_ulimits = ["nofile=10000:10000", "nproc=4096:4096"]' '[engine]' 'runtime = "runc"' \
      | $sudo tee /etc/containers/containers.conf >/dev/null
  fi
  smoke || { echo "install: $runtime cannot run $image; see docs/troubleshooting.md" >&2; exit 1; }
  echo "install: $runtime runs $image"

  # The topologies put their nodes on a network of their own at fixed addresses and give every container the others'
  # names as host entries, so they need no container DNS (which Podman's CNI backend lacks without the dnsname plugin).
  # The AppHost's RedisContainerNetworkCheck makes the same check before it picks containers.
  net="vibez-install-check-$$"
  server="$net-server"
  cleanup_check() { "$runtime" rm -f "$server" >/dev/null 2>&1 || true; "$runtime" network rm "$net" >/dev/null 2>&1 || true; }
  trap cleanup_check EXIT
  check_failed() {
    echo "install: $runtime runs $image, but two containers on one network cannot reach each other the way the" \
         "Redis topologies need (a network of their own, fixed addresses, names as host entries): $*" >&2
    echo "install: repair the container network (Podman: apt-get install containernetworking-plugins iptables, and" \
         "check that 'podman network create' and 'podman run --network NAME:ip=ADDRESS' work), or run Redis as local" \
         "processes: VibeZ:Redis:Runtime=process. See docs/troubleshooting.md." >&2
    exit 1
  }
  if [[ "$runtime" == docker ]]; then
    format='{{range .IPAM.Config}}{{.Subnet}} {{end}}'; on_net() { echo "name=$net,ip=$1"; }
  else
    format='{{range .Subnets}}{{.Subnet}} {{end}}'; on_net() { echo "$net:ip=$1"; }
  fi
  created="$("$runtime" network create --label vibez.check=true "$net" 2>&1)" || check_failed "'$runtime network create' said: $created"
  subnet="$("$runtime" network inspect "$net" --format "$format" | tr ' ' '\n' | grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/' || true)"
  [[ -n "$subnet" ]] || check_failed "the network $net has no IPv4 subnet"
  base="${subnet%/*}"; base="${base%.*}"
  started="$("$runtime" run -d --rm --name "$server" --network "$(on_net "$base.10")" --entrypoint redis-server "$image" \
             --port 6379 --protected-mode no --save '' 2>&1)" || check_failed "a container at $base.10 did not start: $started"
  ping_script="i=0; until out=\$(redis-cli -h $server -p 6379 ping 2>&1) && [ \"\$out\" = PONG ]; do i=\$((i+1)); \
    if [ \$i -ge 50 ]; then echo \"\$out\"; exit 1; fi; sleep 0.1; done"
  pinged="$("$runtime" run --rm --network "$(on_net "$base.11")" --add-host "$server:$base.10" --entrypoint /bin/sh "$image" \
            -c "$ping_script" 2>&1)" || check_failed "'redis-cli -h $server ping' from a second container said: $pinged"
  cleanup_check
  trap - EXIT
  echo "install: containers on a $runtime network reach each other by name at fixed addresses"
fi
