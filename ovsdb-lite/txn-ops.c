/* ovsdb-lite core: txn-ops (in progress). */
#include "db.h"
