/*
 * ids: 128-bit time-sortable message ids (UUIDv7, RFC 9562, with a
 * monotonic counter inside one millisecond) and the human-facing ids that
 * count per kind ("T-000123", "INV-2026-0007").
 */
#ifndef KEEL_IDS_H
#define KEEL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEEL_ID_LEN 16
#define KEEL_ID_STRLEN 37 /* 36 characters and the NUL */

/* Fills id with a new UUIDv7; ids from one process sort in creation order. */
void keel_id_new(uint8_t id[KEEL_ID_LEN]);
/* The id's millisecond timestamp. */
int64_t keel_id_ms(const uint8_t id[KEEL_ID_LEN]);
/* Canonical text form 8-4-4-4-12 into buf (at least KEEL_ID_STRLEN). */
void keel_id_format(const uint8_t id[KEEL_ID_LEN], char *buf);
/* Parses the text form; 0 or -EINVAL. */
int keel_id_parse(const char *s, uint8_t ret_id[KEEL_ID_LEN]);
/* n hex digits (n even, either case) into n / 2 bytes at out; false on
 * anything else. */
bool keel_hex_decode(const char *hex, size_t n, uint8_t *out);

/* An id chosen by a user for an entity (customer, staff member): 1 to 32
 * letters, digits, '.', '_' or '-'. */
bool keel_id_token_valid(const char *id, size_t len);

/*
 * Human id: prefix, optional year (0 for none) and a counter zero-padded to
 * width digits: ("T", 0, 123, 6) -> "T-000123", ("INV", 2026, 7, 4) ->
 * "INV-2026-0007".  Returns the length, or -ENOSPC when buf is too small.
 */
int keel_id_human(char *buf, size_t size, const char *prefix, int year,
                  int64_t n, int width);

#endif
