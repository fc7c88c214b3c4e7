// Package check is `myrunc check`: what this host can and cannot do for
// containers, each finding with a fix.
package check

import (
	"bufio"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Level is how a finding weighs.
type Level int

const (
	OK   Level = iota // works
	Info              // worth knowing, nothing to fix
	Warn              // containers run, some feature does not
	Fail              // containers cannot run (or the engine cannot)
)

func (l Level) String() string { return [...]string{"ok", "info", "warn", "FAIL"}[l] }

// Result is one finding.
type Result struct {
	Area   string
	Level  Level
	Detail string
	Fix    string
}

// Options: where the engine keeps its data (its filesystem matters).
type Options struct {
	DataRoot string
}

// Run runs every check.
func Run(o Options) []Result {
	var out []Result
	for _, f := range []func(Options) []Result{privileges, kernel, cgroupsCheck, overlay, namespaces, seccompCheck,
		capabilitiesCheck, firewall, networking, idmapHelpers, lsm} {
		out = append(out, f(o)...)
	}
	return out
}

func ok(area, detail string) Result { return Result{Area: area, Level: OK, Detail: detail} }
func info(area, detail string) Result {
	return Result{Area: area, Level: Info, Detail: detail}
}
func warn(area, detail, fix string) Result {
	return Result{Area: area, Level: Warn, Detail: detail, Fix: fix}
}
func failed(area, detail, fix string) Result {
	return Result{Area: area, Level: Fail, Detail: detail, Fix: fix}
}

func privileges(Options) []Result {
	if os.Geteuid() == 0 {
		return []Result{ok("user", "running as root")}
	}
	return []Result{warn("user", fmt.Sprintf("running as uid %d: rootless mode (user namespace, no cgroup limits unless delegated)", os.Geteuid()),
		"run as root for the engine's networks and resource limits, or delegate a cgroup v2 subtree to this user")}
}

// kernelVersion parses uname's release: 6.1.0-18-amd64 -> 6, 1.
func kernelVersion() (int, int, string) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return 0, 0, "unknown"
	}
	rel := unix.ByteSliceToString(u.Release[:])
	parts := strings.FieldsFunc(rel, func(r rune) bool { return r == '.' || r == '-' || r == '+' })
	maj, mnr := 0, 0
	if len(parts) > 1 {
		maj, _ = strconv.Atoi(parts[0])
		mnr, _ = strconv.Atoi(parts[1])
	}
	return maj, mnr, rel
}

func atLeast(maj, mnr, wantMaj, wantMnr int) bool {
	return maj > wantMaj || maj == wantMaj && mnr >= wantMnr
}

func kernel(Options) []Result {
	maj, mnr, rel := kernelVersion()
	var out []Result
	switch {
	case !atLeast(maj, mnr, 4, 14):
		out = append(out, failed("kernel", "Linux "+rel+": older than 4.14", "upgrade the kernel (5.6 or newer recommended)"))
	case !atLeast(maj, mnr, 5, 6):
		out = append(out, warn("kernel", "Linux "+rel+": no openat2 (5.6), paths inside images are resolved the slow way",
			"upgrade to Linux 5.6 or newer"))
	default:
		out = append(out, ok("kernel", "Linux "+rel))
	}
	features := []struct {
		name     string
		maj, mnr int
		missing  string
	}{
		{"new mount API (fsopen/fsmount, 5.2)", 5, 2, "overlay root filesystems fall back to mount(2)"},
		{"openat2 RESOLVE_IN_ROOT (5.6)", 5, 6, "image paths are resolved component by component"},
		{"pidfd_open (5.3)", 5, 3, "process liveness checks use /proc start times only"},
		{"clone3 into a cgroup (5.7)", 5, 7, "the init joins its cgroup after it starts"},
		{"overlayfs lowerdir+ (6.8)", 6, 8, "images deeper than ~90 layers cannot be mounted"},
		{"idmapped mounts of tmpfs/overlay (6.3)", 6, 3, "idmapped mounts work on fewer filesystems"},
	}
	var have, lack []string
	for _, f := range features {
		if atLeast(maj, mnr, f.maj, f.mnr) {
			have = append(have, f.name)
		} else {
			lack = append(lack, f.name+": "+f.missing)
		}
	}
	if len(have) > 0 {
		out = append(out, ok("kernel features", strings.Join(have, ", ")))
	}
	for _, l := range lack {
		out = append(out, warn("kernel features", l, "upgrade the kernel"))
	}
	return out
}

