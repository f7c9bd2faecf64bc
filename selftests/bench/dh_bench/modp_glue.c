// SPDX-License-Identifier: GPL-2.0
/* Oakley's MODP primes, compiled into the benchmark module. */
#include "modp.c"
