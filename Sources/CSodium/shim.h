#ifndef PLACEMENT_CSODIUM_SHIM_H
#define PLACEMENT_CSODIUM_SHIM_H

#include <sodium.h>

#endif
