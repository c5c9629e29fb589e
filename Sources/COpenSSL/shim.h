#ifndef PROVENANCE_COPENSSL_SHIM_H
#define PROVENANCE_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

/// BIO_get_mem_data is a macro; Swift cannot call it directly.
static inline long prov_BIO_get_mem_data(BIO *bio, char **out) {
    return BIO_get_mem_data(bio, out);
}

#endif
