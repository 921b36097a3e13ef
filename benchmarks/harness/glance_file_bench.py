#!/usr/bin/python3
"""The Python twin of org.stowage.benchmarks.Bench on the real glance_store file store.

usage:
  glance_file_bench.py add     --store DIR --src FILE [--size N] [--id ID]
  glance_file_bench.py get     --store DIR --location URI [--verify] [--out FILE]
  glance_file_bench.py small   --store DIR [--count 1000] [--rounds 5]
  glance_file_bench.py startup --store DIR

Multi-store setup: enabled_backends = fast:file, slow:file,
default_backend = fast, [fast]/[slow] filesystem_store_datadir = DIR and DIR/slow (the same INI
the Java Bench builds). Prints one JSON line with the Java side's field names: wall_s and cpu_s
cover the operation only (open(src) to add's return; get() to the last chunk), startup_s covers
import + config + create_multi_stores + verify_store. Must run with /usr/bin/python3 (the distro
glance_store 4.1.0).
"""
import hashlib
import io
import json
import os
import sys
import tempfile
import time
import uuid

T_START = time.perf_counter()
from oslo_config import cfg  # noqa: E402
from glance_store import multi_backend  # noqa: E402


def ini_text(store):
    store = os.path.abspath(store)
    return ("[DEFAULT]\nenabled_backends = fast:file, slow:file\n\n[glance_store]\ndefault_backend = fast\n\n"
            "[fast]\nfilesystem_store_datadir = %s\n\n[slow]\nfilesystem_store_datadir = %s\n"
            % (store, os.path.join(store, "slow")))


def open_stores(store):
    conf = cfg.CONF
    conf.register_opt(cfg.DictOpt('enabled_backends'))
    with tempfile.NamedTemporaryFile('w', suffix='.ini', delete=False) as f:
        f.write(ini_text(store))
        ini = f.name
    try:
        conf(args=[], default_config_files=[ini])
        multi_backend.register_store_opts(conf)
        conf(args=[], default_config_files=[ini])
        multi_backend.create_multi_stores(conf)
        multi_backend.verify_store()
    finally:
        os.unlink(ini)
    return multi_backend.get_store_from_store_identifier('fast')


def parse(argv):
    o = {}
    i = 0
    while i < len(argv):
        k = argv[i]
        if k == '--verify':
            o['verify'] = True
            i += 1
        else:
            o[k[2:]] = argv[i + 1]
            i += 2
    return o


def main():
    op = sys.argv[1]
    o = parse(sys.argv[2:])
    out = {"impl": "glance_store", "op": op}
    store = open_stores(o['store'])
    out["startup_s"] = time.perf_counter() - T_START
    if op == 'add':
        src = o['src']
        size = int(o.get('size', os.path.getsize(src)))
        image_id = o.get('id', str(uuid.uuid4()))
        c0 = time.process_time()
        t0 = time.perf_counter()
        with open(src, 'rb') as f:
            loc, n, md5hex, multihash, meta = store.add(image_id, f, size, hashing_algo='sha512')
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        out.update(size=n, wall_s=wall, cpu_s=cpu, mib_s=n / 1048576.0 / wall, md5=md5hex, sha512=multihash,
                   location=loc)
    elif op == 'get':
        verify = o.get('verify', False)
        md5 = hashlib.md5() if verify else None
        sha = hashlib.sha512() if verify else None
        c0 = time.process_time()
        t0 = time.perf_counter()
        data, size = multi_backend.get(o['location'], 'fast')
        n = 0
        sink = open(o['out'], 'wb') if 'out' in o else None  # a download to a file, as `stowage get -o`
        for chunk in data:
            n += len(chunk)
            if sink:
                sink.write(chunk)
            if verify:
                md5.update(chunk)
                sha.update(chunk)
        if sink:
            sink.close()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        if n != size:
            print("size mismatch: reported %d, read %d" % (size, n), file=sys.stderr)
            sys.exit(1)
        out.update(size=n, wall_s=wall, cpu_s=cpu, mib_s=n / 1048576.0 / wall, verified=bool(verify))
        if verify:
            out.update(md5=md5.hexdigest(), sha512=sha.hexdigest())
    elif op == 'small':
        count = int(o.get('count', 1000))
        rounds = int(o.get('rounds', 5))
        size = int(o.get('size', 4096))
        data = os.urandom(size)
        raw_dir = os.path.join(o['store'], 'raw')
        os.makedirs(raw_dir, exist_ok=True)
        add_us, raw_us = [], []
        for _ in range(rounds):
            ids = [str(uuid.uuid4()) for _ in range(count)]
            t0 = time.perf_counter()
            for i in ids:
                store.add(i, io.BytesIO(data), size, hashing_algo='sha512')
            add_us.append((time.perf_counter() - t0) * 1e6 / count)
            for i in ids:
                os.unlink(os.path.join(o['store'], i))
            t1 = time.perf_counter()
            for i in ids:
                m = hashlib.md5()
                s = hashlib.sha512()
                with open(os.path.join(raw_dir, i), 'xb') as f:
                    m.update(data)
                    s.update(data)
                    f.write(data)
                m.hexdigest()
                s.hexdigest()
            raw_us.append((time.perf_counter() - t1) * 1e6 / count)
            for i in ids:
                os.unlink(os.path.join(raw_dir, i))
        out.update(count=count, size=size, add_us=add_us, raw_us=raw_us)
    elif op == 'startup':
        out["stores"] = sorted(multi_backend.get_known_stores()) if hasattr(multi_backend, 'get_known_stores') else []
    else:
        raise SystemExit("unknown operation " + op)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
