/* ovsdb-lite core: schema (in progress). */
#include "db.h"
