/* SPDX-License-Identifier: MIT */
/* Fake-DNS table: normalisation, both directions, ranges, limits, exhaustion, validity
 * checks, a torn assign, and a table shared through a real fork(). */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../core/fakedns.h"
#include "tap.h"

static const uint8_t V4_BASE[4] = {198, 18, 0, 0};
static const uint8_t V6_BASE[16] = {0xfd, 0x9a, 0x5f, 0x0c, 0x4b, 0x2d, 0xff, 0xff};

static struct sx_fakedns_cfg cfg_of(unsigned v4_prefix, unsigned v6_prefix, unsigned capacity)
{
	struct sx_fakedns_cfg c = {
	    .v4_prefix = v4_prefix, .v6_prefix = v6_prefix, .capacity = capacity};

	memcpy(c.v4_base, V4_BASE, 4);
	memcpy(c.v6_base, V6_BASE, 16);
	return c;
}

/* malloc'd, so valgrind and ASan see every stray access. */
static void *table_new(const struct sx_fakedns_cfg *c, size_t *size)
{
	size_t n = sx_fakedns_size(c->capacity);
	void *t = malloc(n);

	if (!t || sx_fakedns_init(t, n, c) != 0) {
		printf("Bail out! cannot create a table of %zu bytes\n", n);
		exit(1);
	}
	if (size)
		*size = n;
	return t;
}

static void v4(uint8_t a[4], unsigned b0, unsigned b1, unsigned b2, unsigned b3)
{
	a[0] = (uint8_t)b0;
	a[1] = (uint8_t)b1;
	a[2] = (uint8_t)b2;
	a[3] = (uint8_t)b3;
}

static void v6_host(uint8_t a[16], uint32_t host)
{
	memcpy(a, V6_BASE, 16);
	a[12] = (uint8_t)(host >> 24);
	a[13] = (uint8_t)(host >> 16);
	a[14] = (uint8_t)(host >> 8);
	a[15] = (uint8_t)host;
}

