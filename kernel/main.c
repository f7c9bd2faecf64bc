// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the Internet Key Exchange in the kernel.  Module entry points.
 */

#include <linux/init.h>
#include <linux/module.h>

#include "netlink.h"
#include "netns.h"

static int __init oakley_mod_init(void)
{
	int err;

	err = oakley_netns_register();
	if (err)
		return err;
	err = oakley_genl_register();
	if (err)
		goto err_netns;
	return 0;

err_netns:
	oakley_netns_unregister();
	return err;
}

static void __exit oakley_mod_exit(void)
{
	oakley_genl_unregister();
	oakley_netns_unregister();
}

module_init(oakley_mod_init);
module_exit(oakley_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oakley: IKEv2/IKEv1 key exchange in the kernel");
MODULE_ALIAS_GENL_FAMILY(OAKLEY_GENL_NAME);
