#ifndef PROVENANCE_CCSV_SHIM_H
#define PROVENANCE_CCSV_SHIM_H

#include <stddef.h>
#include <csv.h>

#endif
