/* weftctl database backend: snapshot accessors (see db-snap.h). */
#include <string.h>

#include "dbclient.h"

#include "db-snap.h"

const json_t *cli_db_snap_rows(const json_t *snap, const char *table)
{
	const json_t *rows = json_object_get(snap, table);

	return json_is_array(rows) ? rows : NULL;
}

const json_t *cli_db_snap_find(const json_t *snap, const char *table, const char *name)
{
	const json_t *rows = cli_db_snap_rows(snap, table);
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
	{
		const char *n = json_string_value(json_object_get(row, "name"));

		if (!strcmp(table, "Open_vSwitch") || (n && !strcmp(n, name))) {
			return row;
		}
	}
	return NULL;
}

const json_t *cli_db_snap_by_uuid(const json_t *snap, const char *table, const char *uuid)
{
	const json_t *rows = cli_db_snap_rows(snap, table);
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
	{
		const char *u = ctd_datum_uuid_str(json_object_get(row, "_uuid"));

		if (u && uuid && !strcmp(u, uuid)) {
			return row;
		}
	}
	return NULL;
}
