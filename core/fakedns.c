/* SPDX-License-Identifier: MIT */
/* Fake-DNS table in a flat block: header, open-addressing hash index (FNV-1a, linear
 * probing) of slot numbers, then fixed-size slots holding names inline. */
#include "fakedns.h"

#include <errno.h>
#include <string.h>

#include "target.h"

#define MAGIC	 0x44465853u /* "SXFD" little-endian */
#define VERSION	 2u
#define HDR_SIZE 128u

/* Only 32-bit fields and byte arrays, so i386 and x86_64 processes of one tree agree on it. */
struct hdr {
	uint32_t magic; /* written last by init */
	uint32_t version;
	uint32_t size; /* bytes of the layout */
	uint32_t capacity;
	uint32_t nbuckets; /* power of two, >= 2 * capacity */
	uint32_t buckets_off;
	uint32_t slots_off;
	uint32_t committed; /* slots [0, committed) are complete; the publishing store */
	uint32_t v4_prefix;
	uint32_t v6_prefix;
	uint8_t v4_base[4];
	uint8_t v6_base[16];
	uint32_t v4_start; /* slot i has offset 1 + (start + i) % span in its range */
	uint32_t v6_start;
};

struct slot {
	uint32_t hash;
	uint32_t len;
	char name[SX_NAME_MAX + 1];
};

_Static_assert(sizeof(struct hdr) <= HDR_SIZE, "header outgrew its reserved space");
_Static_assert(sizeof(struct slot) == 264, "slot layout must not depend on the ABI");

/* An index entry is slot number + 1; 0 marks an empty bucket. */
static uint32_t *buckets(const struct hdr *h)
{
	return (uint32_t *)((char *)h + h->buckets_off);
}

static struct slot *slot_at(const struct hdr *h, uint32_t i)
{
	return (struct slot *)((char *)h + h->slots_off) + i;
}

static uint32_t nbuckets_for(uint32_t cap)
{
	uint32_t n = 2;

	/* Load factor <= 1/2 keeps linear probes short. */
	while (n < 2 * cap)
		n <<= 1;
	return n;
}

static uint64_t layout_size(uint32_t cap)
{
	return HDR_SIZE + (uint64_t)nbuckets_for(cap) * 4 + (uint64_t)cap * sizeof(struct slot);
}

static uint64_t v4_usable(unsigned prefix)
{
	return ((uint64_t)1 << (32 - prefix)) - 2;
}

static uint64_t v6_usable(unsigned prefix)
{
	return prefix <= 64 ? UINT64_MAX : ((uint64_t)1 << (128 - prefix)) - 1;
}

/* Offsets handed out live in the last 32 bits of an address. */
static uint32_t span_of(int af, unsigned prefix)
{
	uint64_t u = af == SX_FAKEDNS_V4 ? v4_usable(prefix) : v6_usable(prefix);

	return u < UINT32_MAX ? (uint32_t)u : UINT32_MAX;
}

