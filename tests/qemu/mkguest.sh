#!/bin/bash
# Builds (once, cached) the test guest: Debian's kernel and a busybox initramfs that loads the
# virtio-net modules, configures eth0 from the kernel command line and pings a peer.
#   tests/qemu/mkguest.sh            prints the cache dir holding vmlinuz and initrd.gz
# Cache: $WEFT_QEMU_CACHE, default /var/cache/weft-qemu (shared by every QEMU test; a lock
# serializes builders). The cache is rebuilt when this script or guest-init changes.
# Needs: apt-get (downloads linux-image-<version>-amd64, not installed), busybox-static, cpio, kmod.
#
# Guest kernel command line (read by guest-init): weft.ip=A.B.C.D/NN weft.peer=A.B.C.D
# [weft.tries=N] [weft.count=N]. Console markers: WEFT_GUEST_NET_UP, WEFT_PING_OK, WEFT_PING_FAIL.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${WEFT_QEMU_CACHE:-/var/cache/weft-qemu}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 600 9 || { echo "mkguest: cannot lock $CACHE/.lock" >&2; exit 1; }

# The kernel package linux-image-amd64 depends on (empty if apt knows none: use the cache).
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
KEY=$( (cat "$0" "$HERE/guest-init"; echo "$KPKG") | sha256sum | cut -c1-16)
if [ -z "$KPKG" ] && [ -f "$CACHE/vmlinuz" ] && [ -f "$CACHE/initrd.gz" ]; then
	echo "mkguest: apt knows no linux-image-amd64; using the cached guest" >&2
	echo "$CACHE"
	exit 0
fi
if [ -f "$CACHE/vmlinuz" ] && [ -f "$CACHE/initrd.gz" ] && [ "$(cat "$CACHE/key" 2>/dev/null)" = "$KEY" ]; then
	echo "$CACHE"
	exit 0
fi
for p in busybox-static cpio; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		{ echo "mkguest: package $p missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

WORK=$(mktemp -d "$CACHE/build.XXXXXX")
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# 1. Kernel package, downloaded once (kept in the cache; older ones removed).
[ -n "$KPKG" ] || { echo "mkguest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
DEB=$(ls "$CACHE"/"$KPKG"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$DEB" ]; then
	mkdir -p "$WORK/dl"
	chown _apt "$WORK/dl" 2>/dev/null || true # apt drops privileges to _apt for downloads
	(cd "$WORK/dl" && apt-get download -qq "$KPKG") ||
		{ echo "mkguest: apt-get download $KPKG failed" >&2; exit 1; }
	find "$CACHE" -maxdepth 1 -name 'linux-image-*.deb' -delete
	mv "$WORK"/dl/"$KPKG"_*.deb "$CACHE/"
	DEB=$(ls "$CACHE"/"$KPKG"_*.deb | head -n1)
fi
dpkg-deb -x "$DEB" "$WORK/k"
KVER=$(ls "$WORK/k/lib/modules" | head -n1)
MODDIR=$WORK/k/lib/modules/$KVER
depmod -b "$WORK/k" "$KVER" # the package ships no modules.dep (made at install time)

# 2. Modules virtio_net and virtio_pci need, in load order (dependencies first), from modules.dep.
order=()
add_mod() { # path relative to $MODDIR, e.g. kernel/drivers/net/virtio_net.ko
	local m=$1 d
	for d in $(awk -v m="$m:" '$1 == m {for (i = 2; i <= NF; i++) print $i}' "$MODDIR/modules.dep"); do
		add_mod "$d"
	done
	[[ " ${order[*]} " == *" $m "* ]] || order+=("$m")
}
for want in virtio_pci virtio_net; do
	m=$(awk -F: -v w="/$want.ko" 'index($1, w) {print $1; exit}' "$MODDIR/modules.dep")
	if [ -z "$m" ]; then # built in: nothing to load
		grep -q "/$want.ko" "$MODDIR/modules.builtin" ||
			{ echo "mkguest: $want neither module nor built in" >&2; exit 1; }
		continue
	fi
	add_mod "$m"
done

# 3. Initramfs: static busybox, the modules (decompressed), the init script.
R=$WORK/root
mkdir -p "$R"/{bin,dev,proc,sys,lib/modules}
cp /bin/busybox "$R/bin/busybox"
: >"$R/lib/modules/load-order"
for m in "${order[@]}"; do
	b=$(basename "$m")
	case $b in
	*.ko.xz) xz -dc "$MODDIR/$m" >"$R/lib/modules/${b%.xz}"; b=${b%.xz} ;;
	*.ko.zst) zstd -qdc "$MODDIR/$m" >"$R/lib/modules/${b%.zst}"; b=${b%.zst} ;;
	*) cp "$MODDIR/$m" "$R/lib/modules/$b" ;;
	esac
	echo "$b" >>"$R/lib/modules/load-order"
done
install -m 0755 "$HERE/guest-init" "$R/init"
(cd "$R" && find . | cpio -o -H newc --owner=0:0 --quiet | gzip -1) >"$WORK/initrd.gz"
cp "$WORK/k/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
mv -f "$WORK/vmlinuz" "$WORK/initrd.gz" "$CACHE/"
echo "$KEY" >"$CACHE/key"
echo "mkguest: built $CACHE (kernel $KVER, modules: $(tr '\n' ' ' <"$R/lib/modules/load-order"))" >&2
echo "$CACHE"
