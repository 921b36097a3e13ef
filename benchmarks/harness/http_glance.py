#!/usr/bin/python3
"""Full read of an http(s) URL through the real glance_store http store (multi-store mode).

usage: http_glance.py URL [--hash]
Prints one line: "glance_store bytes=N seconds=S mibps=M cpu=C [sha256=HEX]".
The timed region is multi_backend.get() plus iterating every chunk (what glance does when it
serves an image); with --hash a second, untimed read computes sha256 to prove identical bytes.
Multi-store setup: enabled_backends = web:http, default_backend = web.
"""
import hashlib
import os
import sys
import tempfile
import time

from oslo_config import cfg
from glance_store import multi_backend


def main():
    url = sys.argv[1]
    want_hash = "--hash" in sys.argv[2:]
    conf = cfg.CONF
    conf.register_opt(cfg.DictOpt('enabled_backends'))
    with tempfile.NamedTemporaryFile('w', suffix='.ini', delete=False) as f:
        f.write("[DEFAULT]\nenabled_backends = web:http\n[glance_store]\ndefault_backend = web\n"
                "[web]\nhttps_insecure = True\n")
        ini = f.name
    try:
        conf(args=[], default_config_files=[ini])
        multi_backend.register_store_opts(conf)
        conf(args=[], default_config_files=[ini])
        multi_backend.create_multi_stores(conf)
        multi_backend.verify_store()
    finally:
        os.unlink(ini)

    c0 = time.process_time()
    t0 = time.perf_counter()
    data, size = multi_backend.get(url, 'web')
    n = 0
    for chunk in data:
        n += len(chunk)
    t = time.perf_counter() - t0
    cpu = time.process_time() - c0
    line = "glance_store bytes=%d seconds=%.4f mibps=%.1f cpu=%.3f" % (n, t, n / t / 1048576, cpu)
    if size != n:
        print("size mismatch: reported %d, read %d" % (size, n), file=sys.stderr)
        sys.exit(1)
    if want_hash:
        h = hashlib.sha256()
        data, size = multi_backend.get(url, 'web')
        for chunk in data:
            h.update(chunk)
        line += " sha256=" + h.hexdigest()
    print(line)


if __name__ == '__main__':
    main()
