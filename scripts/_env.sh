# Shared by scripts/*: where the environment lives and how to run a command in it.
# Two modes, recorded in .cache/env-mode by scripts/setup:
#   native  - a Python 3.14 was found or installed by uv on the host;
#   sysroot - no Python 3.14 could be had (Debian 12 hosts that reach only package
#             mirrors), so a minimal Debian sid root under .sysroot/ provides it and
#             commands run there through chroot, with the checkout mounted at the same path.
# shellcheck shell=bash
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$(cd "$REPO/.." && pwd)/shared"
SYSROOT="${ASP_SYSROOT:-$REPO/.sysroot}"
VENV="$REPO/.venv"
MODE_FILE="$REPO/.cache/env-mode"
PYTHON_MIN="3.14.2"

env_mode() { cat "$MODE_FILE" 2>/dev/null || true; }

# Run "$@" in the project environment, from the current directory.
in_env() {
  local mode
  mode="$(env_mode)"
  if [ "$mode" = native ]; then
    PATH="$VENV/bin:$PATH" VIRTUAL_ENV="$VENV" "$@"
  elif [ "$mode" = sysroot ]; then
    in_sysroot env PATH="$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      VIRTUAL_ENV="$VENV" "$@"
  else
    echo "environment not set up: run scripts/setup" >&2
    return 1
  fi
}

# Run "$@" as root inside the sid root. The mounts live in a private mount namespace,
# so they vanish when the command ends: no stale mounts, and parallel runs do not clash.
in_sysroot() {
  local extra=()
  [ -d "$SHARED" ] && extra=("$SHARED")
  unshare --mount --propagation private /bin/bash -c "$_SYSROOT_ENTER" _ \
    "$SYSROOT" "$PWD" "$REPO" "${extra[@]}" -- "$@"
}

# shellcheck disable=SC2016
_SYSROOT_ENTER='
set -e
root="$1"; cwd="$2"; shift 2
binds=()
while [ "$1" != "--" ]; do binds+=("$1"); shift; done
shift
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm"
for b in "${binds[@]}"; do
  mkdir -p "$root$b"
  mount --bind "$b" "$root$b"
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
exec chroot "$root" /usr/bin/env -i \
  HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" ASP_BENCH="${ASP_BENCH:-}" \
  SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
'
