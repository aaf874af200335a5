/* weftctl verb table and help text. */
#include <string.h>

#include "verbs.h"

static const struct cli_verb_info verbs[] = {
    {
        .name = "add-br",
        .verb = CLI_CMD_ADD_BR,
        .synopsis = "BR",
        .min_args = 1,
        .max_args = 1,
        .summary = "create bridge BR",
        .help = "Settings for the new bridge may follow as\n"
                "  -- set Bridge BR other_config:KEY=VALUE ...\n"
                "they are sent with the creation request.\n"
                "Keys: mac-aging-time (seconds, 1..86400), mac-table-size (1..4194304);\n"
                "underlay (VTEP) bridges: tunnel-ip=A.B.C.D/N, tunnel-gateway=A.B.C.D,\n"
                "tunnel-mac=MAC, tunnel-mtu=82..9600, tunnel-udp-port, neigh-timeout,\n"
                "vxlan-udp-csum=verify|ignore.\n"
                "With --may-exist (before add-br), an existing bridge BR is not an error;\n"
                "the settings are then applied to it.",
    },
    {
        .name = "del-br",
        .verb = CLI_CMD_DEL_BR,
        .synopsis = "BR",
        .min_args = 1,
        .max_args = 1,
        .summary = "delete bridge BR and all of its ports",
    },
    {
        .name = "add-port",
        .verb = CLI_CMD_ADD_PORT,
        .synopsis = "BR PORT",
        .min_args = 2,
        .max_args = 2,
        .summary = "add port PORT to bridge BR",
        .help = "Settings for the new port may follow; they are sent with the creation\n"
                "request (the type is needed at creation):\n"
                "  -- set Interface PORT type=TYPE options:KEY=VALUE ...\n"
                "  -- set Port PORT tag=N trunks=1,2 vlan_mode=MODE\n"
                "Types: dpdk (options:dpdk-devargs=DEVARGS), dpdkvhostuser,\n"
                "dpdkvhostuserclient (options:vhost-server-path=PATH), system (the Linux\n"
                "interface named PORT), vxlan,\n"
                "none (replay mode: a pcap replay port).\n"
                "With --may-exist (before add-port), an existing port PORT on BR is not an\n"
                "error (same type required); the other settings are then applied to it.",
    },
    {
        .name = "del-port",
        .verb = CLI_CMD_DEL_PORT,
        .synopsis = "[BR] PORT",
        .min_args = 1,
        .max_args = 2,
        .summary = "delete PORT (from bridge BR, if given)",
    },
    {
        .name = "set",
        .verb = CLI_CMD_SET_PORT,
        .synopsis = "TABLE RECORD COLUMN[:KEY]=VALUE...",
        .min_args = 3,
        .max_args = -1,
        .summary = "set columns of a Port, Interface or Bridge",
        .help = "Tables and columns:\n"
                "  Port PORT       tag=0..4095|[]  trunks=[1,2]|1,2|[]  vlan_mode=MODE|[]\n"
                "                  MODE: access, trunk, native-tagged, native-untagged\n"
                "  Interface PORT  options:KEY=VALUE  (type=TYPE only right after add-port)\n"
                "  Bridge BR       other_config:KEY=VALUE\n"
                "                  mac-aging-time=1..86400, mac-table-size=1..4194304\n"
                "                  tunnel-ip=A.B.C.D/N, tunnel-gateway=A.B.C.D, tunnel-mac=MAC,\n"
                "                  tunnel-mtu=82..9600, tunnel-udp-port=1..65535,\n"
                "                  neigh-timeout=1..86400, vxlan-udp-csum=verify|ignore\n"
                "                  (underlay bridge)\n"
                "  Interface options of type=vxlan: remote_ip, key, dst_port, local_ip, ttl,\n"
                "                  tos, df_default\n"
                "A value of [] clears tag or vlan_mode; trunks=[] allows every VLAN.",
    },
    {
        .name = "show",
        .verb = CLI_CMD_SHOW,
        .synopsis = "",
        .min_args = 0,
        .max_args = 0,
        .has_output = true,
        .summary = "print an overview of bridges and ports",
    },
    {
        .name = "fdb/show",
        .verb = CLI_CMD_FDB_SHOW,
        .synopsis = "BR",
        .min_args = 1,
        .max_args = 1,
        .has_output = true,
        .summary = "print the MAC learning table of bridge BR",
    },
    {
        .name = "fdb/stats-show",
        .verb = CLI_CMD_FDB_STATS,
        .synopsis = "BR",
        .min_args = 1,
        .max_args = 1,
        .has_output = true,
        .summary = "print the MAC table's counters and sizes of bridge BR",
    },
    {
        .name = "fdb/flush",
        .verb = CLI_CMD_FDB_FLUSH,
        .synopsis = "[BR]",
        .min_args = 0,
        .max_args = 1,
        .has_output = true,
        .summary = "flush the MAC table of BR (default: every bridge)",
    },
    {
        .name = "fdb/add",
        .verb = CLI_CMD_FDB_ADD,
        .synopsis = "BR PORT VLAN MAC",
        .min_args = 4,
        .max_args = 4,
        .summary = "add a static MAC table entry",
    },
    {
        .name = "fdb/del",
        .verb = CLI_CMD_FDB_DEL,
        .synopsis = "BR VLAN MAC",
        .min_args = 3,
        .max_args = 3,
        .summary = "delete a MAC table entry",
    },
    {
        .name = "dp/show",
        .verb = CLI_CMD_DP_SHOW,
        .synopsis = "",
        .min_args = 0,
        .max_args = 0,
        .has_output = true,
        .summary = "print the dataplane state (mode, PMD threads, queues)",
    },
    {
        .name = "stats",
        .verb = CLI_CMD_STATS,
        .synopsis = "[--all] [NAME]",
        .min_args = 0,
        .max_args = 1,
        .allow_all = true,
        .has_output = true,
        .summary = "print port, bridge, flow table and PMD counters (NAME: one port or bridge)",
        .help = "Only non-zero port and bridge counters are printed unless --all is given.\n"
                "Then one row per flow table of each bridge (tables holding flows or looked up:\n"
                "flows, masks, lookups, matched, cache_hits of table 0) and, without NAME, one\n"
                "row per PMD (packets, bursts, packets per burst, busy/idle cycles, cycles per\n"
                "packet).",
    },
    {
        .name = "replay/run",
        .verb = CLI_CMD_REPLAY_RUN,
        .synopsis = "",
        .min_args = 0,
        .max_args = 0,
        .has_output = true,
        .summary = "replay mode: process every input frame, flush outputs",
    },
    {
        .name = "tnl/neigh/show",
        .verb = CLI_CMD_TNL_NEIGH_SHOW,
        .synopsis = "[BR]",
        .min_args = 0,
        .max_args = 1,
        .has_output = true,
        .summary = "print the tunnel neighbour (ARP) table (default: every bridge)",
        .help = "Columns: bridge, IP (next hop: remote VTEP or tunnel-gateway), MAC, port\n"
                "(the underlay uplink it is behind), age (seconds since the last ARP seen;\n"
                "static entries do not age) and state (incomplete, reachable or static).",
    },
    {
        .name = "tnl/neigh/set",
        .verb = CLI_CMD_TNL_NEIGH_SET,
        .synopsis = "BR IP MAC [PORT]",
        .min_args = 3,
        .max_args = 4,
        .summary = "add a static tunnel neighbour on underlay bridge BR",
        .help = "IP: unicast IPv4 address A.B.C.D; MAC: unicast xx:xx:xx:xx:xx:xx.\n"
                "PORT: the uplink of BR the neighbour is behind (default: BR's first port).\n"
                "A static entry is neither learned over nor aged; tnl/neigh/flush removes it.",
    },
    {
        .name = "tnl/neigh/flush",
        .verb = CLI_CMD_TNL_NEIGH_FLUSH,
        .synopsis = "[BR]",
        .min_args = 0,
        .max_args = 1,
        .has_output = true,
        .summary = "forget the tunnel neighbours, static too (default: every bridge)",
    },
    {
        .name = "add-flow",
        .verb = CLI_CMD_ADD_FLOW,
        .synopsis = "BR FLOW",
        .min_args = 2,
        .max_args = 2,
        .summary = "add a flow to bridge BR (ovs-ofctl syntax)",
        .help = "FLOW: [table=T,][priority=P,][cookie=C,]MATCH actions=ACTIONS, e.g.\n"
                "  weftctl add-flow br0 'priority=100,ip,nw_dst=10.0.0.0/24 actions=output:p2'\n"
                "Ports by name or OpenFlow number. A flow with the same table, priority and\n"
                "match is replaced. Grammar: flow/README.md. The flow is a row of the\n"
                "database's Flow table (weft-controld programs it), or, with --direct, goes\n"
                "straight to the dataplane.",
    },
    {
        .name = "add-flows",
        .verb = CLI_CMD_ADD_FLOWS,
        .synopsis = "BR [--bundle] FILE",
        .min_args = 2,
        .max_args = 2,
        .summary = "add the flows of FILE (one per line, '-' = stdin) to BR",
        .help = "All or nothing: a bad line refuses the whole file (its line named), and the\n"
                "flows become visible together (one database transaction, one dataplane\n"
                "snapshot): a frame sees all of them or none. --bundle (ovs-ofctl's atomic\n"
                "mode) is accepted; weft always applies a file this way.",
    },
    {
        .name = "del-flows",
        .verb = CLI_CMD_DEL_FLOWS,
        .synopsis = "BR [--strict] [MATCH]",
        .min_args = 1,
        .max_args = 2,
        .summary = "delete the flows MATCH selects (default: every flow)",
        .help = "Without MATCH every flow goes, the default NORMAL flow too: unmatched frames\n"
                "are then dropped (drop_no_flow). --strict: same match and priority only.",
    },
    {
        .name = "mod-flows",
        .verb = CLI_CMD_MOD_FLOWS,
        .synopsis = "BR [--strict] FLOW",
        .min_args = 2,
        .max_args = 2,
        .summary = "give the flows FLOW's match selects FLOW's actions",
    },
    {
        .name = "dump-flows",
        .verb = CLI_CMD_DUMP_FLOWS,
        .synopsis = "BR [MATCH] [--no-stats]",
        .min_args = 1,
        .max_args = 2,
        .has_output = true,
        .summary = "print the flows of BR (those MATCH selects), with counters",
    },
    {
        .name = "replace-flows",
        .verb = CLI_CMD_REPLACE_FLOWS,
        .synopsis = "BR [--bundle] FILE",
        .min_args = 2,
        .max_args = 2,
        .summary = "make the flows of BR exactly those of FILE, in one step",
        .help = "Unchanged flows keep their counters; flows whose actions differ are modified.\n"
                "Atomic: a frame sees the old set or the new one, never a mix (--bundle, as in\n"
                "ovs-ofctl, is accepted; weft always switches this way).",
    },
    {
        .name = "get",
        .verb = CLI_CMD_GET,
        .synopsis = "TABLE RECORD COLUMN[:KEY]...",
        .min_args = 3,
        .max_args = 32,
        .has_output = true,
        .summary = "print columns of a record, one per line (database only)",
        .help = "TABLE: Open_vSwitch (RECORD \".\"), Bridge, Port or Interface (RECORD: its\n"
                "name). Printed like ovs-vsctl get.",
    },
    {
        .name = "list-br",
        .verb = CLI_CMD_LIST_BR,
        .synopsis = "",
        .min_args = 0,
        .max_args = 0,
        .has_output = true,
        .summary = "print the names of all bridges (database only)",
    },
    {
        .name = "list-ports",
        .verb = CLI_CMD_LIST_PORTS,
        .synopsis = "BR",
        .min_args = 1,
        .max_args = 1,
        .has_output = true,
        .summary = "print the names of the ports of BR (database only)",
    },
    {
        .name = "list",
        .verb = CLI_CMD_LIST,
        .synopsis = "TABLE [RECORD]",
        .min_args = 1,
        .max_args = 2,
        .has_output = true,
        .summary = "print every column of a record, or of all records (database only)",
        .help = "TABLE: Open_vSwitch, Bridge, Port or Interface. Printed like ovs-vsctl list\n"
                "(records in the database's order).",
    },
    {
        .name = "clear",
        .verb = CLI_CMD_CLEAR,
        .synopsis = "TABLE RECORD COLUMN",
        .min_args = 3,
        .max_args = 3,
        .summary = "empty a column of a record (database only)",
        .help = "Columns: Port tag, trunks, vlan_mode; Interface options; Bridge other_config.",
    },
    {
        .name = "dp/exit",
        .verb = CLI_CMD_DP_EXIT,
        .synopsis = "",
        .min_args = 0,
        .max_args = 0,
        .summary = "stop the dataplane cleanly",
    },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

const struct cli_verb_info *cli_verb_find(const char *name)
{
	for (size_t i = 0; i < N_VERBS; i++) {
		if (!strcmp(verbs[i].name, name)) {
			return &verbs[i];
		}
	}
	return NULL;
}

const struct cli_verb_info *cli_verb_of_cmd(enum cli_cmd_verb verb)
{
	if (verb == CLI_CMD_SET_IFACE || verb == CLI_CMD_SET_BRIDGE) {
		verb = CLI_CMD_SET_PORT;
	}
	for (size_t i = 0; i < N_VERBS; i++) {
		if (verbs[i].verb == verb) {
			return &verbs[i];
		}
	}
	return &verbs[0]; /* unreachable: every verb has an entry */
}

void cli_verb_print_usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "%s: weft switch control utility\n"
	        "usage: %s [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...\n\n"
	        "Commands:\n",
	        prog, prog);
	for (size_t i = 0; i < N_VERBS; i++) {
		char left[64];

		snprintf(left, sizeof(left), "%s %s", verbs[i].name, verbs[i].synopsis);
		if (strlen(left) > 30) {
			fprintf(f, "  %s\n  %-30s %s\n", left, "", verbs[i].summary);
		} else {
			fprintf(f, "  %-30s %s\n", left, verbs[i].summary);
		}
	}
	fprintf(f,
	        "\nCommands chained with -- run in order and stop at the first error;\n"
	        "`add-br`/`add-port` absorb later `set` commands on the same record.\n"
	        "\nOptions:\n"
	        "  --rundir=DIR      run directory holding dataplane.sock and db.sock\n"
	        "                    (default: $WEFT_RUNDIR, else /run/weft)\n"
	        "  --db=unix:PATH    the database (default unix:RUNDIR/db.sock)\n"
	        "  --direct          send add-br/add-port/set/show... straight to the dataplane\n"
	        "                    (no database: replay harness, tests)\n"
	        "  --no-wait         do not wait for the change to be live (cur_cfg)\n"
	        "  --timeout=SECS    give up after SECS seconds per request, and for the\n"
	        "                    change to be live (default 10, 0 = never)\n"
	        "  --format=FMT      output of show, fdb/show, stats, dp/show...: table or json\n"
	        "  -h, --help        this help; `%s COMMAND --help` for one command\n"
	        "  --may-exist       before add-br/add-port: an existing record is not an error\n"
	        "  --if-exists       before del-br/del-port: a missing record is not an error\n"
	        "\nExit status: 0 success, 1 error from the database or the dataplane, connection\n"
	        "failure or timeout,\n"
	        "2 bad command line.\n",
	        prog);
}

void cli_verb_print_help(FILE *f, const char *prog, const struct cli_verb_info *vi)
{
	fprintf(f, "usage: %s [OPTIONS] %s%s%s\n  %s\n", prog, vi->name, *vi->synopsis ? " " : "",
	        vi->synopsis, vi->summary);
	if (vi->help) {
		fprintf(f, "\n%s\n", vi->help);
	}
	if (vi->has_output) {
		fprintf(f, "\nWith --format=json the result is printed as JSON.\n");
	}
}
