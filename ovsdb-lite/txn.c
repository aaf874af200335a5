/* ovsdb-lite core: txn (in progress). */
#include "db.h"
