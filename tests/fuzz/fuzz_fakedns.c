/* SPDX-License-Identifier: MIT */
/* Fake-DNS table: a sequence of assign / name / in_range operations decoded from the
 * input on a small table, checked against a plain model: one name, one address, and the
 * reverse lookup agrees. A second mode hands the table functions an arbitrary block
 * that passed sx_fakedns_valid(), as an inherited memfd could be. */
#include <errno.h>

#include "../../core/fakedns.h"
#include "../../core/target.h"
#include "fuzz.h"

#define MAX_CAP	  64
#define BLOCK_LEN (64 * 1024)

static _Alignas(8) uint8_t block[BLOCK_LEN];

/* The model: normalised names in assignment order. */
static char model[MAX_CAP][SX_NAME_MAX + 1];
static unsigned nmodel;

static int normalise(const char *in, char out[SX_NAME_MAX + 1])
{
	size_t n = strlen(in);

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0)
		return -EINVAL;
	if (n > SX_NAME_MAX)
		return -ENAMETOOLONG;
	if (in[n - 1] == '.')
		return -EINVAL; /* an empty last label */
	for (size_t i = 0; i < n; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
	out[n] = '\0';
	return 0;
}

static int find(const char *norm)
{
	for (unsigned i = 0; i < nmodel; i++)
		if (strcmp(model[i], norm) == 0)
			return (int)i;
	return -1;
}

static int alen(int af)
{
	return af == SX_FAKEDNS_V4 ? 4 : 16;
}

