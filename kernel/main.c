// SPDX-License-Identifier: GPL-2.0
/*
 * Oakley: the Internet Key Exchange in the kernel.  Module entry points.
 */

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "ike.h"
#include "netlink.h"
#include "netns.h"
#include "core/km.h"

atomic64_t oakley_objects_total = ATOMIC64_INIT(0);

/*
 * Read-only leak check across namespaces: an object leaked by a namespace
 * that is gone shows here, where no per-namespace counter can see it.
 */
static int oakley_objects_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&oakley_objects_total));
}

static const struct kernel_param_ops oakley_objects_ops = {
	.get = oakley_objects_get,
};

module_param_cb(objects, &oakley_objects_ops, NULL, 0444);
MODULE_PARM_DESC(objects, "Oakley objects alive in all network namespaces (read-only)");

/* Namespaces with an engine (a connection), and stopped engines not freed yet. */
static int oakley_engines_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", oakley_ike_engines());
}

static const struct kernel_param_ops oakley_engines_ops = {
	.get = oakley_engines_get,
};

module_param_cb(engines, &oakley_engines_ops, NULL, 0444);
MODULE_PARM_DESC(engines, "IKE engines alive in all network namespaces (read-only)");

static int __init oakley_mod_init(void)
{
	int err;

	err = oakley_ike_init();
	if (err)
		return err;
	err = oakley_netns_register();
	if (err)
		goto err_ike;
	err = oakley_genl_register();
	if (err)
		goto err_netns;
	err = oak_km_register();
	if (err)
		goto err_genl;
	return 0;

err_genl:
	oakley_genl_unregister();
err_netns:
	oakley_netns_unregister();
err_ike:
	oakley_ike_exit();
	return err;
}

static void __exit oakley_mod_exit(void)
{
	oak_km_unregister();
	oakley_genl_unregister();
	oakley_netns_unregister();
	oakley_ike_exit();
}

module_init(oakley_mod_init);
module_exit(oakley_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oakley: IKEv2/IKEv1 key exchange in the kernel");
MODULE_ALIAS_GENL_FAMILY(OAKLEY_GENL_NAME);
/* The IKE sockets' bypass policies go through xfrm_user's compiler. */
MODULE_SOFTDEP("pre: xfrm_user");