static void test_basics(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 1024);
	void *t = table_new(&c, NULL);
	uint8_t a[16], b[16], want[16];
	char name[256];

	TAP_IS(sx_fakedns_count(t), 0, "empty table counts 0");
	TAP_IS(sx_fakedns_assign(t, "example.com", 4, a), 0, "assign v4");
	v4(want, 198, 18, 0, 1);
	TAP_MEM(a, want, 4, "first name gets 198.18.0.1 (network address skipped)");
	TAP_IS(sx_fakedns_assign(t, "example.com", 4, b), 0, "assign again");
	TAP_MEM(b, a, 4, "same name, same address");
	TAP_IS(sx_fakedns_count(t), 1, "no new slot for a known name");

	TAP_IS(sx_fakedns_assign(t, "EXAMPLE.Com.", 4, b), 0, "assign mixed case with dot");
	TAP_MEM(b, a, 4, "case and trailing dot are normalised away");
	TAP_IS(sx_fakedns_count(t), 1, "still one slot");

	TAP_IS(sx_fakedns_assign(t, "example.com", 6, b), 0, "assign v6");
	v6_host(want, 1);
	TAP_MEM(b, want, 16, "v6 address derives from the same slot (::1)");

	TAP_IS(sx_fakedns_assign(t, "Other.Example.COM", 6, b), 0, "second name v6 first");
	v6_host(want, 2);
	TAP_MEM(b, want, 16, "second name gets ::2");
	TAP_IS(sx_fakedns_assign(t, "other.example.com.", 4, a), 0, "second name v4");
	v4(want, 198, 18, 0, 2);
	TAP_MEM(a, want, 4, "and 198.18.0.2: one slot for both families");
	TAP_IS(sx_fakedns_count(t), 2, "two slots");

	TAP_IS(sx_fakedns_name(t, 4, a, name), 0, "reverse v4");
	TAP_STR(name, "other.example.com", "reverse gives the normalised lower-case name");
	TAP_IS(sx_fakedns_name(t, 6, b, name), 0, "reverse v6");
	TAP_STR(name, "other.example.com", "v6 reverse gives the same name");
	v6_host(want, 1);
	TAP_IS(sx_fakedns_name(t, 6, want, name), 0, "reverse ::1");
	TAP_STR(name, "example.com", "::1 is example.com");

	/* Distinct names get distinct addresses, and each maps back. */
	{
		char buf[64];
		int ok = 1;
		uint32_t seen_last = 2;

		for (int i = 0; i < 500; i++) {
			snprintf(buf, sizeof(buf), "host%d.test", i);
			if (sx_fakedns_assign(t, buf, 4, a) != 0)
				ok = 0;
			uint32_t host =
			    ((uint32_t)(a[1] - 18) << 16) | ((uint32_t)a[2] << 8) | a[3];
			if (host != seen_last + 1)
				ok = 0;
			seen_last = host;
			if (sx_fakedns_name(t, 4, a, name) != 0 || strcmp(name, buf) != 0)
				ok = 0;
		}
		TAP_OK(ok, "500 distinct names get consecutive distinct addresses that map back");
		TAP_IS(sx_fakedns_count(t), 502, "502 slots");
		snprintf(buf, sizeof(buf), "host%d.test", 253);
		TAP_IS(sx_fakedns_assign(t, buf, 4, a), 0, "host253 again");
		v4(want, 198, 18, 1, 0);
		TAP_MEM(
		    a, want, 4,
		    "slot index 255 is 198.18.1.0: only the range's network address is skipped");
	}

	/* Unknown and out-of-range addresses. */
	v4(a, 198, 18, 0, 0);
	TAP_IS(sx_fakedns_name(t, 4, a, name), -ENOENT, "network address: in range, unknown");
	TAP_OK(sx_fakedns_in_range(t, 4, a), "network address is in range");
	v4(a, 198, 19, 255, 254);
	TAP_IS(sx_fakedns_name(t, 4, a, name), -ENOENT, "unassigned address in range -> -ENOENT");
	v4(a, 198, 19, 255, 255);
	TAP_IS(sx_fakedns_name(t, 4, a, name), -ENOENT, "last address -> -ENOENT");
	TAP_OK(sx_fakedns_in_range(t, 4, a), "198.19.255.255 in range");
	v4(a, 198, 20, 0, 1);
	TAP_OK(!sx_fakedns_in_range(t, 4, a), "198.20.0.1 not in range");
	TAP_IS(sx_fakedns_name(t, 4, a, name), -EINVAL, "outside the range -> -EINVAL");
	v4(a, 198, 17, 255, 255);
	TAP_OK(!sx_fakedns_in_range(t, 4, a), "198.17.255.255 not in range");
	v4(a, 10, 0, 0, 1);
	TAP_IS(sx_fakedns_name(t, 4, a, name), -EINVAL, "10.0.0.1 -> -EINVAL");

	memcpy(a, V6_BASE, 16);
	a[8] = 1;
	a[15] = 1;
	TAP_OK(sx_fakedns_in_range(t, 6, a), "v6 with high host bits is in the /64");
	TAP_IS(sx_fakedns_name(t, 6, a, name), -ENOENT, "but unknown -> -ENOENT");
	v6_host(a, 100000);
	TAP_IS(sx_fakedns_name(t, 6, a, name), -ENOENT, "v6 unassigned -> -ENOENT");
	memcpy(a, V6_BASE, 16);
	a[7] = 0xfe;
	a[15] = 1;
	TAP_OK(!sx_fakedns_in_range(t, 6, a), "v6 outside the /64");
	TAP_IS(sx_fakedns_name(t, 6, a, name), -EINVAL, "v6 outside -> -EINVAL");

	/* Bad arguments. */
	TAP_IS(sx_fakedns_assign(t, "x.test", 2, a), -EINVAL, "af 2 (AF_INET) is not 4 -> -EINVAL");
	TAP_IS(sx_fakedns_assign(t, "", 4, a), -EINVAL, "empty name -> -EINVAL");
	TAP_IS(sx_fakedns_assign(t, ".", 4, a), -EINVAL, "\".\" -> -EINVAL");
	TAP_IS(sx_fakedns_name(t, 5, a, name), -EINVAL, "name() with af 5 -> -EINVAL");
	TAP_OK(!sx_fakedns_in_range(t, 0, a), "in_range with af 0 is false");
	free(t);
}

