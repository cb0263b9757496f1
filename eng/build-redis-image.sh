#!/usr/bin/env bash
# Builds a minimal local Redis image from the Debian packages on this machine.
#
# Why: no image registry is reachable from the build machines, so the Redis
# image that the AppHost and the tests run has to be made locally. Instead of
# a Dockerfile (which would need a base image we cannot pull), we copy the
# Debian-packaged redis-server / redis-cli plus exactly the shared libraries
# they need into an empty root and `import` that as an image (~20 MB).
#
# Usage:
#   eng/build-redis-image.sh [--force] [IMAGE_REF]
#
#   IMAGE_REF  image to create; default $VIBEZ_REDIS_IMAGE, else
#              localhost/vibez-redis:<redis-server version> (7.0.15 on Debian 12)
#   --force    rebuild even if the image already exists
#
# Environment:
#   ASPIRE_CONTAINER_RUNTIME  podman | docker (default: podman if `podman info`
#                             works, else docker) - the same variable Aspire
#                             reads, so the image lands where Aspire looks.
#   VIBEZ_REDIS_IMAGE         image reference (overridden by IMAGE_REF)
#
# Needs: redis-server and redis-tools (redis-cli) installed, dash, ldd, tar.
set -euo pipefail

expected_version="7.0.15"
# Bump when the image's contents change, so existing images are rebuilt.
recipe=2

force=0
ref_arg=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build-redis-image: unknown option $arg" >&2; exit 2 ;;
    *) ref_arg="$arg" ;;
  esac
done

die() { echo "build-redis-image: $*" >&2; exit 1; }

# --- container runtime -------------------------------------------------------
# Honour Aspire's setting; otherwise prefer podman when it actually works
# (on our machines `docker` is only a client with no engine behind it).
runtime="${ASPIRE_CONTAINER_RUNTIME:-}"
if [[ -z "$runtime" ]]; then
  if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then
    runtime=podman
  else
    runtime=docker
  fi
fi
command -v "$runtime" >/dev/null 2>&1 || die "container runtime '$runtime' not found"
if [[ -n "${ASPIRE_CONTAINER_RUNTIME:-}" || "$runtime" == docker ]]; then
  # A docker client without an engine is common here: fail with a clear message.
  "$runtime" info >/dev/null 2>&1 || die "'$runtime info' fails: is its engine running?"
fi

# --- what to copy ------------------------------------------------------------
server_bin=/usr/bin/redis-server
cli_bin=/usr/bin/redis-cli
shell_bin=/bin/dash     # Aspire runs the image as `/bin/sh -c "redis-server ..."`
sleep_bin=/usr/bin/sleep  # the cluster-create step polls nodes with it, as it can in the official image
for f in "$server_bin" "$cli_bin" "$shell_bin" "$sleep_bin"; do
  [[ -x "$f" ]] || die "$f missing (apt-get install -y redis-server redis-tools dash)"
done

# Tag by the version actually packaged, so a Debian update can never hide
# behind the 7.0.15 tag. Output looks like: "Redis server v=7.0.15 sha=...".
version="$("$server_bin" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
[[ -n "$version" ]] || die "cannot read the version from '$server_bin --version'"
if [[ "$version" != "$expected_version" ]]; then
  echo "build-redis-image: warning: packaged redis-server is $version, not $expected_version;" \
       "tagging by the actual version" >&2
fi

image_ref="${ref_arg:-${VIBEZ_REDIS_IMAGE:-localhost/vibez-redis:$version}}"

# --- fast path: nothing to do ------------------------------------------------
existing_recipe="$("$runtime" image inspect --format '{{ index .Config.Labels "vibez.recipe" }}' "$image_ref" 2>/dev/null || true)"
if [[ "$force" -eq 0 && "$existing_recipe" == "$recipe" ]]; then
  echo "build-redis-image: $image_ref already exists ($runtime), not rebuilt (use --force to rebuild)"
  exit 0
fi

# --- assemble the root file system -------------------------------------------
root="$(mktemp -d "${TMPDIR:-/tmp}/vibez-redis-root.XXXXXX")"
trap 'rm -rf "$root"' EXIT

