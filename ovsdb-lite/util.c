/* ovsdb-lite core: util (in progress). */
#include "db.h"
