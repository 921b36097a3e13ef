#!/bin/bash
# JMH part of the file-driver benchmark (about 7-9 minutes on 2 vCPUs):
#   DigestBench    MD5 / SHA-512 alone, serial MD5+SHA-512, MD5 || SHA-512 on two threads (64 KiB, 1 MiB updates)
#   PipelineBench  HashingImageInput over 64 MiB in memory, drained to a no-op sink
#   FileAddBench   64 MiB add tmpfs -> tmpfs: Stowage.add, copy without hashing
#   SmallAddBench  one 4 KiB add on tmpfs vs raw create+write+md5+sha512
#   FileGetBench   256 MiB get on tmpfs in 64 KiB / 1 MiB reads vs Files.newInputStream and a direct FileChannel read
# usage: benchmarks/harness/file_jmh.sh OUT.json [extra JMH options, e.g. a benchmark regex]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
out=${1:?usage: file_jmh.sh OUT.json [JMH options]}; shift
java=${BENCH_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
[ -f "$root/benchmarks/target/classpath.txt" ] || (cd "$root" && mvn -B -o -q -pl benchmarks -am package -DskipTests)
cp="$root/benchmarks/target/stowage-benchmarks-0.1.0-SNAPSHOT.jar:$(cat "$root/benchmarks/target/classpath.txt")"
echo "load before: $(cat /proc/loadavg)" >"${out%.json}.load"
"$java" -cp "$cp" org.openjdk.jmh.Main -f "${JMH_FORKS:-2}" -wi "${JMH_WI:-4}" -i "${JMH_I:-4}" -w 1s -r 1s \
  -rf json -rff "$out" "$@" 'org.stowage.benchmarks.*' | tee "${out%.json}.txt"
echo "load after: $(cat /proc/loadavg)" >>"${out%.json}.load"