static void test_name_lengths(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 16);
	void *t = table_new(&c, NULL);
	char n255[256], n256[257], n256dot[257], big[1001], out[256];
	uint8_t a[16], b[16];

	memset(n255, 'a', 255);
	n255[255] = '\0';
	memset(n256, 'b', 256);
	n256[256] = '\0';
	memset(n256dot, 'a', 255);
	n256dot[255] = '.';
	n256dot[256] = '\0';
	memset(big, 'c', 1000);
	big[1000] = '\0';

	TAP_IS(sx_fakedns_assign(t, n255, 4, a), 0, "255-byte name fits");
	TAP_IS(sx_fakedns_name(t, 4, a, out), 0, "and maps back");
	TAP_IS(strlen(out), 255, "all 255 bytes");
	TAP_STR(out, n255, "byte for byte");
	TAP_IS(sx_fakedns_assign(t, n256, 4, b), -ENAMETOOLONG, "256-byte name -> -ENAMETOOLONG");
	TAP_IS(sx_fakedns_assign(t, big, 4, b), -ENAMETOOLONG, "1000-byte name -> -ENAMETOOLONG");
	TAP_IS(sx_fakedns_assign(t, n256dot, 4, b), 0, "255 bytes plus trailing dot fits");
	TAP_MEM(b, a, 4, "and is the same name");
	n256dot[0] = 'A';
	TAP_IS(sx_fakedns_assign(t, n256dot, 6, b), 0, "upper-case variant");
	TAP_IS(sx_fakedns_count(t), 1, "still one slot");
	free(t);
}

static void test_exhaustion(void)
{
	struct sx_fakedns_cfg c = cfg_of(29, 64, 100);
	void *t = table_new(&c, NULL);
	uint8_t a[16], want[16];
	char buf[32], name[256];
	int ok = 1;

	for (int i = 0; i < 6; i++) {
		snprintf(buf, sizeof(buf), "n%d", i);
		v4(want, 198, 18, 0, (unsigned)i + 1);
		if (sx_fakedns_assign(t, buf, 4, a) != 0 || memcmp(a, want, 4) != 0)
			ok = 0;
	}
	TAP_OK(ok, "/29 hands out .1 to .6");
	TAP_IS(sx_fakedns_assign(t, "n6", 4, a), -ENOSPC, "7th name in a /29 -> -ENOSPC");
	TAP_IS(sx_fakedns_assign(t, "n6", 6, a), -ENOSPC, "also for v6");
	TAP_IS(sx_fakedns_assign(t, "N3", 4, a), 0, "a known name still resolves when full");
	v4(want, 198, 18, 0, 4);
	TAP_MEM(a, want, 4, "to its address");
	v4(a, 198, 18, 0, 7);
	TAP_IS(sx_fakedns_name(t, 4, a, name), -ENOENT, ".7 (broadcast-like) is never handed out");
	TAP_IS(sx_fakedns_count(t), 6, "count 6");
	TAP_IS(sx_fakedns_size(100) > sx_fakedns_size(6), 1, "size() is for the asked capacity");
	free(t);

	c = cfg_of(15, 64, 3);
	t = table_new(&c, NULL);
	TAP_IS(sx_fakedns_assign(t, "a", 4, a), 0, "capacity 3: 1");
	TAP_IS(sx_fakedns_assign(t, "b", 6, a), 0, "capacity 3: 2");
	TAP_IS(sx_fakedns_assign(t, "c", 4, a), 0, "capacity 3: 3");
	TAP_IS(sx_fakedns_assign(t, "d", 4, a), -ENOSPC, "capacity 3: 4th -> -ENOSPC");
	TAP_IS(sx_fakedns_assign(t, "B.", 4, a), 0, "known name when full");
	free(t);

	c = cfg_of(15, 125, 100);
	t = table_new(&c, NULL);
	ok = 1;
	for (int i = 0; i < 7; i++) {
		snprintf(buf, sizeof(buf), "m%d", i);
		if (sx_fakedns_assign(t, buf, 6, a) != 0)
			ok = 0;
	}
	TAP_OK(ok, "v6 /125 takes 7 names");
	TAP_IS(sx_fakedns_assign(t, "m7", 6, a), -ENOSPC,
	       "8th -> -ENOSPC (v6 range bounds capacity)");
	free(t);
}

