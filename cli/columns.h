/* weftctl "set" columns: table names, COLUMN[:KEY]=VALUE parsing and validation.
 *
 * Known tables and columns (everything else is rejected with a message naming it):
 *   Port       tag (0..4095 or [] to clear), trunks ([1,2], 1,2, or [] = all VLANs),
 *              vlan_mode (access, trunk, native-tagged, native-untagged, or [] to clear)
 *   Interface  type (dpdk, dpdkvhostuser, dpdkvhostuserclient, vxlan, or "" for none),
 *              options:KEY=VALUE
 *   Bridge     other_config:KEY=VALUE (mac-aging-time 1..86400, mac-table-size 1..4194304
 *              are checked; other keys are kept as given)
 * A VALUE wrapped in double quotes is unquoted (\" and \\ escapes).
 * Errors: 0 or -EINVAL with a malloc'd message in *errp.
 */
#ifndef CLI_COLUMNS_H
#define CLI_COLUMNS_H

#include "command.h"

/* Maps a table name (case-insensitive: Port, Interface, Bridge) to the set command verb
 * (CLI_CMD_SET_PORT, CLI_CMD_SET_IFACE, CLI_CMD_SET_BRIDGE). */
int cli_columns_table(const char *name, enum cli_cmd_verb *verb, char **errp);

/* Table name of a set command verb ("Port", "Interface", "Bridge"). */
const char *cli_columns_table_name(enum cli_cmd_verb verb);

/* Parses one "COLUMN[:KEY]=VALUE" argument for table 'verb' into 'cols' (a later value for
 * the same column or key replaces an earlier one). */
int cli_columns_parse(enum cli_cmd_verb verb, const char *arg, struct cli_cols *cols, char **errp);

#endif /* CLI_COLUMNS_H */
