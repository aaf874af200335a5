/* weftctl database backend: read-only verbs rendered from a database snapshot (no I/O).
 *
 * 'snap' is the object described in db-txn.h, plus "_schema": the database schema (from
 * RFC 7047 get_schema; optional: without it every column is printed as an optional scalar).
 * Output follows ovs-vsctl 3.x byte for byte for the columns weft uses:
 *   show        Open_vSwitch _uuid, then per Bridge (in set order): datapath_type, fail_mode,
 *               Port (tag, trunks), Interface (type, options, error); ovs_version last
 *   get         the column (or one key of a map column) as ovs-vsctl prints it
 *   list        _uuid then every column of the schema in name order (needs "_schema")
 *   list-br     bridge names, sorted; list-ports BR: port names but BR's own, sorted
 * Functions return 0, or -ENOENT / -EINVAL with a malloc'd message in *errp (ovs-vsctl's
 * wording: 'no row "x" in table Port', "no bridge named br9").
 */
#ifndef CLI_DB_SHOW_H
#define CLI_DB_SHOW_H

#include <jansson.h>
#include <stdio.h>

#include "command.h"

/* Prints the result of the read-only command 'cmd' (show, get, list, list-br, list-ports) to 'f';
 * other verbs print nothing. */
int cli_db_show_cmd(FILE *f, const json_t *snap, const struct cli_cmd *cmd, char **errp);

/* Writes one RFC 7047 <value> of column type 'type' (schema <type>, may be NULL) the way
 * ovs-vsctl prints it: 1, "x y", [], [1, 2], {a="1", b=c}. */
void cli_db_print_datum(FILE *f, const json_t *datum, const json_t *type);

#endif /* CLI_DB_SHOW_H */