static void test_init_errors(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 16);
	size_t n = sx_fakedns_size(16);
	uint64_t *mem = calloc(1, n + 8);
	uint8_t a[16], want[16];

	TAP_IS(sx_fakedns_size(0), 0, "size(0) is 0");
	TAP_IS(sx_fakedns_size(SX_FAKEDNS_MAX_CAPACITY + 1), 0, "size(max+1) is 0");
	TAP_IS(sx_fakedns_init(mem, n - 1, &c), -ENOSPC, "one byte short -> -ENOSPC");
	TAP_IS(sx_fakedns_init((char *)mem + 4, n, &c), -EINVAL, "misaligned -> -EINVAL");
	c.capacity = 0;
	TAP_IS(sx_fakedns_init(mem, n, &c), -EINVAL, "capacity 0 -> -EINVAL");
	c = cfg_of(31, 64, 16);
	TAP_IS(sx_fakedns_init(mem, n, &c), -EINVAL, "v4 /31 -> -EINVAL");
	c = cfg_of(15, 128, 16);
	TAP_IS(sx_fakedns_init(mem, n, &c), -EINVAL, "v6 /128 -> -EINVAL");
	c = cfg_of(15, 64, SX_FAKEDNS_MAX_CAPACITY + 1);
	TAP_IS(sx_fakedns_init(mem, n, &c), -EINVAL, "capacity over max -> -EINVAL");
	TAP_IS(sx_fakedns_init(mem, n, NULL), -EINVAL, "no cfg -> -EINVAL");

	c = cfg_of(30, 64, 16);
	TAP_IS(sx_fakedns_init(mem, n, &c), 0, "/30 works");
	TAP_IS(sx_fakedns_assign(mem, "p", 4, a), 0, "/30: 1");
	TAP_IS(sx_fakedns_assign(mem, "q", 4, a), 0, "/30: 2");
	TAP_IS(sx_fakedns_assign(mem, "r", 4, a), -ENOSPC, "/30: 3rd -> -ENOSPC");

	c = cfg_of(15, 64, 16);
	c.v4_base[2] = 7;
	c.v4_base[3] = 9;
	c.v6_base[9] = 0x55;
	TAP_IS(sx_fakedns_init(mem, n, &c), 0, "base with host bits");
	TAP_IS(sx_fakedns_count(mem), 0, "re-init empties the table");
	TAP_IS(sx_fakedns_assign(mem, "p", 4, a), 0, "assign");
	v4(want, 198, 18, 0, 1);
	TAP_MEM(a, want, 4, "host bits of the base are ignored (v4)");
	TAP_IS(sx_fakedns_assign(mem, "p", 6, a), 0, "assign v6");
	v6_host(want, 1);
	TAP_MEM(a, want, 16, "host bits of the base are ignored (v6)");
	TAP_OK(sx_fakedns_valid(mem, n), "valid");
	free(mem);
}