static void op_assign(struct fz *f, unsigned usable)
{
	char name[SX_NAME_MAX + 3], norm[SX_NAME_MAX + 1], back[256];
	uint8_t sel = fz_u8(f), addr[16], again[16];
	int af = (sel & 1) ? SX_FAKEDNS_V6 : SX_FAKEDNS_V4;
	int want, r, idx;

	if ((sel & 2) && nmodel) {
		/* an old name again, in another spelling: upper case and/or a trailing dot */
		strcpy(name, model[fz_u8(f) % nmodel]);
		for (char *p = name; *p && (sel & 4); p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (sel & 8)
			strcat(name, ".");
	} else {
		size_t want_len = fz_u8(f) + ((sel & 0x10) ? 100u : 0u);

		if (want_len > sizeof(name) - 1)
			want_len = sizeof(name) - 1;
		want_len = fz_bytes(f, name, want_len);
		name[want_len] = '\0';
	}
	want = normalise(name, norm);
	idx = want < 0 ? -1 : find(norm);
	r = sx_fakedns_assign(block, name, af, addr);
	if (want < 0) {
		FZ_CHECK(r == want);
		return;
	}
	if (idx < 0 && nmodel == usable) {
		FZ_CHECK(r == -ENOSPC);
		return;
	}
	FZ_CHECK(r == 0);
	if (idx < 0) {
		idx = (int)nmodel;
		strcpy(model[nmodel++], norm);
	}
	FZ_CHECK(sx_fakedns_count(block) == nmodel);
	FZ_CHECK(sx_fakedns_in_range(block, af, addr));
	FZ_CHECK(sx_fakedns_name(block, af, addr, back) == 0);
	FZ_CHECK(strcmp(back, model[idx]) == 0);
	/* The same name always yields the same address. */
	FZ_CHECK(sx_fakedns_assign(block, norm, af, again) == 0);
	FZ_CHECK(memcmp(addr, again, (size_t)alen(af)) == 0);
}

static void op_lookup(struct fz *f, const uint8_t *known, int known_af)
{
	uint8_t sel = fz_u8(f), addr[16] = {0};
	int af = (sel & 1) ? SX_FAKEDNS_V6 : SX_FAKEDNS_V4;
	char name[256], norm[SX_NAME_MAX + 1];
	uint8_t fwd[16];
	bool in;
	int r;

	if ((sel & 2) && known_af == af) {
		/* near a known fake address: only the last byte comes from the input */
		memcpy(addr, known, (size_t)alen(af));
		addr[alen(af) - 1] = fz_u8(f);
	} else {
		fz_bytes(f, addr, (size_t)alen(af));
	}
	in = sx_fakedns_in_range(block, af, addr);
	r = sx_fakedns_name(block, af, addr, name);
	if (!in) {
		FZ_CHECK(r == -EINVAL);
		return;
	}
	FZ_CHECK(r == 0 || r == -ENOENT);
	if (r < 0)
		return;
	/* The reverse lookup agrees with the forward one. */
	FZ_CHECK(normalise(name, norm) == 0 && strcmp(norm, name) == 0);
	FZ_CHECK(find(name) >= 0);
	FZ_CHECK(sx_fakedns_assign(block, name, af, fwd) == 0);
	FZ_CHECK(memcmp(fwd, addr, (size_t)alen(af)) == 0);
}

static void model_run(struct fz *f)
{
	struct sx_fakedns_cfg cfg;
	uint8_t known[16] = {0};
	int known_af = 0;
	size_t size;
	unsigned usable;

	memset(&cfg, 0, sizeof(cfg));
	fz_bytes(f, cfg.v4_base, 4);
	fz_bytes(f, cfg.v6_base, 16);
	cfg.v4_prefix = 24 + fz_u8(f) % 9;  /* 24..32: 32 must be refused */
	cfg.v6_prefix = 120 + fz_u8(f) % 9; /* 120..128: 128 must be refused */
	cfg.capacity = fz_u8(f) % (MAX_CAP + 1);
	size = sx_fakedns_size(cfg.capacity ? cfg.capacity : 1);
	FZ_CHECK(size > 0 && size <= sizeof(block));
	if (sx_fakedns_init(block, size, &cfg) < 0) {
		FZ_CHECK(cfg.capacity == 0 || cfg.v4_prefix > 30 || cfg.v6_prefix > 127);
		return;
	}
	FZ_CHECK(sx_fakedns_valid(block, size));
	FZ_CHECK(sx_fakedns_count(block) == 0);
	usable = cfg.capacity;
	if (usable > (1u << (32 - cfg.v4_prefix)) - 2)
		usable = (1u << (32 - cfg.v4_prefix)) - 2;
	if (usable > (1u << (128 - cfg.v6_prefix)) - 1)
		usable = (1u << (128 - cfg.v6_prefix)) - 1;
	nmodel = 0;
	for (int ops = 0; ops < 256 && f->n; ops++) {
		uint8_t op = fz_u8(f);

		if (op % 2 == 0) {
			op_assign(f, usable);
			if (nmodel) {
				known_af = (op & 2) ? SX_FAKEDNS_V6 : SX_FAKEDNS_V4;
				FZ_CHECK(sx_fakedns_assign(block, model[nmodel - 1], known_af,
							   known) == 0);
			}
		} else {
			op_lookup(f, known, known_af);
		}
	}
	/* Every name still maps both ways. */
	for (unsigned i = 0; i < nmodel; i++) {
		uint8_t a[16];
		char back[256];

		FZ_CHECK(sx_fakedns_assign(block, model[i], SX_FAKEDNS_V6, a) == 0);
		FZ_CHECK(sx_fakedns_name(block, SX_FAKEDNS_V6, a, back) == 0);
		FZ_CHECK(strcmp(back, model[i]) == 0);
	}
	FZ_CHECK(sx_fakedns_count(block) == nmodel);
}

/* An arbitrary block: if it passes validation, nothing may read or write outside it. */
static void hostile_block(struct fz *f)
{
	size_t size = f->n < sizeof(block) ? f->n : sizeof(block);
	uint8_t *heap;
	char name[256];

	size &= ~(size_t)7;
	if (size == 0)
		return;
	heap = aligned_alloc(8, size); /* exact size: ASan sees any access past it */
	FZ_CHECK(heap != NULL);
	fz_bytes(f, heap, size);
	if (sx_fakedns_valid(heap, size)) {
		uint8_t a[16] = {0};

		(void)sx_fakedns_count(heap);
		for (unsigned i = 0; i < 8; i++) {
			memcpy(a, heap + 40, 4);
			a[3] = (uint8_t)(a[3] + i);
			if (sx_fakedns_name(heap, SX_FAKEDNS_V4, a, name) == 0)
				FZ_CHECK(strnlen(name, sizeof(name)) < sizeof(name));
		}
		(void)sx_fakedns_assign(heap, "hostile.test", SX_FAKEDNS_V4, a);
		(void)sx_fakedns_assign(heap, "other.test", SX_FAKEDNS_V6, a);
	}
	free(heap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};

	if (size < 1)
		return 0;
	if (fz_u8(&f) == 'H')
		hostile_block(&f);
	else
		model_run(&f);
	return 0;
}
