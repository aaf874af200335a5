#!/bin/bash
# Installs every Debian package weft's build, tests and lab need (only what is missing).
# Idempotent; run as root. Used by scripts/test.sh, scripts/lab.sh and bench/run.
set -euo pipefail
PKGS=(
  build-essential meson ninja-build pkg-config clang llvm libclang-rt-14-dev
  dpdk dpdk-dev librte-net-vhost23 librte-net-virtio23 librte-net-pcap23 librte-net-af-packet23
  librte-net-af-xdp23 librte-net-tap23 librte-net-null23 librte-net-ring23
  libpcap-dev libbpf-dev libxdp-dev libcmocka-dev libjansson-dev
  python3 python3-scapy tshark tcpdump
  qemu-system-x86 busybox-static cpio iputils-ping iproute2 iperf3
  openvswitch-common openvswitch-switch openvswitch-switch-dpdk openvswitch-vtep
  ovn-central ovn-host ovn-controller-vtep
  bc gnuplot-nox procps psmisc ethtool kmod
  strace cppcheck
)
need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: missing packages (${need[*]}); run as root" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: installing ${need[*]}" >&2
apt-get -o DPkg::Lock::Timeout=900 update -qq
# tshark asks whether non-root users may capture: answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The openvswitch-switch and OVN services are not ours to run: tests start private instances.
if command -v systemctl >/dev/null 2>&1; then
  systemctl stop openvswitch-switch ovs-vswitchd ovsdb-server ovn-central ovn-northd \
    ovn-ovsdb-server-nb ovn-ovsdb-server-sb ovn-controller-vtep ovn-host ovn-controller >/dev/null 2>&1 || true
fi
