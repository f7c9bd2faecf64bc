// SPDX-License-Identifier: GPL-2.0
/* The code under test, compiled into the test module. */
#include "xfrm.c"
