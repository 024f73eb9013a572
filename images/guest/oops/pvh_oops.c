// SPDX-License-Identifier: GPL-2.0
/*
 * pvh_oops: the pvpanic harness's crasher module (Debian's kernels have no LKDTM). Loading it
 * oopses the kernel with a NULL dereference in its init function, in process context (insmod's
 * task, neither init nor an interrupt): with kernel.panic_on_oops=1 the oops becomes a panic
 * ("Fatal exception"); without it the kernel kills insmod and goes on.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init pvh_oops_init(void)
{
	/* volatile: the compiler must load the pointer, so it cannot prove the fault away */
	int *volatile nowhere = NULL;

	pr_emerg("pvh_oops: dereferencing NULL\n");
	*nowhere = 1;
	return 0;
}
module_init(pvh_oops_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pvpanic-harness oops trigger: a NULL dereference at load");
