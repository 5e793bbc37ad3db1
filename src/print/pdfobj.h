/* PDF objects: a small parser and writer for the values of a PDF file (ISO 32000-1 §7.3). */
#ifndef PM_PRINT_PDFOBJ_H
#define PM_PRINT_PDFOBJ_H

#include <stddef.h>
#include "core/status.h"

/* Only what partymap's PDF post-processing needs (pages, their dictionaries, fonts,
 * stream headers): it reads the output of Cairo and Ghostscript, not arbitrary PDFs. */
typedef enum {
    PM_PDF_NULL, PM_PDF_BOOL, PM_PDF_NUM, PM_PDF_NAME, PM_PDF_STR, PM_PDF_ARRAY,
    PM_PDF_DICT, PM_PDF_REF,
    PM_PDF_RAW  /* text written as it is (built by pm_pdfv_raw, never parsed) */
} pm_pdfv_kind;

typedef struct pm_pdfv pm_pdfv;
struct pm_pdfv {
    pm_pdfv_kind kind;
    double num;          /* NUM, BOOL (0/1) */
    long ref;            /* REF: object number (generation 0 assumed on writing) */
    char *s;             /* NAME (without '/'), STR (raw bytes as in the file, with
                          * delimiters), RAW; owned */
    size_t n;            /* ARRAY: items; DICT: pairs */
    char **keys;         /* DICT: names without '/', owned */
    pm_pdfv **items;     /* ARRAY items / DICT values, owned */
};

/* A lexer position over borrowed bytes. */
typedef struct {
    const unsigned char *p, *end;
} pm_pdflex;

/* Skips white space and comments. */
void pm_pdflex_skip(pm_pdflex *x);
/* Reads the next token (after skipping) into [*s, *s + *len): a delimiter ("<<", ">>",
 * "[", "]", "{", "}"), a name with its '/', a whole string "(...)" or "<hex>", or a
 * regular run (numbers, keywords).  Returns 0 at the end or on a malformed token. */
int pm_pdflex_token(pm_pdflex *x, const unsigned char **s, size_t *len);

/* Parses one value at x (numbers followed by "G R" become references).  *out owned by
 * the caller (pm_pdfv_free).  PM_EDATA on malformed input or nesting deeper than 64;
 * PM_ENOMEM. */
pm_status pm_pdfv_parse(pm_pdflex *x, pm_pdfv **out);
void pm_pdfv_free(pm_pdfv *v);

/* The value of key in a dictionary (borrowed), or NULL (also when d is not a dict). */
pm_pdfv *pm_pdfv_get(const pm_pdfv *d, const char *key);
/* Sets key to v (taking ownership; replaces an old value).  PM_ENOMEM (v freed). */
pm_status pm_pdfv_set(pm_pdfv *d, const char *key, pm_pdfv *v);
/* Removes key if present. */
void pm_pdfv_del(pm_pdfv *d, const char *key);
/* New values (NULL on allocation failure). */
pm_pdfv *pm_pdfv_raw(const char *text);
pm_pdfv *pm_pdfv_number(double v);
/* 1 if v is a name equal to s. */
int pm_pdfv_is_name(const pm_pdfv *v, const char *s);

/* Appends v in PDF syntax to a growing buffer (*buf of *len bytes in *cap). */
pm_status pm_pdfv_write(const pm_pdfv *v, char **buf, size_t *len, size_t *cap);
/* Appends bytes or a formatted string to the same kind of buffer. */
pm_status pm_pdfbuf_put(char **buf, size_t *len, size_t *cap, const void *data, size_t n);
pm_status pm_pdfbuf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A number as PDF writes it: up to `decimals` digits after the point, trailing zeros
 * dropped, never an exponent.  Writes into buf (at least 48 bytes). */
void pm_pdf_num(double v, int decimals, char *buf, size_t len);

/* A PDF text string for UTF-8 text: "<FEFF...>" (UTF-16BE with its byte order mark),
 * as PDF wants for anything beyond ASCII; new string (caller frees), NULL on bad
 * UTF-8 or no memory. */
char *pm_pdf_text_string(const char *utf8);
/* A literal string "(...)" with (, ) and \ escaped; new (caller frees) or NULL. */
char *pm_pdf_literal(const char *s);

#endif