static void test_valid(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 64);
	size_t n;
	void *t = table_new(&c, &n);
	unsigned char *copy = malloc(n);
	uint64_t junk[64];
	uint8_t a[16];
	int all_ok = 1;

	TAP_OK(sx_fakedns_valid(t, n), "fresh table is valid");
	TAP_OK(sx_fakedns_valid(t, n + 100), "a larger block is fine");
	TAP_OK(!sx_fakedns_valid(t, n - 1), "a shorter block is not");
	TAP_OK(!sx_fakedns_valid(NULL, n), "NULL is not");
	TAP_OK(!sx_fakedns_valid((char *)t + 1, n - 1), "misaligned is not");

	memset(junk, 0, sizeof(junk));
	TAP_OK(!sx_fakedns_valid(junk, sizeof(junk)), "zeros are not");
	srand(42);
	for (int round = 0; round < 1000; round++) {
		for (size_t i = 0; i < sizeof(junk); i++)
			((unsigned char *)junk)[i] = (unsigned char)rand();
		if (sx_fakedns_valid(junk, sizeof(junk)))
			all_ok = 0;
	}
	TAP_OK(all_ok, "1000 blocks of random bytes are not");
	memset(junk, 0xff, sizeof(junk));
	TAP_OK(!sx_fakedns_valid(junk, sizeof(junk)), "0xff bytes are not");

	/* Flip bits in the first bytes: either valid() refuses the block or the table stays
	 * usable and in bounds (ASan and valgrind watch the accesses). */
	TAP_IS(sx_fakedns_assign(t, "a.test", 4, a), 0, "assign one");
	all_ok = 1;
	for (size_t i = 0; i < 128 * 8; i++) {
		char name[256];

		memcpy(copy, t, n);
		copy[i / 8] ^= (unsigned char)(1u << (i % 8));
		if (!sx_fakedns_valid(copy, n))
			continue;
		if (sx_fakedns_count(copy) > 64)
			all_ok = 0;
		sx_fakedns_assign(copy, "a.test", 4, a);
		sx_fakedns_name(copy, 4, a, name);
		sx_fakedns_assign(copy, "b.test", 6, a);
		sx_fakedns_name(copy, 6, a, name);
	}
	TAP_OK(all_ok, "a block with any one bit flipped is refused or stays in bounds");
	free(copy);
	free(t);
}

/* A process killed between any two stores of an assign leaves a table whose readers see the
 * old state or the new one, never half a name; later assigns then work normally. Stores go
 * slot, index, count, which sit at descending offsets, so replaying the changed bytes from the
 * top of the block down models every kill point (at byte granularity, coarser than needed). */
static void test_torn_assign(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 8);
	size_t n, diff[512], nd = 0;
	void *before = table_new(&c, &n);
	unsigned char *after = malloc(n), *torn = malloc(n);

	/* Zeroed like a fresh mapping, so the byte diff below reads only defined bytes. */
	memset(before, 0, n);
	TAP_IS(sx_fakedns_init(before, n, &c), 0, "re-init over zeroed memory");
	uint8_t a[16], want[16];
	char name[256];
	int ok_read = 1, ok_heal = 1;

	TAP_IS(sx_fakedns_assign(before, "first.test", 4, a), 0, "state before");
	memcpy(after, before, n);
	TAP_IS(sx_fakedns_assign(after, "torn.test", 4, a), 0, "state after");
	for (size_t i = n; i-- > 0 && nd < 512;)
		if (((unsigned char *)before)[i] != after[i])
			diff[nd++] = i;
	TAP_OK(nd > 9 && nd < 512, "an assign changed %zu bytes", nd);

	for (size_t k = 0; k <= nd; k++) {
		memcpy(torn, before, n);
		for (size_t j = 0; j < k; j++)
			torn[diff[j]] = after[diff[j]];
		if (!sx_fakedns_valid(torn, n))
			ok_read = 0;
		unsigned cnt = sx_fakedns_count(torn);
		v4(want, 198, 18, 0, 2);
		int r = sx_fakedns_name(torn, 4, want, name);
		if (!((cnt == 1 && r == -ENOENT) ||
		      (cnt == 2 && r == 0 && !strcmp(name, "torn.test"))))
			ok_read = 0;
		/* The survivors carry on. */
		if (sx_fakedns_assign(torn, "other.test", 4, a) != 0)
			ok_heal = 0;
		uint8_t b[4];
		if (sx_fakedns_assign(torn, "torn.test", 4, b) != 0 || memcmp(a, b, 4) == 0)
			ok_heal = 0;
		if (sx_fakedns_name(torn, 4, a, name) != 0 || strcmp(name, "other.test"))
			ok_heal = 0;
		if (sx_fakedns_name(torn, 4, b, name) != 0 || strcmp(name, "torn.test"))
			ok_heal = 0;
		if (sx_fakedns_assign(torn, "FIRST.test", 4, b) != 0 || b[3] != 1)
			ok_heal = 0;
		if (sx_fakedns_count(torn) != 3)
			ok_heal = 0;
	}
	TAP_OK(ok_read, "every kill point reads as before or after, never half a name");
	TAP_OK(ok_heal, "and later assigns from every kill point are consistent");
	free(torn);
	free(after);
	free(before);
}

