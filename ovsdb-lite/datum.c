/* ovsdb-lite core: datum (in progress). */
#include "db.h"