// cgroupMode reads how /sys/fs/cgroup is mounted.
func cgroupMode() (string, error) {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err != nil {
		return "", err
	}
	if st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2", nil
	}
	if unix.Statfs("/sys/fs/cgroup/unified", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "hybrid", nil
	}
	return "v1", nil
}

func cgroupsCheck(Options) []Result {
	mode, err := cgroupMode()
	if err != nil {
		return []Result{failed("cgroups", "/sys/fs/cgroup: "+err.Error(), "mount cgroup2 on /sys/fs/cgroup (mount -t cgroup2 none /sys/fs/cgroup)")}
	}
	want := []string{"cpu", "cpuset", "memory", "pids", "io", "freezer", "devices", "hugetlb"}
	var have []string
	if mode == "v2" {
		data, _ := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		have = strings.Fields(string(data))
		have = append(have, "freezer", "devices") // built into v2 (cgroup.freeze, eBPF)
	} else {
		for _, c := range []string{"cpu", "cpuset", "memory", "pids", "blkio", "freezer", "devices", "hugetlb"} {
			if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", c)); err == nil {
				if c == "blkio" {
					c = "io"
				}
				have = append(have, c)
			}
		}
	}
	out := []Result{ok("cgroups", fmt.Sprintf("%s, controllers: %s", mode, strings.Join(have, " ")))}
	if mode != "v2" {
		out = append(out, info("cgroups", "cgroup v1 (or hybrid): works; cgroup v2 gives memory.high, io weights and safer delegation"))
	}
	for _, c := range want {
		if slices.Contains(have, c) {
			continue
		}
		lvl, fix := Warn, "enable the "+c+" controller"
		if mode == "v2" {
			fix = "echo +" + c + " > /sys/fs/cgroup/cgroup.subtree_control (or enable it in the kernel)"
		}
		if c == "memory" || c == "pids" || c == "cpu" {
			fix += "; the matching container flags (-m, --pids-limit, --cpus) fail without it"
		}
		out = append(out, Result{Area: "cgroups", Level: lvl, Detail: c + " controller missing", Fix: fix})
	}
	if mode != "v2" && slices.Contains(have, "memory") {
		if _, err := os.Stat("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"); err != nil {
			out = append(out, warn("cgroups", "no swap accounting: --memory-swap is ignored", "boot with swapaccount=1"))
		}
	}
	return out
}

func filesystems() []string {
	data, _ := os.ReadFile("/proc/filesystems")
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, f[len(f)-1])
		}
	}
	return out
}