static void test_large(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 65536);
	size_t n;
	void *t = table_new(&c, &n);
	uint8_t a[16];
	char buf[32], name[256];
	int ok = 1;

	printf("# capacity 65536: %zu bytes\n", n);
	TAP_OK(n < 32u << 20, "capacity 65536 needs under 32 MiB (%zu)", n);
	for (unsigned i = 0; i < 65536; i++) {
		uint32_t host;

		snprintf(buf, sizeof(buf), "h%u.example", i);
		if (sx_fakedns_assign(t, buf, 4, a) != 0)
			ok = 0;
		host = ((uint32_t)(a[1] - 18) << 16) | ((uint32_t)a[2] << 8) | a[3];
		if (host != i + 1)
			ok = 0;
	}
	TAP_OK(ok, "65536 names assigned in order");
	TAP_IS(sx_fakedns_assign(t, "one.more", 4, a), -ENOSPC, "65537th -> -ENOSPC");
	ok = 1;
	for (unsigned i = 0; i < 65536; i += 7) {
		char lower[32];

		snprintf(buf, sizeof(buf), "H%u.Example.", i);
		snprintf(lower, sizeof(lower), "h%u.example", i);
		if (sx_fakedns_assign(t, buf, 6, a) != 0 || sx_fakedns_name(t, 6, a, name) != 0 ||
		    strcmp(name, lower) != 0)
			ok = 0;
	}
	TAP_OK(ok, "lookups in a full table find every name");
	TAP_IS(sx_fakedns_count(t), 65536, "count 65536");
	free(t);
}

/* A spin lock in the shared mapping stands in for preload's robust mutex. */
static void lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#define CHILDREN  4
#define PER_CHILD 300

static int child_work(void *t, uint32_t *l, int id)
{
	char buf[64], name[256];
	uint8_t a[16];
	int bad = 0;

	for (int i = 0; i < PER_CHILD; i++) {
		snprintf(buf, sizeof(buf), "c%d-%d.test", id, i);
		lock(l);
		int r = sx_fakedns_assign(t, buf, i % 2 ? 6 : 4, a);
		unlock(l);
		if (r != 0 || sx_fakedns_name(t, i % 2 ? 6 : 4, a, name) != 0 || strcmp(name, buf))
			bad = 1;
		/* Names every child asks for must end up in one slot. */
		snprintf(buf, sizeof(buf), "common%d.test", i % 10);
		lock(l);
		r = sx_fakedns_assign(t, buf, 4, a);
		unlock(l);
		if (r != 0)
			bad = 1;
	}
	return bad;
}

static void test_fork(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 4096);
	size_t n = sx_fakedns_size(4096) + 64;
	char *map = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint32_t *l = (uint32_t *)map;
	void *t = map + 64;
	uint8_t pa[16], ca[16], want[16];
	char name[256];
	int status, ok;
	pid_t pid;

	TAP_OK(map != MAP_FAILED, "shared mapping");
	if (map == MAP_FAILED)
		return;
	TAP_IS(sx_fakedns_init(t, n - 64, &c), 0, "init in shared memory");
	TAP_IS(sx_fakedns_assign(t, "parent.test", 4, pa), 0, "parent assigns before fork");

	pid = fork();
	if (pid == 0) {
		int bad = 0;

		if (!sx_fakedns_valid(t, n - 64))
			bad |= 1;
		if (sx_fakedns_name(t, 4, pa, name) != 0 || strcmp(name, "parent.test"))
			bad |= 2;
		if (sx_fakedns_assign(t, "child.test", 6, ca) != 0)
			bad |= 4;
		_exit(bad);
	}
	TAP_OK(pid > 0, "fork");
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "child sees the parent's name and assigns its own (status %d)", status);
	v6_host(want, 2);
	TAP_IS(sx_fakedns_name(t, 6, want, name), 0, "parent maps the child's address back");
	TAP_STR(name, "child.test", "to the child's name");
	TAP_IS(sx_fakedns_assign(t, "Child.Test", 4, ca), 0, "parent asks for the child's name");
	v4(want, 198, 18, 0, 2);
	TAP_MEM(ca, want, 4, "and gets the child's slot");
	TAP_IS(sx_fakedns_count(t), 2, "two slots across two processes");

	/* Children racing each other under the shared lock. */
	pid_t kids[CHILDREN];
	for (int i = 0; i < CHILDREN; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(child_work(t, l, i));
	}
	ok = 1;
	for (int i = 0; i < CHILDREN; i++) {
		if (kids[i] < 0 || waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			ok = 0;
	}
	TAP_OK(ok, "%d children assign %d names each, each maps back", CHILDREN, PER_CHILD);
	TAP_IS(sx_fakedns_count(t), 2 + CHILDREN * PER_CHILD + 10,
	       "every name has exactly one slot");
	ok = 1;
	for (uint32_t i = 1; i <= sx_fakedns_count(t); i++) {
		char again[256];
		uint8_t b[16];

		v6_host(want, i);
		if (sx_fakedns_name(t, 6, want, name) != 0)
			ok = 0;
		memcpy(again, name, sizeof(again));
		if (sx_fakedns_assign(t, again, 6, b) != 0 || memcmp(b, want, 16))
			ok = 0;
	}
	TAP_OK(ok, "the parent sees every child's name at its one address");
	munmap(map, n);
}

