#!/bin/bash
# The integrity-audit benchmark (issue 14): StoreAudit in-process (AuditBench) on real Glance databases
# (schema by glance-manage db_sync: SQLite, and a private PostgreSQL from Debian's packages on loopback):
#  1. metadata audit of COUNT (10,000) images of 1-4 KiB in a file store on disk (ext4 under BENCH_WORK),
#     10 of them with their data removed (missing) and 10 files no row names (orphans): RUNS audits in one
#     JVM (with the listing alone and the database pass alone beside each), then ONCE fresh JVMs with
#     bin/stowage's JVM options, each one audit (a command line's cost); the listing alone at LIST_PAGES;
#  2. the same on the local Cinder (/work/shared/openstack): CINDER_COUNT small image-volumes, audited at
#     inventory pages of CINDER_PAGES, remote calls counted; every volume is deleted at the end;
#  3. --deep: DEEP_COUNT x DEEP_MIB MiB on the disk file store, deep audit with 1 and 2 workers against
#     Stowage.add of the same bytes and the 2-thread md5+sha512 limit in memory, alternated, DEEP_ROUNDS
#     rounds after a warm-up round; then ORDER_ROUNDS rounds of deep2, add, add, deep2 (the add after a deep
#     audit against the add after an add: the order effect).
# JSON lines go to $BENCH_WORK/audit.jsonl; audit_report.py writes the `audit` section of docs/benchmarks.md.
# /tmp/bench-running exists while it runs (others then run no live Cinder tests).
#
# usage: benchmarks/harness/audit.sh [--no-build] [--no-update]   (as root: PostgreSQL runs as user postgres)
# env: BENCH_WORK (default /var/tmp/stowage-bench-audit), COUNT=10000, MIN_BYTES=1024, MAX_BYTES=4096, RUNS=5,
#      ONCE=3, PAGE=1000, LIST_PAGES=100,1000,10000, BATCH=500, CINDER_COUNT=40, CINDER_PAGES=10,1000, CINDER_RUNS=3, DEEP_COUNT=8,
#      DEEP_MIB=128, DEEP_ROUNDS=5, ORDER_ROUNDS=3, SKIP_PG=0, SKIP_CINDER=0, SKIP_DEEP=0, SKIP_META=0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
build=1; update=1
for a in "$@"; do case "$a" in --no-build) build=0 ;; --no-update) update=0 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
work=${BENCH_WORK:-/var/tmp/stowage-bench-audit}
count=${COUNT:-10000}; min=${MIN_BYTES:-1024}; max=${MAX_BYTES:-4096}; runs=${RUNS:-5}; once=${ONCE:-3}
page=${PAGE:-1000}; batch=${BATCH:-500}; list_pages=${LIST_PAGES:-100,1000,10000}
cinder_count=${CINDER_COUNT:-40}; cinder_pages=${CINDER_PAGES:-10,1000}; cinder_runs=${CINDER_RUNS:-3}
deep_count=${DEEP_COUNT:-8}; deep_mib=${DEEP_MIB:-128}; deep_rounds=${DEEP_ROUNDS:-5}; order_rounds=${ORDER_ROUNDS:-3}
[ $build = 1 ] && (cd "$root" && mvn -B -o -q -pl benchmarks -am package -DskipTests >/dev/null)
rm -rf "$work"; mkdir -p "$work"
out=$work/audit.jsonl
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
cli_jvm="-XX:+UseSerialGC -Xss512k -XX:MaxRAM=1g"     # bin/stowage's
engine=-
java_bench() { java $jvm -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.stowage.benchmarks.AuditBench "$@"; }
bench() { java_bench "$@" | sed -u "s/^{/{\"engine\":\"$engine\",/" | tee -a "$out"; }
note() { echo "$1" | tee -a "$out"; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pg_port=55441
cleanup() {
  [ -n "$pg_bin" ] && [ -f "$work/pg/postmaster.pid" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -f /tmp/bench-running
}
trap cleanup EXIT
touch /tmp/bench-running

# Glance schemas
printf '[database]\nconnection = sqlite:///%s/glance.sqlite\n' "$work" >"$work/sqlite.conf"
glance-manage --config-file "$work/sqlite.conf" db_sync >"$work/db_sync_sqlite.log" 2>&1
sqlite_url="jdbc:sqlite:$work/glance.sqlite"
pg=0
if [ "${SKIP_PG:-0}" != 1 ] && [ -n "$pg_bin" ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$work/pg" && chown postgres "$work/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -A trust >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=on" -l "$work/pg/log" -w start >/dev/null
  runuser -u postgres -- psql -h 127.0.0.1 -p $pg_port -q -c "CREATE USER glance PASSWORD 'glance'" -c "CREATE DATABASE glance OWNER glance" postgres
  printf '[database]\nconnection = postgresql://glance:glance@127.0.0.1:%s/glance\n' $pg_port >"$work/pg.conf"
  glance-manage --config-file "$work/pg.conf" db_sync >"$work/db_sync_pg.log" 2>&1
  pg=1
fi
pg_url="jdbc:postgresql://127.0.0.1:$pg_port/glance"

reserved="[os_glance_staging_store]
filesystem_store_datadir = $work/staging
[os_glance_tasks_store]
filesystem_store_datadir = $work/tasks"
printf '[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = a\n[a]\nfilesystem_store_datadir = %s/a\n[b]\nfilesystem_store_datadir = %s/b\n%s\n' \
  "$work" "$work" "$reserved" >"$work/file.conf"
cat >"$work/cinder.conf" <<CONF
[DEFAULT]
enabled_backends = c:cinder
[glance_store]
default_backend = c
[c]
cinder_catalog_info = volumev3:cinderv3:publicURL
cinder_store_auth_address = http://127.0.0.1:5000/v3
cinder_store_user_name = glance
cinder_store_password = glance
cinder_store_project_name = service
cinder_os_region_name = RegionOne
cinder_volume_type = glance-fast
cinder_mount_point_base = /var/lib/os-cinder-test/mnt
$reserved
CONF

note "{\"step\":\"machine\",\"date\":\"$(date -u +%FT%TZ)\",\"nproc\":$(nproc),\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\",\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"fs\":\"$(df -T "$work" | awk 'NR==2{print $2" on "$1}')\",\"sqlite_glance_manage\":\"$(dpkg-query -W -f='${Version}' glance-common 2>/dev/null)\",\"pg\":\"$([ $pg = 1 ] && "$pg_bin/postgres" --version | awk '{print $3}')\"}"

meta() { # engine url user password glance-conf
  engine=$1
  jvm=$cli_jvm bench meta "$work/file.conf" "$2" "$3" "$4" a "$count" "$min" "$max" "$runs" "$page" "$batch"
  for i in $(seq 1 "$once"); do
    sync; t0=$(date +%s.%N)
    line=$(jvm=$cli_jvm java_bench once "$work/file.conf" "$2" "$3" "$4" a "$page" "$batch" | tail -1)
    t1=$(date +%s.%N)
    note "$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); d['engine']=sys.argv[2]; d['process_seconds']=round($t1-$t0,3); print(json.dumps(d))" "$line" "$1")"
  done
  [ "$1" = sqlite ] && jvm=$cli_jvm bench list "$work/file.conf" a "$list_pages" 3
  glance_read "$1" "$5"
  rm -rf "$work/a" "$work/b"
}
glance_read() { # engine conf: Glance's own DB API reads 20 of the seeded images back (checks the row formats)
  note "$(/usr/bin/python3 - "$2" "$1" 2>>"$work/glance_read.log" <<'PY'
import json, sys
from oslo_config import cfg
cfg.CONF(['--config-file', sys.argv[1]], project='glance')
from glance.db.sqlalchemy import api
from glance import context
ctx = context.get_admin_context()
s = api.get_session()
ids = [r[0] for r in s.execute(api.sa_sql.text("SELECT id FROM images WHERE deleted = :f ORDER BY id LIMIT 20"), {"f": False})]
ok = 0
for i in ids:
    img = api.image_get(ctx, i)
    ok += img['status'] == 'active' and len(img['locations']) == 1 and img['locations'][0]['metadata'] == {'store': 'a'}
print(json.dumps({"step": "glance-read", "engine": sys.argv[2], "read": len(ids), "ok": ok}))
PY
)"
}
if [ "${SKIP_META:-0}" != 1 ]; then
  meta sqlite "$sqlite_url" "" "" "$work/sqlite.conf"
  if [ $pg = 1 ]; then meta postgresql "$pg_url" glance glance "$work/pg.conf"; fi
fi
if [ "${SKIP_CINDER:-0}" != 1 ]; then
  engine=sqlite
  if curl -s -o /dev/null --max-time 3 http://127.0.0.1:8776/; then
    jvm=$cli_jvm bench cinder "$work/cinder.conf" "$sqlite_url" "" "" c "$cinder_count" "$cinder_pages" "$cinder_runs"
  else
    note '{"step":"cinder-skipped","why":"Cinder is not reachable on 127.0.0.1:8776 (sudo /work/shared/openstack/start-cinder.sh)"}'
  fi
fi
if [ "${SKIP_DEEP:-0}" != 1 ]; then
  engine=sqlite
  jvm="-XX:+UseSerialGC -Xss512k -Xmx1g" bench deep "$work/file.conf" "$sqlite_url" "" "" a b "$deep_count" "$deep_mib" "$deep_rounds"
  rm -rf "$work/a" "$work/b"
  # does the add's rate depend on what ran just before it? the same order in every round: deep2, add, add, deep2
  if [ "$order_rounds" -gt 0 ]; then
    jvm="-XX:+UseSerialGC -Xss512k -Xmx1g" java_bench deep "$work/file.conf" "$sqlite_url" "" "" a b "$deep_count" "$deep_mib" \
        "$order_rounds" deep2,add,add,deep2 | sed -u 's/"step":"deep/"step":"order-deep/' | tee -a "$out"
    rm -rf "$work/a" "$work/b"
  fi
fi
note "{\"step\":\"end\",\"date\":\"$(date -u +%FT%TZ)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
rm -f /tmp/bench-running
section=$work/audit-section.md
python3 "$here/audit_report.py" "$out" >"$section"
cat "$section"
[ $update = 1 ] && python3 "$here/update_results.py" audit "$section"
true
