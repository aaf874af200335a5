/* weftctl commands: ownership helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "command.h"

void cli_cols_free(struct cli_cols *cols)
{
	free(cols->trunks);
	free(cols->vlan_mode);
	free(cols->type);
	json_decref(cols->options);
	json_decref(cols->other_config);
	*cols = (struct cli_cols){0};
}

void cli_cmd_free(struct cli_cmd *cmd)
{
	free(cmd->bridge);
	free(cmd->name);
	free(cmd->flow);
	json_decref(cmd->flows);
	free(cmd->table);
	free(cmd->record);
	free(cmd->column);
	cli_cols_free(&cmd->cols);
}

bool cli_cmd_is_db_verb(enum cli_cmd_verb verb)
{
	switch (verb) {
	case CLI_CMD_ADD_BR:
	case CLI_CMD_DEL_BR:
	case CLI_CMD_ADD_PORT:
	case CLI_CMD_DEL_PORT:
	case CLI_CMD_SET_PORT:
	case CLI_CMD_SET_IFACE:
	case CLI_CMD_SET_BRIDGE:
	case CLI_CMD_SHOW:
	case CLI_CMD_GET:
	case CLI_CMD_LIST_BR:
	case CLI_CMD_LIST_PORTS:
	case CLI_CMD_LIST:
	case CLI_CMD_CLEAR:
	case CLI_CMD_ADD_FLOW: /* flows live in the database (db-flows.h); dump-flows does not */
	case CLI_CMD_ADD_FLOWS:
	case CLI_CMD_DEL_FLOWS:
	case CLI_CMD_MOD_FLOWS:
	case CLI_CMD_REPLACE_FLOWS:
		return true;
	default:
		return false;
	}
}

bool cli_cmd_is_db_only(enum cli_cmd_verb verb)
{
	return verb == CLI_CMD_GET || verb == CLI_CMD_LIST || verb == CLI_CMD_CLEAR ||
	       verb == CLI_CMD_LIST_BR || verb == CLI_CMD_LIST_PORTS;
}

void cli_cmd_list_free(struct cli_cmd_list *list)
{
	for (size_t i = 0; i < list->n_cmds; i++) {
		cli_cmd_free(&list->cmds[i]);
	}
	free(list->cmds);
	list->cmds = NULL;
	list->n_cmds = 0;
}

static int merge_map(json_t **dst, json_t **src)
{
	if (!*src) {
		return 0;
	}
	if (!*dst) {
		*dst = *src;
		*src = NULL;
		return 0;
	}
	if (json_object_update(*dst, *src) < 0) {
		return -ENOMEM;
	}
	json_decref(*src);
	*src = NULL;
	return 0;
}

int cli_cols_merge(struct cli_cols *dst, struct cli_cols *src)
{
	int ret;

	if (src->tag_state != CLI_COL_UNSET) {
		dst->tag_state = src->tag_state;
		dst->tag = src->tag;
	}
	if (src->trunks_state != CLI_COL_UNSET) {
		free(dst->trunks);
		dst->trunks_state = src->trunks_state;
		dst->trunks = src->trunks;
		dst->n_trunks = src->n_trunks;
		src->trunks = NULL;
		src->n_trunks = 0;
	}
	if (src->vlan_mode_state != CLI_COL_UNSET) {
		free(dst->vlan_mode);
		dst->vlan_mode_state = src->vlan_mode_state;
		dst->vlan_mode = src->vlan_mode;
		src->vlan_mode = NULL;
	}
	if (src->type) {
		free(dst->type);
		dst->type = src->type;
		src->type = NULL;
	}
	ret = merge_map(&dst->options, &src->options);
	if (!ret) {
		ret = merge_map(&dst->other_config, &src->other_config);
	}
	cli_cols_free(src);
	return ret;
}

/* Stores the message of 'fmt' + 'ap' in *errp (see cli_fail()). */
static void set_error(char **errp, const char *fmt, va_list ap)
{
	if (errp && vasprintf(errp, fmt, ap) < 0) {
		*errp = NULL;
	}
}

int cli_fail(char **errp, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(errp, fmt, ap);
	va_end(ap);
	return -err;
}

int cli_error(char **errp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(errp, fmt, ap);
	va_end(ap);
	return -EINVAL;
}
