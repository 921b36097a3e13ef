#!/usr/bin/env bash
# Installs the Debian package the build made (distribution/target/stowage_<version>_all.deb) on this
# machine, tries it, purges it, and fails if anything of it remains or if the data it wrote does not.
# Called by test.sh after mvn verify, as root only; runnable alone after
#   mvn -B -q -o package -pl distribution -am -DskipTests -Dinvoker.skip=true
# Steps: dpkg -i (apt-get install -f if the Java dependency is missing); stowage --version, stores,
# --help; man stowage / stowage-gc; systemd-analyze verify of the units; bash completion; a round
# trip (add, get, compare) through /usr/bin/stowage with a temporary configuration; dpkg --purge;
# nothing of the package left, the round trip's data directory still there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "package-check: must run as root (dpkg -i)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
fail() { echo "!! package-check: $*" >&2; exit 1; }
step() { echo "== package-check: $*" >&2; }

shopt -s nullglob
debs=(distribution/target/stowage_*_all.deb)
[ ${#debs[@]} = 1 ] || fail "expected one distribution/target/stowage_*_all.deb, found ${#debs[@]}: build it with mvn package -pl distribution -am"
deb=${debs[0]}

# Tools the checks use: man (man-db), systemd-analyze (systemd; it verifies units without systemd
# running as PID 1). bash-completion's loader is not needed: the script is sourced directly.
need=()
command -v man >/dev/null 2>&1 || need+=(man-db)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]}"
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/stowage-package-check.XXXXXX)
ours=false  # purged on exit only if this run installed it
cleanup() {
  if $ours && dpkg -s stowage >/dev/null 2>&1; then dpkg --purge stowage >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A stowage package installed already is purged first only when it is this build's version (what an
# interrupted check leaves); another one is an operator's installation, which a check must not purge.
if dpkg -s stowage >/dev/null 2>&1; then
  installed=$(dpkg-query -W -f='${Version}' stowage)
  building=$(dpkg-deb -f "$deb" Version)
  if [ "$installed" = "$building" ] || [ "${STOWAGE_PACKAGE_CHECK_REPLACE:-}" = 1 ]; then
    step "stowage $installed is installed already (an earlier check's): purging it first"
    dpkg --purge stowage >/dev/null
  else
    fail "stowage $installed is installed on this machine; the check would replace and purge it (with /etc/stowage): remove it first, or set STOWAGE_PACKAGE_CHECK_REPLACE=1"
  fi
fi

step "dpkg -i $deb"
ours=true
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  # the Java runtime dependency: apt resolves it (default-jre-headless) and finishes configuring
  step "dpkg -i left dependencies unresolved: apt-get install -f"
  apt-get update -qq && apt-get install -f -y -qq >/dev/null || { cat "$work/dpkg.log" >&2; fail "apt-get install -f failed"; }
fi
[ "$(dpkg-query -W -f='${Status}' stowage)" = "install ok installed" ] || fail "stowage is not installed: $(dpkg-query -W -f='${Status}' stowage)"

# What the package must install.
for f in /usr/bin/stowage /usr/share/stowage/bin/stowage /etc/stowage/stowage.conf \
         /usr/share/man/man1/stowage.1.gz /usr/share/man/man1/stowage-gc.1.gz \
         /usr/share/bash-completion/completions/stowage /usr/share/zsh/vendor-completions/_stowage \
         /lib/systemd/system/stowage-gc.service /lib/systemd/system/stowage-gc.timer; do
  [ -e "$f" ] || fail "$f is not installed"
done
[ -L /usr/bin/stowage ] || fail "/usr/bin/stowage is not a symbolic link"
grep -qx /etc/stowage/stowage.conf /var/lib/dpkg/info/stowage.conffiles || fail "/etc/stowage/stowage.conf is not a conffile"

# The installed command runs as root (this script's user) with a HOME of its own, so its per-user
# directories (start-up cache, crash logs, data of the default stores) land in $work; nothing may be
# written into /usr/share/stowage.
export HOME="$work/home"; mkdir -p "$HOME"
unset STOWAGE_CONFIG XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME
stamp="$work/stamp"; touch "$stamp"

# postinst: the gc service runs as glance exactly when that user exists.
dropin=/etc/systemd/system/stowage-gc.service.d/glance-user.conf
if getent passwd glance >/dev/null; then
  grep -qx 'User=glance' "$dropin" 2>/dev/null || fail "the glance user exists but $dropin does not say User=glance"
else
  [ ! -e "$dropin" ] || fail "$dropin written though there is no glance user"
fi

step "stowage --version"
version=$(stowage --version) || fail "stowage --version failed"
echo "$version" | grep -q '^stowage ' || fail "stowage --version printed: $version"

step "stowage stores (the packaged default configuration, /etc/stowage/stowage.conf)"
stowage stores >"$work/stores.out" 2>"$work/stores.err" || { cat "$work/stores.err" >&2; fail "stowage stores failed"; }
grep -q fast "$work/stores.out" || { cat "$work/stores.out" >&2; fail "stowage stores does not list the default store 'fast'"; }

step "stowage --help"
stowage --help >"$work/help.out" || fail "stowage --help failed"
grep -q 'Usage: stowage' "$work/help.out" || fail "stowage --help has no usage line"

step "man stowage, man stowage-gc"
man -P cat stowage >"$work/man.out" 2>"$work/man.err" || { cat "$work/man.err" >&2; fail "man stowage failed"; }
grep -q 'stowage' "$work/man.out" && grep -q -- '--config' "$work/man.out" || fail "man stowage lacks the command or --config"
man -P cat stowage-gc 2>/dev/null | grep -q -- '--older-than' || fail "man stowage-gc lacks --older-than"

step "systemd-analyze verify stowage-gc.service stowage-gc.timer"
# Only our units' messages count (verify also reports unrelated units it loads as dependencies).
systemd-analyze verify /lib/systemd/system/stowage-gc.service /lib/systemd/system/stowage-gc.timer \
  >"$work/verify.out" 2>&1 || { cat "$work/verify.out" >&2; fail "systemd-analyze verify failed"; }
if grep -E '^stowage-gc\.(service|timer)' "$work/verify.out"; then fail "systemd-analyze verify reports the units above"; fi

step "bash completion"
complete=$(bash -c 'source /usr/share/bash-completion/completions/stowage 2>/dev/null; complete -p stowage') \
  || fail "sourcing the bash completion failed"
echo "$complete" | grep -q -- '-F _complete_stowage' || fail "the bash completion does not register stowage: $complete"
words=$(bash -c 'source /usr/share/bash-completion/completions/stowage
  COMP_WORDS=(stowage g); COMP_CWORD=1; COMP_LINE="stowage g"; COMP_POINT=${#COMP_LINE}
  _complete_stowage 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"')
echo "$words" | grep -qx 'gc' || fail "completing 'stowage g' did not offer gc: $words"

if command -v zsh >/dev/null 2>&1; then
  step "zsh completion (syntax; zsh is installed)"
  zsh -n /usr/share/zsh/vendor-completions/_stowage || fail "zsh cannot parse /usr/share/zsh/vendor-completions/_stowage"
fi

step "round trip through /usr/bin/stowage: add, get, compare"
data="$work/data"
cat >"$work/rt.conf" <<CONF
DEFAULT { enabled_backends = "rt:file" }
glance_store { default_backend = rt }
rt { filesystem_store_datadir = "$data" }
CONF
head -c 300000 /dev/urandom >"$work/image.raw"
(cd "$work" && stowage --config "$work/rt.conf" add "$work/image.raw") >"$work/add.json" \
  || fail "stowage add failed: $(cat "$work/add.json")"
location=$(sed -n 's/.*"location" *: *"\([^"]*\)".*/\1/p' "$work/add.json")
[ -n "$location" ] || fail "stowage add printed no location: $(cat "$work/add.json")"
stowage --config "$work/rt.conf" get "$location" -o "$work/back.raw" || fail "stowage get $location failed"
cmp "$work/image.raw" "$work/back.raw" || fail "the image read back differs from the one added"

step "nothing written into /usr/share/stowage at run time"
changed=$(find /usr/share/stowage -newer "$stamp" | head -5)
[ -z "$changed" ] || fail "written into the installation at run time: $changed"

step "dpkg --purge stowage"
dpkg --purge stowage >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge failed"; }
left=()
for f in /usr/share/stowage /etc/stowage /usr/bin/stowage /lib/systemd/system/stowage-gc.service \
         /lib/systemd/system/stowage-gc.timer /etc/systemd/system/stowage-gc.service.d \
         /etc/systemd/system/timers.target.wants/stowage-gc.timer /usr/share/bash-completion/completions/stowage \
         /usr/share/zsh/vendor-completions/_stowage /usr/share/doc/stowage /var/cache/stowage; do
  if [ -e "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
done
for f in /usr/share/man/man1/stowage*; do left+=("$f"); done
[ ${#left[@]} = 0 ] || fail "dpkg --purge left: ${left[*]}"
dpkg -s stowage >/dev/null 2>&1 && fail "dpkg still knows stowage after the purge"
[ -n "$(ls -A "$data" 2>/dev/null)" ] || fail "the purge removed the round trip's data directory $data"
loc_path=${location#file://}
[ -f "$loc_path" ] || fail "the purge removed the image $loc_path"
step "ok: installed, tried, purged; the data remains ($data)"
