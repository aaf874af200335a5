/* ovsdb-lite core: journal (in progress). */
#include "db.h"
