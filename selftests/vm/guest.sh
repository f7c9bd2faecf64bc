#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 2 of the test VM: PID 1 in the overlaid host root.
# Sets up a fresh /run, /dev/pts, /dev/shm and the result share (/run/oakvm, 9p tag oakres),
# runs /run/oakvm/cmd (written by run.sh) as root with stdin from /dev/null
# and its output on the console between markers, then stores the exit status
# and the kernel log in the share and powers off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8 OAKLEY_IN_VM=1

off()
{
	sync
	/bin/busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 30
}

mount -t tmpfs -o mode=755 run /run
mkdir -p /run/oakvm /run/lock /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 oakres /run/oakvm || {
	echo "oakvm guest: cannot mount the result share"
	off
}
ln -sf /proc/self/fd /dev/fd 2>/dev/null
ln -sf /proc/self/fd/0 /dev/stdin 2>/dev/null
ln -sf /proc/self/fd/1 /dev/stdout 2>/dev/null
ln -sf /proc/self/fd/2 /dev/stderr 2>/dev/null
hostname oakvm
# A kernel of our own (run.sh --modroot): its modules, where modprobe looks.
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	oakvm_modroot=*)
		kmods=/lib/modules/$(uname -r)
		mkdir -p "$kmods" &&
			mount --bind "${arg#oakvm_modroot=}$kmods" "$kmods" ||
			echo "oakvm guest: cannot mount the modules of $(uname -r)"
		;;
	esac
done
ip link set lo up 2>/dev/null

echo "@@OAKVM-BEGIN@@"
bash /run/oakvm/cmd </dev/null
rc=$?
echo "@@OAKVM-END rc=$rc@@"
dmesg >/run/oakvm/dmesg 2>&1
echo "$rc" >/run/oakvm/rc
off
