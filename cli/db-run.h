/* weftctl database backend runner: the ovs-vsctl-dialect verbs against ovsdb-lite.
 *
 * One connection to the database: a snapshot (select Open_vSwitch, Bridge, Port, Interface;
 * get_schema when a `get` needs column types), ONE transaction for every write of the
 * command list (db-txn.c, with next_cfg += 1 unless --no-wait), then, unless --no-wait,
 * polls Open_vSwitch cur_cfg until it reaches the new next_cfg (weft-controld copies it once
 * the change is live in the dataplane) or --timeout elapses. Read-only verbs (show, get,
 * list-br, list-ports) print from a snapshot taken after the write (db-show.c).
 */
#ifndef CLI_DB_RUN_H
#define CLI_DB_RUN_H

#include "command.h"
#include "parse.h"

/* Runs 'list' (configuration verbs only) on the database 'target' ("unix:PATH"). Returns 0
 * when everything succeeded, else -EIO after printing one line on stderr (connection,
 * refused command: nothing applied, transaction error, wait timeout). */
int cli_db_run(const char *target, const struct cli_opts *opts, const struct cli_cmd_list *list);

#endif /* CLI_DB_RUN_H */
