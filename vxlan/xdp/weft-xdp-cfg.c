/* weft-xdp-cfg: sets or shows the configuration of weft's XDP program (weft_xdp.bpf.c) on one
 * interface of the current network namespace.
 *
 *   weft-xdp-cfg IFACE set TUNNEL-IP [UDP-PORT]   redirect ARP/ICMP/UDP-to-PORT for TUNNEL-IP
 *                                                (UDP-PORT default 4789) to the AF_XDP socket
 *   weft-xdp-cfg IFACE clear                     pass every frame to the kernel again
 *   weft-xdp-cfg IFACE show                      prints "ip=A.B.C.D port=N pass=N redirect=N
 *                                                no_socket=N"
 *   weft-xdp-cfg IFACE detach                    removes weft's program from IFACE (and only
 *                                                weft's): after weft was killed (SIGKILL), the
 *                                                program stays and the PMD cannot attach anew
 *
 * The program is found as the XDP program attached to IFACE (native, generic or offloaded);
 * its map "weft_xdp_cfg" is found among the maps the program uses. Exit status: 0, 1 on a
 * runtime error (no such interface, no weft program attached), 2 on bad usage. Needs
 * CAP_SYS_ADMIN (or CAP_BPF + CAP_NET_ADMIN). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "weft_xdp.h"

static int usage(void)
{
	fprintf(stderr, "usage: weft-xdp-cfg IFACE set TUNNEL-IP [UDP-PORT]\n"
	                "       weft-xdp-cfg IFACE clear\n"
	                "       weft-xdp-cfg IFACE show\n"
	                "       weft-xdp-cfg IFACE detach\n");
	return 2;
}

/* Returns an fd of the map named 'name' used by the XDP program on 'ifindex', or -errno. When
 * 'prog_fd' is not NULL, it also returns an fd of that program there (the caller closes it) and
 * the attach mode in '*mode'. */
static int find_map(int ifindex, const char *name, int *prog_fd, __u32 *mode)
{
	static const __u32 modes[] = {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_HW_MODE};
	__u32 prog_id = 0, map_ids[64], found_mode = 0;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int pfd, ret = -ENOENT;

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]) && !prog_id; i++) {
		if (bpf_xdp_query_id(ifindex, (int)modes[i], &prog_id) < 0)
			prog_id = 0;
		found_mode = modes[i];
	}
	if (!prog_id)
		return -ENOENT;
	if ((pfd = bpf_prog_get_fd_by_id(prog_id)) < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(pfd, &info, &len) < 0) {
		ret = -errno;
		close(pfd);
		return ret;
	}
	for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);
		if (mfd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(mfd, &mi, &mlen) == 0 && strcmp(mi.name, name) == 0) {
			if (prog_fd) {
				*prog_fd = pfd;
				*mode = found_mode;
			} else {
				close(pfd);
			}
			return mfd;
		}
		close(mfd);
	}
	close(pfd);
	return ret;
}

/* Detaches the program 'pfd' (attached in 'mode') from 'ifindex', only if it is still the one
 * attached there. */
static int detach(int ifindex, int pfd, __u32 mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = pfd);
	int ret = bpf_xdp_detach(ifindex, mode | XDP_FLAGS_REPLACE, &opts);
	return ret < 0 ? ret : 0;
}

static int show(int cfd, int sfd)
{
	struct weft_xdp_cfg c;
	__u64 sum[WEFT_XDP_N_STATS] = {0};
	__u32 k = 0;
	char ip[INET_ADDRSTRLEN];
	int ncpu = libbpf_num_possible_cpus();

	if (bpf_map_lookup_elem(cfd, &k, &c) < 0)
		return -errno;
	if (sfd >= 0 && ncpu > 0) {
		__u64 *v = calloc((size_t)ncpu, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (k = 0; k < WEFT_XDP_N_STATS; k++)
			if (bpf_map_lookup_elem(sfd, &k, v) == 0)
				for (int c2 = 0; c2 < ncpu; c2++)
					sum[k] += v[c2];
		free(v);
	}
	inet_ntop(AF_INET, &c.ip, ip, sizeof(ip));
	printf("ip=%s port=%u pass=%llu redirect=%llu no_socket=%llu\n", ip, ntohs(c.udp_port),
	       (unsigned long long)sum[WEFT_XDP_PASS], (unsigned long long)sum[WEFT_XDP_REDIRECT],
	       (unsigned long long)sum[WEFT_XDP_NO_SOCKET]);
	return 0;
}

int main(int argc, char **argv)
{
	struct weft_xdp_cfg c;
	__u32 k = 0;
	int ifindex, cfd, sfd, ret = 0;

	if (argc < 3)
		return usage();
	memset(&c, 0, sizeof(c));
	if (strcmp(argv[2], "set") == 0) {
		struct in_addr a;
		char *e;
		unsigned long port = 4789;
		if (argc < 4 || argc > 5)
			return usage();
		if (inet_pton(AF_INET, argv[3], &a) != 1 || a.s_addr == 0) {
			fprintf(stderr, "weft-xdp-cfg: bad tunnel address '%s' (A.B.C.D, not 0)\n",
			        argv[3]);
			return 2;
		}
		if (argc == 5) {
			errno = 0;
			port = strtoul(argv[4], &e, 10);
			if (errno || *e || e == argv[4] || port < 1 || port > 65535) {
				fprintf(stderr, "weft-xdp-cfg: bad UDP port '%s' (1..65535)\n",
				        argv[4]);
				return 2;
			}
		}
		c.ip = a.s_addr;
		c.udp_port = htons((unsigned short)port);
	} else if (strcmp(argv[2], "clear") != 0 && strcmp(argv[2], "show") != 0 &&
	           strcmp(argv[2], "detach") != 0) {
		return usage();
	} else if (argc != 3) {
		return usage();
	}

	if ((ifindex = (int)if_nametoindex(argv[1])) == 0) {
		fprintf(stderr, "weft-xdp-cfg: no interface '%s' in this namespace\n", argv[1]);
		return 1;
	}
	int pfd = -1;
	__u32 mode = 0;
	if ((cfd = find_map(ifindex, WEFT_XDP_CFG_MAP, &pfd, &mode)) < 0) {
		fprintf(stderr, "weft-xdp-cfg: no weft XDP program (map %s) on %s: %s\n",
		        WEFT_XDP_CFG_MAP, argv[1], strerror(-cfd));
		return 1;
	}
	if (strcmp(argv[2], "detach") == 0) {
		ret = detach(ifindex, pfd, mode);
	} else if (strcmp(argv[2], "show") == 0) {
		sfd = find_map(ifindex, WEFT_XDP_STATS_MAP, NULL, NULL);
		ret = show(cfd, sfd);
		if (sfd >= 0)
			close(sfd);
	} else if (bpf_map_update_elem(cfd, &k, &c, BPF_ANY) < 0) {
		ret = -errno;
	}
	close(cfd);
	close(pfd);
	if (ret < 0) {
		fprintf(stderr, "weft-xdp-cfg: %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	return 0;
}