static bool prefixes_ok(unsigned v4, unsigned v6)
{
	return v4 <= 30 && v6 <= 127;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint32_t load_acq(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_rel(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* A corrupted count must not send a reader past the slots. */
static uint32_t committed_of(const struct hdr *h)
{
	uint32_t c = load_acq(&h->committed);

	return c < h->capacity ? c : h->capacity;
}

static void mask_host_bits(uint8_t *a, size_t len, unsigned prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static bool has_host_bits(const uint8_t *a, size_t len, unsigned prefix)
{
	uint8_t m[16];

	memcpy(m, a, len);
	mask_host_bits(m, len, prefix);
	return memcmp(m, a, len) != 0;
}

size_t sx_fakedns_size(unsigned capacity)
{
	return sx_fakedns_size_used(capacity, capacity);
}

size_t sx_fakedns_size_used(unsigned capacity, unsigned names)
{
	if (capacity == 0 || capacity > SX_FAKEDNS_MAX_CAPACITY)
		return 0;
	if (names > capacity)
		names = capacity;
	return (size_t)(layout_size(capacity) - (uint64_t)(capacity - names) * sizeof(struct slot));
}

unsigned sx_fakedns_capacity(const struct sx_fakedns_cfg *cfg)
{
	if (!cfg || cfg->capacity == 0 || cfg->capacity > SX_FAKEDNS_MAX_CAPACITY ||
	    !prefixes_ok(cfg->v4_prefix, cfg->v6_prefix))
		return 0;
	return (unsigned)min_u64(cfg->capacity, min_u64(span_of(SX_FAKEDNS_V4, cfg->v4_prefix),
							span_of(SX_FAKEDNS_V6, cfg->v6_prefix)));
}

unsigned sx_fakedns_capacity_of(const void *t)
{
	return t ? ((const struct hdr *)t)->capacity : 0;
}

int sx_fakedns_init(void *t, size_t size, const struct sx_fakedns_cfg *cfg)
{
	struct hdr *h = t;
	uint64_t cap;

	if (!h || ((uintptr_t)t & 7))
		return -EINVAL;
	cap = sx_fakedns_capacity(cfg);
	if (cap == 0)
		return -EINVAL;
	if (size < layout_size((uint32_t)cap))
		return -ENOSPC;

	/* A re-init must not look valid while half written. */
	store_rel(&h->magic, 0);
	memset((char *)h + sizeof(h->magic), 0, HDR_SIZE - sizeof(h->magic));
	h->version = VERSION;
	h->capacity = (uint32_t)cap;
	h->size = (uint32_t)layout_size(h->capacity);
	h->nbuckets = nbuckets_for(h->capacity);
	h->buckets_off = HDR_SIZE;
	h->slots_off = HDR_SIZE + h->nbuckets * 4;
	h->v4_prefix = cfg->v4_prefix;
	h->v6_prefix = cfg->v6_prefix;
	memcpy(h->v4_base, cfg->v4_base, 4);
	memcpy(h->v6_base, cfg->v6_base, 16);
	h->v4_start = cfg->start % span_of(SX_FAKEDNS_V4, h->v4_prefix);
	h->v6_start = cfg->start % span_of(SX_FAKEDNS_V6, h->v6_prefix);
	mask_host_bits(h->v4_base, 4, h->v4_prefix);
	mask_host_bits(h->v6_base, 16, h->v6_prefix);
	/* Slots need no clearing: nothing reads past the committed count. */
	if (!cfg->zeroed)
		memset(buckets(h), 0, (size_t)h->nbuckets * 4);
	store_rel(&h->magic, MAGIC);
	return 0;
}

bool sx_fakedns_valid(const void *t, size_t size)
{
	const struct hdr *h = t;

	if (!h || ((uintptr_t)t & 7) || size < HDR_SIZE)
		return false;
	if (load_acq(&h->magic) != MAGIC || h->version != VERSION)
		return false;
	if (h->capacity == 0 || h->capacity > SX_FAKEDNS_MAX_CAPACITY ||
	    !prefixes_ok(h->v4_prefix, h->v6_prefix) ||
	    h->capacity > span_of(SX_FAKEDNS_V4, h->v4_prefix) ||
	    h->capacity > span_of(SX_FAKEDNS_V6, h->v6_prefix) ||
	    h->v4_start >= span_of(SX_FAKEDNS_V4, h->v4_prefix) ||
	    h->v6_start >= span_of(SX_FAKEDNS_V6, h->v6_prefix))
		return false;
	if (h->nbuckets != nbuckets_for(h->capacity) || h->buckets_off != HDR_SIZE ||
	    h->slots_off != HDR_SIZE + h->nbuckets * 4 || h->size != layout_size(h->capacity) ||
	    h->size > size)
		return false;
	if (has_host_bits(h->v4_base, 4, h->v4_prefix) ||
	    has_host_bits(h->v6_base, 16, h->v6_prefix))
		return false;
	return load_acq(&h->committed) <= h->capacity;
}

/* Lower-cases name into out (NUL-terminated) without its trailing dot. */
static int normalise(const char *name, char out[SX_NAME_MAX + 1], uint32_t *len)
{
	size_t n = 0;

	/* Bounded scan: one byte more than a name with its trailing dot may have. */
	while (n <= SX_NAME_MAX + 1 && name[n])
		n++;
	if (n > 0 && name[n - 1] == '.' && n <= SX_NAME_MAX + 1)
		n--;
	if (n == 0)
		return -EINVAL;
	if (n > SX_NAME_MAX)
		return -ENAMETOOLONG;
	/* "a.." has an empty label; stored as "a." it would map back to another slot ("a"). */
	if (name[n - 1] == '.')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	*len = (uint32_t)n;
	return 0;
}

static uint32_t fnv1a(const char *s, uint32_t len)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t span_in(const struct hdr *h, int af)
{
	return span_of(af, af == SX_FAKEDNS_V4 ? h->v4_prefix : h->v6_prefix);
}

static uint32_t start_in(const struct hdr *h, int af)
{
	return af == SX_FAKEDNS_V4 ? h->v4_start : h->v6_start;
}

/* Host bits of the base are zero and the offset fits in them, so OR is addition. The
 * offset of a slot wraps around its range, never onto the network address (0). */
static void make_addr(const struct hdr *h, int af, uint32_t slot, uint8_t *out)
{
	size_t len = af == SX_FAKEDNS_V4 ? 4 : 16;
	uint32_t off = (uint32_t)(((uint64_t)start_in(h, af) + slot) % span_in(h, af)) + 1;

	memcpy(out, af == SX_FAKEDNS_V4 ? h->v4_base : h->v6_base, len);
	put_be32(out + len - 4, get_be32(out + len - 4) | off);
}

static int find_or_add(void *t, const char *name, int af, uint8_t *addr_out, bool may_add)
{
	struct hdr *h = t;
	char norm[SX_NAME_MAX + 1];
	uint32_t len, hash, committed, mask, pos, free_at = UINT32_MAX;
	uint32_t *b;
	struct slot *s;
	int r;

	if (!h || !name || !addr_out || (af != SX_FAKEDNS_V4 && af != SX_FAKEDNS_V6))
		return -EINVAL;
	r = normalise(name, norm, &len);
	if (r < 0)
		return r;
	hash = fnv1a(norm, len);
	committed = committed_of(h);
	b = buckets(h);
	mask = h->nbuckets - 1;
	pos = hash & mask;
	for (uint32_t i = 0; i < h->nbuckets; i++, pos = (pos + 1) & mask) {
		uint32_t v = __atomic_load_n(&b[pos], __ATOMIC_RELAXED);

		if (v == 0) {
			if (free_at == UINT32_MAX)
				free_at = pos;
			break;
		}
		if (v > committed) {
			/* Left by a process killed between index and count: its slot is
			 * unpublished, so the bucket is free to take. Keep probing, the
			 * name may sit further along. */
			if (free_at == UINT32_MAX)
				free_at = pos;
			continue;
		}
		s = slot_at(h, v - 1);
		if (s->hash == hash && s->len == len && memcmp(s->name, norm, len) == 0) {
			make_addr(h, af, v - 1, addr_out);
			return 0;
		}
	}
	if (!may_add)
		return -ENOENT;
	if (committed >= h->capacity || free_at == UINT32_MAX)
		return -ENOSPC;

	/* Slot, then index, then count: a reader or a crash never exposes half a name. */
	s = slot_at(h, committed);
	s->hash = hash;
	s->len = len;
	memcpy(s->name, norm, len + 1);
	store_rel(&b[free_at], committed + 1);
	store_rel(&h->committed, committed + 1);
	make_addr(h, af, committed, addr_out);
	return 0;
}

int sx_fakedns_assign(void *t, const char *name, int af, uint8_t *addr_out)
{
	return find_or_add(t, name, af, addr_out, true);
}

int sx_fakedns_lookup(void *t, const char *name, int af, uint8_t *addr_out)
{
	return find_or_add(t, name, af, addr_out, false);
}

bool sx_fakedns_in_range(const void *t, int af, const uint8_t *addr)
{
	const struct hdr *h = t;
	uint8_t a[16];

	if (!h || !addr)
		return false;
	if (af == SX_FAKEDNS_V4) {
		memcpy(a, addr, 4);
		mask_host_bits(a, 4, h->v4_prefix);
		return memcmp(a, h->v4_base, 4) == 0;
	}
	if (af == SX_FAKEDNS_V6) {
		memcpy(a, addr, 16);
		mask_host_bits(a, 16, h->v6_prefix);
		return memcmp(a, h->v6_base, 16) == 0;
	}
	return false;
}

int sx_fakedns_name(const void *t, int af, const uint8_t *addr, char name[256])
{
	const struct hdr *h = t;
	size_t len = af == SX_FAKEDNS_V4 ? 4 : 16;
	uint8_t host[16] = {0};
	uint32_t off;
	const struct slot *s;

	if (!name || !sx_fakedns_in_range(t, af, addr))
		return -EINVAL;
	/* The base has no host bits, so the offset is addr with the network bits cleared. */
	for (size_t i = 0; i < len; i++)
		host[i] = addr[i] ^ (af == SX_FAKEDNS_V4 ? h->v4_base[i] : h->v6_base[i]);
	for (size_t i = 0; i + 4 < len; i++)
		if (host[i])
			return -ENOENT;
	off = get_be32(host + len - 4);
	if (off == 0 || off > span_in(h, af))
		return -ENOENT;
	off = (uint32_t)(((uint64_t)off - 1 + span_in(h, af) - start_in(h, af)) % span_in(h, af));
	if (off >= committed_of(h))
		return -ENOENT;
	s = slot_at(h, off);
	if (s->len == 0 || s->len > SX_NAME_MAX)
		return -ENOENT;
	memcpy(name, s->name, s->len);
	name[s->len] = '\0';
	return 0;
}

unsigned sx_fakedns_count(const void *t)
{
	return t ? committed_of(t) : 0;
}
