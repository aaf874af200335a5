/* Shared between the XDP program (weft_xdp.bpf.c) and its configuration tool (weft-xdp-cfg.c).
 *
 * The program's configuration is one entry (key 0) of the BPF array map WEFT_XDP_CFG_MAP. All
 * fields are in network byte order. While 'ip' is 0 (the map as loaded) the program passes
 * every frame to the kernel: a NIC never loses its kernel traffic to an unconfigured VTEP. */
#ifndef WEFT_XDP_H
#define WEFT_XDP_H

#define WEFT_XDP_CFG_MAP   "weft_xdp_cfg"
#define WEFT_XDP_STATS_MAP "weft_xdp_stats"

struct weft_xdp_cfg {
	__u32 ip;       /* the VTEP's tunnel address (big endian); 0: pass everything */
	__u16 udp_port; /* VXLAN UDP destination port (big endian), e.g. htons(4789) */
	__u16 pad;
};

/* Per-CPU counters, index = enum weft_xdp_stat. */
enum weft_xdp_stat {
	WEFT_XDP_PASS,      /* handed to the kernel stack */
	WEFT_XDP_REDIRECT,  /* handed to the AF_XDP socket of the rx queue */
	WEFT_XDP_NO_SOCKET, /* for the VTEP, but no socket on this queue: dropped */
	WEFT_XDP_N_STATS,
};

#endif
