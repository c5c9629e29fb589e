#ifndef PROVENANCE_CLIBXML2_SHIM_H
#define PROVENANCE_CLIBXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#endif
