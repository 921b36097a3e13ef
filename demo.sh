#!/usr/bin/env bash
# The main job on the embedded default (two file stores under ${XDG_DATA_HOME:-~/.local/share}/stowage, no
# OpenStack needed): build, store a file in 'fast', list the stores, read the image back, check it.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x distribution/target/stowage/bin/stowage ] || [ "${REBUILD:-1}" = 1 ]; then
  echo "== building (mvn -B -q install -DskipTests)" >&2
  mvn -B -q install -DskipTests
fi
S=distribution/target/stowage/bin/stowage
SRC=$(mktemp); OUT=$(mktemp); trap 'rm -f "$SRC" "$OUT"' EXIT
head -c $((16 * 1024 * 1024 + 123)) /dev/urandom > "$SRC"
echo "== stowage add $SRC   (16 MiB of random data, into the default store 'fast')"
"$S" add "$SRC" | tee "$OUT.json"
LOCATION=$(sed -E 's/.*"location":"([^"]*)".*/\1/' "$OUT.json")
echo "== stowage stores"
"$S" stores
echo "== stowage get $LOCATION"
"$S" get "$LOCATION" -o "$OUT"
cmp "$SRC" "$OUT" && echo "bytes identical"
grep -q "\"checksum\":\"$(md5sum < "$SRC" | cut -d' ' -f1)\"" "$OUT.json" && echo "checksum = md5sum"
grep -q "\"multihash\":\"$(sha512sum < "$SRC" | cut -d' ' -f1)\"" "$OUT.json" && echo "multihash = sha512sum"
echo "== stowage size / delete"
"$S" size "$LOCATION"
"$S" delete "$LOCATION"
rm -f "$OUT.json"
echo "OK"