/* A fresh zero-filled block may skip clearing the index; the table behaves the same. */
static void test_zeroed_storage(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 64);
	c.zeroed = true;
	size_t n = sx_fakedns_size(c.capacity);
	void *t = calloc(1, n);
	TAP_IS(sx_fakedns_init(t, n, &c), 0, "zeroed: init on calloc'd storage");
	uint8_t a[4], b[4];
	char name[256];
	TAP_IS(sx_fakedns_assign(t, "one.test", SX_FAKEDNS_V4, a), 0, "zeroed: assign");
	TAP_IS(sx_fakedns_assign(t, "two.test", SX_FAKEDNS_V4, b), 0, "zeroed: a second name");
	TAP_OK(memcmp(a, b, 4) != 0, "zeroed: distinct addresses");
	TAP_IS(sx_fakedns_assign(t, "ONE.test.", SX_FAKEDNS_V4, b), 0, "zeroed: same name again");
	TAP_MEM(a, b, 4, "zeroed: same address");
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, a, name), 0, "zeroed: reverse");
	TAP_STR(name, "one.test", "zeroed: the name");
	TAP_OK(sx_fakedns_valid(t, n), "zeroed: valid");
	free(t);
}

/* Item 11: a table starts at a random point (cfg.start) and wraps around its range,
 * never onto the network or (IPv4) broadcast address. */
static void test_random_start(void)
{
	struct sx_fakedns_cfg c = cfg_of(29, 64, 100); /* 6 usable IPv4 addresses */
	uint8_t a[4], b[4], want[4], six[16], six_want[16];
	char name[256];

	c.start = 4; /* offsets 5, 6, then wrap to 1 */
	void *t = table_new(&c, NULL);
	TAP_IS(sx_fakedns_assign(t, "a.test", SX_FAKEDNS_V4, a), 0, "start: assign a");
	v4(want, 198, 18, 0, 5);
	TAP_MEM(a, want, 4, "start 4: the first name gets base + 5");
	TAP_IS(sx_fakedns_assign(t, "b.test", SX_FAKEDNS_V4, b), 0, "start: assign b");
	TAP_IS(sx_fakedns_assign(t, "c.test", SX_FAKEDNS_V4, b), 0, "start: assign c");
	v4(want, 198, 18, 0, 1);
	TAP_MEM(b, want, 4, "the third name wraps to base + 1, past the broadcast address");
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, b, name), 0, "reverse of a wrapped address");
	TAP_STR(name, "c.test", "it names the third name");
	TAP_IS(sx_fakedns_assign(t, "c.test", SX_FAKEDNS_V6, six), 0, "IPv6 of the same name");
	v6_host(six_want, 7); /* IPv6 has no wrap at 6: start 4 + slot 2 + 1 */
	TAP_MEM(six, six_want, 16, "IPv6 offset follows the same start");
	v4(a, 198, 18, 0, 2);
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, a, name), -ENOENT,
	       "an address before the start that was never handed out fails closed");
	v4(a, 198, 18, 0, 7);
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, a, name), -ENOENT,
	       "the broadcast address is no name");
	free(t);

	c.start = 0xfffffff0u; /* any value: reduced modulo the span */
	t = table_new(&c, NULL);
	TAP_IS(sx_fakedns_assign(t, "x.test", SX_FAKEDNS_V4, a), 0, "huge start: assign");
	TAP_IS(sx_fakedns_name(t, SX_FAKEDNS_V4, a, name), 0, "huge start: reverse");
	TAP_STR(name, "x.test", "huge start: same name");
	TAP_OK(sx_fakedns_valid(t, sx_fakedns_size(100)), "huge start: valid");
	free(t);
}