# Copy a file to the same path under $root, following symlinks (Debian's
# merged /usr makes /lib and /lib64 symlinks; the image gets real files at
# the paths the binaries' ELF headers and ldd refer to).
copy_into_root() {
  local src="$1" dest="$root$2"
  mkdir -p "$(dirname "$dest")"
  cp -L "$src" "$dest"
}

copy_into_root "$server_bin" /usr/bin/redis-server
copy_into_root "$cli_bin" /usr/bin/redis-cli
copy_into_root "$shell_bin" /bin/sh
copy_into_root "$sleep_bin" /usr/bin/sleep
# Sentinel is redis-server started under another name.
ln -s redis-server "$root/usr/bin/redis-sentinel"

# Every library ldd lists, at the path it lists: "name => /path (addr)" lines
# and the bare dynamic loader line "/lib64/ld-linux-x86-64.so.2 (addr)".
# linux-vdso has no file and is skipped, as are the "/usr/bin/x:" headers
# ldd prints when given several files.
libs="$(ldd "$server_bin" "$cli_bin" "$shell_bin" "$sleep_bin" \
        | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' \
        | sort -u)"
[[ -n "$libs" ]] || die "ldd listed no libraries"
grep -q 'ld-linux' <<<"$libs" || die "ldd did not list the dynamic loader"
while IFS= read -r lib; do
  copy_into_root "$lib" "$lib"
done <<<"$libs"

# Minimal /etc: a root user and group (redis and the shell look them up), and
# name resolution. Since glibc 2.34 the `files` and `dns` NSS modules live in
# libc.so.6 itself, so no libnss_*.so is needed for container alias names to
# resolve (the runtime mounts /etc/hosts and /etc/resolv.conf at run time).
mkdir -p "$root/etc"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$root/etc/nsswitch.conf"

# /data is the working directory (AOF/RDB/nodes.conf); /tmp for anything
# that wants scratch space; /root as HOME.
mkdir -p "$root/data" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"

# Smoke test before importing: in the new root alone (chroot, so the host's
# libraries cannot help), the shell finds both binaries via PATH and they
# start, i.e. no library is missing. Needs root; skipped otherwise.
chroot_bin="$(command -v chroot || true)"   # /usr/sbin/chroot: resolve before env -i
if [[ "$(id -u)" -eq 0 && -n "$chroot_bin" ]]; then
  # (no /dev in the root yet, so no redirections inside)
  smoke="$(env -i PATH=/usr/local/bin:/usr/bin:/bin "$chroot_bin" "$root" /bin/sh -c \
           'redis-cli --version && redis-sentinel --version')" \
    || die "the assembled root does not run redis (missing library?)"
  grep -q "^redis-cli $version" <<<"$smoke" && grep -q " v=$version " <<<"$smoke" \
    || die "unexpected versions in the assembled root: $smoke"
fi

# With --force the previous image would be left behind untagged; remember it.
old_id="$("$runtime" image inspect --format '{{.Id}}' "$image_ref" 2>/dev/null || true)"

# --- import -------------------------------------------------------------------
# The same command line works for podman and docker (podman also prints
# progress on stderr unless told to be quiet; docker has no such flag).
quiet=()
[[ "$runtime" == podman ]] && quiet=(--quiet)
tar -C "$root" --numeric-owner --owner=0 --group=0 -c . \
  | "$runtime" import "${quiet[@]}" \
      --change 'ENTRYPOINT ["/usr/bin/redis-server"]' \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
      --change 'WORKDIR /data' \
      --change "LABEL vibez.recipe=$recipe" \
      - "$image_ref" >/dev/null

new_id="$("$runtime" image inspect --format '{{.Id}}' "$image_ref")"
if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
  # Fails (harmlessly) if a container still uses it or another tag names it.
  "$runtime" image rm "$old_id" >/dev/null 2>&1 || true
fi

echo "build-redis-image: built $image_ref (redis-server $version, $runtime)"
