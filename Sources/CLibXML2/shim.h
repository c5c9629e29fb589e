#ifndef PROVENANCE_CLIBXML2_SHIM_H
#define PROVENANCE_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, and its encoding.h then includes the system's ICU headers.
   Swift's Foundation carries its own ICU (_FoundationICU) with different definitions of the same
   types, and a module that sees both fails to compile. Nothing here uses libxml2's ICU parts (the
   only one, a field of xmlCharEncodingHandler, is never touched from Swift: encoding handlers stay
   opaque), so the flag is cleared before any other libxml2 header reads it. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

/* libxml2's generic error channel is variadic, which Swift cannot implement; this one drops
   every message so that nothing reaches stderr. Structured errors are captured separately. */
static void provenance_xml_drop_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/* Silences the generic error channel of the calling thread. */
static inline void provenance_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, provenance_xml_drop_generic_error);
}

/* Silences the generic error channel of threads created from now on (takes a global lock). */
static inline void provenance_xml_silence_generic_errors_by_default(void) {
    xmlThrDefSetGenericErrorFunc(NULL, provenance_xml_drop_generic_error);
}

/* XML_PARSE_NO_XXE (libxml2 2.13+) forbids loading external entities; older versions lack it,
   and the reader refuses entity declarations itself. 0 where unavailable. */
static inline int provenance_xml_no_xxe_option(void) {
#if LIBXML_VERSION >= 21300
    return XML_PARSE_NO_XXE;
#else
    return 0;
#endif
}

#endif
