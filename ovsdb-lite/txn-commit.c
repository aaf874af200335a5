/* ovsdb-lite core: txn-commit (in progress). */
#include "db.h"