// overlay checks overlayfs is there and mounts on the data root's
// filesystem (overlay on overlay, or on xfs without d_type, does not).
func overlay(o Options) []Result {
	if !slices.Contains(filesystems(), "overlay") {
		return []Result{failed("overlayfs", "not in /proc/filesystems", "modprobe overlay (CONFIG_OVERLAY_FS)")}
	}
	dir := o.DataRoot
	for dir != "/" {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	tmp, err := os.MkdirTemp(dir, ".check-overlay-")
	if err != nil {
		return []Result{warn("overlayfs", "could not try a mount under "+dir+": "+err.Error(), "run as root")}
	}
	defer os.RemoveAll(tmp)
	for _, d := range []string{"lower", "upper", "work", "merged"} {
		os.Mkdir(filepath.Join(tmp, d), 0o755)
	}
	merged := filepath.Join(tmp, "merged")
	opts := fmt.Sprintf("lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", tmp, tmp, tmp)
	if err := unix.Mount("overlay", merged, "overlay", 0, opts); err != nil {
		var st unix.Statfs_t
		unix.Statfs(dir, &st)
		return []Result{failed("overlayfs", fmt.Sprintf("mount on %s (filesystem 0x%x) failed: %v", dir, st.Type, err),
			"put --data-root on ext4 or xfs (with ftype=1), not on overlayfs or tmpfs-less containers")}
	}
	unix.Unmount(merged, 0)
	return []Result{ok("overlayfs", "mounts on the data root's filesystem ("+dir+")")}
}

func namespaces(Options) []Result {
	var out []Result
	var have, lack []string
	for _, ns := range []string{"mnt", "uts", "ipc", "pid", "net", "user", "cgroup", "time"} {
		if _, err := os.Stat("/proc/self/ns/" + ns); err == nil {
			have = append(have, ns)
		} else {
			lack = append(lack, ns)
		}
	}
	out = append(out, ok("namespaces", strings.Join(have, " ")))
	for _, ns := range lack {
		lvl := Fail
		if ns == "time" || ns == "cgroup" || ns == "user" {
			lvl = Warn
		}
		out = append(out, Result{Area: "namespaces", Level: lvl, Detail: ns + " namespace missing", Fix: "enable CONFIG_" + strings.ToUpper(ns) + "_NS in the kernel"})
	}
	if n := readInt("/proc/sys/user/max_user_namespaces"); n == 0 {
		out = append(out, warn("user namespaces", "user.max_user_namespaces is 0: rootless containers and userns remapping fail",
			"sysctl -w user.max_user_namespaces=15000"))
	} else if v := readInt("/proc/sys/kernel/unprivileged_userns_clone"); v == 0 {
		out = append(out, warn("user namespaces", "kernel.unprivileged_userns_clone=0: only root can make user namespaces (rootless fails)",
			"sysctl -w kernel.unprivileged_userns_clone=1"))
	} else {
		out = append(out, ok("user namespaces", fmt.Sprintf("allowed (max %d)", n)))
	}
	return out
}

func readInt(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return -1
	}
	return n
}

func seccompCheck(Options) []Result {
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err != nil {
		return []Result{failed("seccomp", "the kernel has no seccomp: "+err.Error(),
			"enable CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (Docker's default profile needs them)")}
	}
	status, _ := os.ReadFile("/proc/self/status")
	if !strings.Contains(string(status), "Seccomp_filters:") && !strings.Contains(string(status), "Seccomp:") {
		return []Result{warn("seccomp", "cannot tell whether seccomp filters work", "enable CONFIG_SECCOMP_FILTER")}
	}
	actions, _ := os.ReadFile("/proc/sys/kernel/seccomp/actions_avail")
	detail := "filters available"
	if a := strings.TrimSpace(string(actions)); a != "" {
		detail += " (" + a + ")"
	}
	res := []Result{ok("seccomp", detail)}
	if !strings.Contains(string(actions), "user_notif") {
		res = append(res, warn("seccomp", "no user notification (SCMP_ACT_NOTIFY)", "Linux 5.0 or newer"))
	}
	return res
}

func capabilitiesCheck(Options) []Result {
	status, _ := os.ReadFile("/proc/self/status")
	sc := bufio.NewScanner(strings.NewReader(string(status)))
	for sc.Scan() {
		if v, found := strings.CutPrefix(sc.Text(), "CapBnd:"); found {
			bnd, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			var lack []string
			for bit, name := range map[int]string{21: "CAP_SYS_ADMIN", 12: "CAP_NET_ADMIN", 24: "CAP_SYS_RESOURCE", 19: "CAP_SYS_PTRACE"} {
				if bnd&(1<<bit) == 0 {
					lack = append(lack, name)
				}
			}
			slices.Sort(lack)
			if len(lack) == 0 {
				return []Result{ok("capabilities", "the bounding set has what the runtime uses")}
			}
			lvl := Warn
			if slices.Contains(lack, "CAP_SYS_ADMIN") {
				lvl = Fail
			}
			return []Result{{Area: "capabilities", Level: lvl, Detail: "this process lacks " + strings.Join(lack, ", ") +
				" (CAP_SYS_RESOURCE: rlimits above ours cannot be given; --privileged gets fewer capabilities)",
				Fix: "run myrunc from a fully privileged root (not inside a restricted container)"}}
		}
	}
	return nil
}

