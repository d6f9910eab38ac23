#ifndef SWITCHBOARD_CLIBXML2_SHIM_H
#define SWITCHBOARD_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so encoding.h includes the system ICU headers (<unicode/ucnv.h>), whose
 * types clash with Foundation's own copy of ICU (_FoundationICU: "UErrorCode has different definitions") in any
 * module that sees both. Only the layout of xmlCharEncodingHandler depends on this macro; Swift never touches one. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// The options every Switchboard parse uses: no network, no entity substitution, no DTD loading or validation,
/// no recovery, libxml2's own size limits kept (no XML_PARSE_HUGE), no error printing, and the encoding the
/// document declares ignored (the input was checked to be UTF-8 before libxml2 sees it).
static inline int switchboard_xml_read_options(void) {
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC;
#if LIBXML_VERSION >= 21300
    options |= XML_PARSE_NO_XXE; /* 2.13 and later: never load external content, whatever else asks */
#endif
    return options;
}
#endif