/* Item 18: the capacity follows the ranges up to the caller's bound, so "widen the
 * range" is advice that helps only below that bound. */
static void test_capacity(void)
{
	struct sx_fakedns_cfg c = cfg_of(30, 64, 65536);

	TAP_IS(sx_fakedns_capacity(&c), 2u, "a /30 holds 2 names");
	c = cfg_of(16, 64, 65536);
	TAP_IS(sx_fakedns_capacity(&c), 65534u, "a /16 holds 65534 names");
	c = cfg_of(15, 64, 65536);
	TAP_IS(sx_fakedns_capacity(&c), 65536u, "the default /15 is bounded by the capacity");
	c = cfg_of(8, 64, 65536);
	TAP_IS(sx_fakedns_capacity(&c), 65536u, "a wider range does not raise the bound");
	c = cfg_of(15, 126, 65536);
	TAP_IS(sx_fakedns_capacity(&c), 3u, "an IPv6 /126 holds 3 names");
	c = cfg_of(31, 64, 16);
	TAP_IS(sx_fakedns_capacity(&c), 0u, "an invalid cfg has none");
	void *t = table_new(
	    &(struct sx_fakedns_cfg){
		.v4_base = {198, 18, 0, 0}, .v4_prefix = 16, .v6_prefix = 64, .capacity = 65536},
	    NULL);
	TAP_IS(sx_fakedns_capacity_of(t), 65534u, "the table knows its capacity");
	free(t);
}

/* Item 10: the bytes a table touches while it holds n names, for reserving them. */
static void test_size_used(void)
{
	TAP_IS(sx_fakedns_size_used(65536, 65536), sx_fakedns_size(65536),
	       "all names: the whole size");
	TAP_IS(sx_fakedns_size_used(65536, 1) - sx_fakedns_size_used(65536, 0), (size_t)264,
	       "one name: one slot more");
	TAP_IS(sx_fakedns_size_used(65536, 0), (size_t)(128 + 131072 * 4),
	       "no name: header and index");
	TAP_IS(sx_fakedns_size_used(4, 9), sx_fakedns_size(4), "more names than capacity: capped");
	TAP_IS(sx_fakedns_size_used(0, 0), (size_t)0, "no capacity: 0");
}

/* Item 10: with no memory for a new slot, names that have one still resolve. */
static void test_lookup(void)
{
	struct sx_fakedns_cfg c = cfg_of(15, 64, 8);
	uint8_t a[4], b[4];
	void *t = table_new(&c, NULL);

	TAP_IS(sx_fakedns_lookup(t, "web.test", SX_FAKEDNS_V4, a), -ENOENT, "lookup: unknown name");
	TAP_IS(sx_fakedns_count(t), 0u, "lookup adds nothing");
	TAP_IS(sx_fakedns_assign(t, "web.test", SX_FAKEDNS_V4, a), 0, "lookup: assign");
	TAP_IS(sx_fakedns_lookup(t, "WEB.test.", SX_FAKEDNS_V4, b), 0, "lookup: known name");
	TAP_MEM(a, b, 4, "lookup gives the assigned address");
	TAP_IS(sx_fakedns_lookup(t, "", SX_FAKEDNS_V4, b), -EINVAL, "lookup: empty name");
	free(t);
}

int main(void)
{
	test_random_start();
	test_capacity();
	test_size_used();
	test_lookup();
	test_zeroed_storage();
	test_basics();
	test_name_lengths();
	test_exhaustion();
	test_init_errors();
	test_valid();
	test_torn_assign();
	test_large();
	test_fork();
	return tap_done();
}
