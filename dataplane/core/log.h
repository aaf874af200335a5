/* Logging through DPDK's log facility, type "weft". */
#ifndef WF_LOG_H
#define WF_LOG_H

#include <rte_log.h>

#define RTE_LOGTYPE_WEFT        RTE_LOGTYPE_USER1
#define WF_LOG(level, fmt, ...) RTE_LOG(level, WEFT, fmt "\n", ##__VA_ARGS__)

#endif
