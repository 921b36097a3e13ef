#!/bin/bash
# The store-drain benchmark: `stowage stores drain` (in-process, DrainBench) on a real Glance database
# (a private PostgreSQL from Debian's packages on loopback, schema by glance-manage db_sync), between two
# file stores on the same disk and from a cinder store (the local Cinder of /work/shared/openstack) to a
# file store, with 1 and 4 workers; and the yardsticks: `stowage get L | stowage add --store b -` of the
# same 1 GiB image (whole process, as an operator would move one image) and a plain Stowage.copy of the
# 16 MiB images (the data time without the drain's bookkeeping). Prints JSON lines; the coordinator
# writes the table in docs/benchmarks.md from them.
#
# usage: benchmarks/harness/drain.sh [--no-build]   (as root: it runs PostgreSQL as user postgres)
# env: BENCH_WORK (default /var/tmp/stowage-bench-drain), SMALL_COUNT=200, SMALL_MIB=16, BIG_COUNT=4,
#      BIG_MIB=1024, CINDER_SMALL=20, CINDER_BIG=1, SKIP_SMALL=0, SKIP_CINDER=0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
[ "${1:-}" = --no-build ] || (cd "$root" && mvn -B -o -q -pl benchmarks,distribution -am package -DskipTests >/dev/null)
work=${BENCH_WORK:-/var/tmp/stowage-bench-drain}
small=${SMALL_COUNT:-200}; small_mib=${SMALL_MIB:-16}; big=${BIG_COUNT:-4}; big_mib=${BIG_MIB:-1024}
cinder_small=${CINDER_SMALL:-20}; cinder_big=${CINDER_BIG:-1}
rm -rf "$work"; mkdir -p "$work"
port=55439
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$work/pg" && chown postgres "$work/pg"
runuser -u postgres -- "$bin/initdb" -D "$work/pg" -A trust >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg" -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=on" -l "$work/pg/log" -w start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true' EXIT
runuser -u postgres -- psql -h 127.0.0.1 -p $port -q -c "CREATE USER glance PASSWORD 'glance'" -c "CREATE DATABASE glance OWNER glance" postgres
printf '[database]\nconnection = postgresql://glance:glance@127.0.0.1:%s/glance\n' $port >"$work/manage.conf"
glance-manage --config-file "$work/manage.conf" db_sync >"$work/db_sync.log" 2>&1
url="jdbc:postgresql://127.0.0.1:$port/glance"
cat >"$work/bench.conf" <<CONF
[DEFAULT]
enabled_backends = a:file, b:file, c:cinder
[glance_store]
default_backend = a
[a]
filesystem_store_datadir = $work/a
[b]
filesystem_store_datadir = $work/b
[c]
cinder_catalog_info = volumev3:cinderv3:publicURL
cinder_store_auth_address = http://127.0.0.1:5000/v3
cinder_store_user_name = glance
cinder_store_password = glance
cinder_store_project_name = service
cinder_os_region_name = RegionOne
cinder_volume_type = glance-fast
cinder_mount_point_base = /var/lib/os-cinder-test/mnt
[os_glance_staging_store]
filesystem_store_datadir = $work/staging
[os_glance_tasks_store]
filesystem_store_datadir = $work/tasks
CONF
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
bench() { java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.stowage.benchmarks.DrainBench \
    "$work/bench.conf" "$url" glance glance "$@"; rm -rf "$work/a" "$work/b"; }
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${SKIP_SMALL:-0}" = 1 ] || for w in 1 4; do bench a b "$small" $((small_mib << 20)) $w copy-too; done
for w in 1 4; do bench a b "$big" $((big_mib << 20)) $w; done
# yardstick: one 1 GiB image moved by hand, get | add, whole process, twice, alternating with a 1-image drain
stowage="$root/distribution/target/stowage/bin/stowage"
head -c $((big_mib << 20)) /dev/urandom >"$work/one.bin"
for round in 1 2; do
  id=$(python3 -c 'import uuid; print(uuid.uuid4())')
  loc=$("$stowage" --config "$work/bench.conf" --quiet add --store a --image-id "$id" "$work/one.bin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["location"])')
  t0=$(date +%s.%N)
  "$stowage" --config "$work/bench.conf" --quiet get "$loc" | "$stowage" --config "$work/bench.conf" --quiet add --store b --image-id "$id" - >/dev/null
  t1=$(date +%s.%N)
  python3 -c "import sys; s=$t1-$t0; print('{\"yardstick\":\"get|add\",\"size\":%d,\"seconds\":%.3f,\"mib_per_s\":%.1f}' % ($big_mib<<20, s, $big_mib/s))"
  rm -rf "$work/a" "$work/b"
  bench a b 1 $((big_mib << 20)) 1
done
if [ "${SKIP_CINDER:-0}" != 1 ]; then
  for w in 1 4; do bench c b "$cinder_small" $((small_mib << 20)) $w; done
  [ "$cinder_big" -gt 0 ] && bench c b "$cinder_big" $((big_mib << 20)) 1
fi
echo "# end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
