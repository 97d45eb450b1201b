/* SPDX-License-Identifier: MIT */
/* Storage for the per-thread re-entrancy depth (see guard.h). */
#include "guard.h"

__thread int sx_guard_depth;