func firewall(Options) []Result {
	var out []Result
	if slices.Contains(modules(), "nf_tables") || fileExists("/proc/net/netfilter/nf_tables") || nftWorks() {
		out = append(out, ok("nftables", "available: networks' NAT and published ports go into the table 'ip myrunc'"))
	} else {
		out = append(out, failed("nftables", "nf_tables is not available: bridge networks and -p cannot work (use --network host|none)",
			"modprobe nf_tables (CONFIG_NF_TABLES, CONFIG_NFT_NAT, CONFIG_NFT_MASQ)"))
	}
	if p, err := exec.LookPath("iptables"); err == nil {
		out = append(out, info("iptables", p+" present: a FORWARD policy of DROP (as Docker sets) is coped with by our own accept rules"))
	} else {
		out = append(out, info("iptables", "not installed (not needed: myrunc uses nftables through netlink)"))
	}
	if v := readInt("/proc/sys/net/bridge/bridge-nf-call-iptables"); v == 1 {
		out = append(out, info("br_netfilter", "bridge-nf-call-iptables=1: bridged traffic also passes the FORWARD rules (ours accept it)"))
	}
	return out
}

func nftWorks() bool {
	_, err := exec.LookPath("nft")
	return err == nil && exec.Command("nft", "list", "tables").Run() == nil
}

func modules() []string {
	data, _ := os.ReadFile("/proc/modules")
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func networking(Options) []Result {
	var out []Result
	if fileExists("/sys/module/bridge") || slices.Contains(modules(), "bridge") || fileExists("/sys/class/net/bonding_masters") || bridgeBuiltin() {
		out = append(out, ok("bridge", "Linux bridges available"))
	} else {
		out = append(out, warn("bridge", "the bridge module is not loaded (it loads on first use if available)", "modprobe bridge (CONFIG_BRIDGE)"))
	}
	if readInt("/proc/sys/net/ipv4/ip_forward") == 1 {
		out = append(out, ok("ip_forward", "on"))
	} else {
		out = append(out, info("ip_forward", "off: the first bridge network turns it on (containers reach outside through NAT)"))
	}
	if !fileExists("/proc/sys/net/ipv4/conf/all/route_localnet") {
		out = append(out, warn("route_localnet", "missing: published ports do not answer on 127.0.0.1", "Linux 3.6 or newer"))
	}
	return out
}

func bridgeBuiltin() bool {
	data, err := os.ReadFile("/lib/modules/" + kernelRelease() + "/modules.builtin")
	return err == nil && strings.Contains(string(data), "bridge.ko")
}

func kernelRelease() string { _, _, rel := kernelVersion(); return rel }

func idmapHelpers(Options) []Result {
	var out []Result
	var missing []string
	for _, h := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(h); err != nil {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		out = append(out, warn("newuidmap", strings.Join(missing, " and ")+" not found: rootless containers can map only the user's own id",
			"apt-get install uidmap"))
	} else {
		out = append(out, ok("newuidmap", "newuidmap and newgidmap present"))
	}
	if os.Geteuid() != 0 {
		user := os.Getenv("USER")
		if data, err := os.ReadFile("/etc/subuid"); err != nil || !strings.Contains(string(data), user+":") {
			out = append(out, warn("subuid", "no /etc/subuid range for "+user, "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 "+user))
		}
	}
	return out
}

func lsm(Options) []Result {
	var out []Result
	if data, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil && strings.TrimSpace(string(data)) == "Y" {
		out = append(out, info("apparmor", "enabled: process.apparmorProfile is applied"))
	} else {
		out = append(out, info("apparmor", "not enabled: AppArmor profiles are refused (as runc refuses them)"))
	}
	if fileExists("/sys/fs/selinux/enforce") {
		out = append(out, info("selinux", "present: SELinux labels are applied"))
	}
	if _, err := exec.LookPath("criu"); err != nil {
		out = append(out, info("checkpoint", "criu not installed: checkpoint/restore is not available"))
	}
	return out
}

// Worst is the highest level among results.
func Worst(rs []Result) Level {
	w := OK
	for _, r := range rs {
		if r.Level > w && r.Level != Info {
			w = r.Level
		}
	}
	return w
}
