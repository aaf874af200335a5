/* ovsdb-lite core: table (in progress). */
#include "db.h"
