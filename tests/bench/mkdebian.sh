#!/usr/bin/env bash
# mkdebian.sh DIR — a 3-layer Debian 12 (minbase) image as an OCI layout in
# DIR, made once with mmdebstrap (from the configured apt mirror) and kept:
# a DIR holding an image is left as it is. The rootfs is split into three
# gzip layers by path (usr/, then var/ and etc/, then the rest), like a
# base image and two more. ROOTFS_TAR=FILE uses that rootfs tar instead of
# running mmdebstrap.
set -euo pipefail
out=$1
[ -f "$out/index.json" ] && exit 0
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "${ROOTFS_TAR:-}" ]; then
	ln -s "$(readlink -f "$ROOTFS_TAR")" "$tmp/rootfs.tar"
else
	command -v mmdebstrap >/dev/null || { echo "mkdebian: mmdebstrap not installed (apt-get install mmdebstrap)" >&2; exit 1; }
	mmdebstrap --variant=minbase --mode=root --quiet bookworm "$tmp/rootfs.tar"
fi
python3 - "$tmp/rootfs.tar" "$tmp/oci" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
src, out = sys.argv[1:]
def layer_of(name):
    n = name.lstrip("./")
    if n.startswith("usr/") or n == "usr": return 0
    if n.split("/")[0] in ("var", "etc"): return 1
    return 2
bufs = [io.BytesIO() for _ in range(3)]
tws = [tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) for b in bufs]
with tarfile.open(src) as t:
    for m in t:
        i = layer_of(m.name)
        tws[i].addfile(m, t.extractfile(m) if m.isreg() else None)
for tw in tws: tw.close()
os.makedirs(out + "/blobs/sha256")
def blob(b, mt):
    d = hashlib.sha256(b).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(b)
    return {"mediaType": mt, "digest": "sha256:" + d, "size": len(b)}
raws = [b.getvalue() for b in bufs]
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["bash"]},
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(r).hexdigest() for r in raws]}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": blob(cfg, "application/vnd.oci.image.config.v1+json"),
                  "layers": [blob(gzip.compress(r, 6, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip") for r in raws]}).encode()
md = blob(man, "application/vnd.oci.image.manifest.v1+json")
md["annotations"] = {"org.opencontainers.image.ref.name": "3"}
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(out + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [md]}))
PY
mv "$tmp/oci" "$out"
