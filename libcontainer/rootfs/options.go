package rootfs

import (
	"strings"

	"golang.org/x/sys/unix"
)

// MountOptions is config.json's mounts[].options split into what each
// kernel interface takes.
type MountOptions struct {
	Flags       uintptr   // mount(2) flags set
	ClearFlags  uintptr   // flags an option asked to clear ("rw", "suid", "dev", ...)
	Propagation []uintptr // applied one by one after the mount
	Data        []string  // filesystem-specific ("size=64k", "mode=755")
	// Recursive attributes (mount_setattr with AT_RECURSIVE): "rro", "rnosuid", ...
	AttrSet, AttrClr uint64
	// AtimeSet: an r*atime option chose the atime mode (relatime is 0)
	AtimeSet  bool
	TmpCopyUp bool
	// idmap / ridmap: an idmapped bind, never passed to mount(2)
	IDMap, RecursiveIDMap bool
}

type flagOpt struct {
	clear bool
	flag  uintptr
}

var mountFlagOpts = map[string]flagOpt{
	"async":         {true, unix.MS_SYNCHRONOUS},
	"atime":         {true, unix.MS_NOATIME},
	"bind":          {false, unix.MS_BIND},
	"defaults":      {false, 0},
	"dev":           {true, unix.MS_NODEV},
	"diratime":      {true, unix.MS_NODIRATIME},
	"dirsync":       {false, unix.MS_DIRSYNC},
	"exec":          {true, unix.MS_NOEXEC},
	"iversion":      {false, unix.MS_I_VERSION},
	"lazytime":      {false, unix.MS_LAZYTIME},
	"loud":          {true, unix.MS_SILENT},
	"mand":          {false, unix.MS_MANDLOCK},
	"noatime":       {false, unix.MS_NOATIME},
	"nodev":         {false, unix.MS_NODEV},
	"nodiratime":    {false, unix.MS_NODIRATIME},
	"noexec":        {false, unix.MS_NOEXEC},
	"noiversion":    {true, unix.MS_I_VERSION},
	"nolazytime":    {true, unix.MS_LAZYTIME},
	"nomand":        {true, unix.MS_MANDLOCK},
	"norelatime":    {true, unix.MS_RELATIME},
	"nostrictatime": {true, unix.MS_STRICTATIME},
	"nosuid":        {false, unix.MS_NOSUID},
	"nosymfollow":   {false, unix.MS_NOSYMFOLLOW},
	"rbind":         {false, unix.MS_BIND | unix.MS_REC},
	"relatime":      {false, unix.MS_RELATIME},
	"remount":       {false, unix.MS_REMOUNT},
	"ro":            {false, unix.MS_RDONLY},
	"rw":            {true, unix.MS_RDONLY},
	"silent":        {false, unix.MS_SILENT},
	"strictatime":   {false, unix.MS_STRICTATIME},
	"suid":          {true, unix.MS_NOSUID},
	"symfollow":     {true, unix.MS_NOSYMFOLLOW},
	"sync":          {false, unix.MS_SYNCHRONOUS},
}

var propagationOpts = map[string]uintptr{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

type attrOpt struct {
	clear bool
	attr  uint64
}

var recAttrOpts = map[string]attrOpt{
	"rro":          {false, unix.MOUNT_ATTR_RDONLY},
	"rrw":          {true, unix.MOUNT_ATTR_RDONLY},
	"rnosuid":      {false, unix.MOUNT_ATTR_NOSUID},
	"rsuid":        {true, unix.MOUNT_ATTR_NOSUID},
	"rnodev":       {false, unix.MOUNT_ATTR_NODEV},
	"rdev":         {true, unix.MOUNT_ATTR_NODEV},
	"rnoexec":      {false, unix.MOUNT_ATTR_NOEXEC},
	"rexec":        {true, unix.MOUNT_ATTR_NOEXEC},
	"rnodiratime":  {false, unix.MOUNT_ATTR_NODIRATIME},
	"rdiratime":    {true, unix.MOUNT_ATTR_NODIRATIME},
	"rnosymfollow": {false, unix.MOUNT_ATTR_NOSYMFOLLOW},
	"rsymfollow":   {true, unix.MOUNT_ATTR_NOSYMFOLLOW},
}

// recAtimeOpts set the atime mode, one field of mount_setattr: each one
// replaces the whole field (MOUNT_ATTR__ATIME cleared, the mode set).
// Clearing one mode leaves the kernel's default, relatime, except that
// "not relatime" is strictatime.
var recAtimeOpts = map[string]uint64{
	"rrelatime": unix.MOUNT_ATTR_RELATIME, "rnoatime": unix.MOUNT_ATTR_NOATIME,
	"rstrictatime": unix.MOUNT_ATTR_STRICTATIME, "ratime": unix.MOUNT_ATTR_RELATIME,
	"rnostrictatime": unix.MOUNT_ATTR_RELATIME, "rnorelatime": unix.MOUNT_ATTR_STRICTATIME,
}

// ParseOptions splits mount options. Unknown options are filesystem data,
// as mount(8) treats them.
func ParseOptions(opts []string) MountOptions {
	var m MountOptions
	for _, o := range opts {
		if f, ok := mountFlagOpts[o]; ok {
			if f.clear {
				m.Flags &^= f.flag
				m.ClearFlags |= f.flag
			} else {
				m.Flags |= f.flag
				m.ClearFlags &^= f.flag
			}
			continue
		}
		if p, ok := propagationOpts[o]; ok {
			m.Propagation = append(m.Propagation, p)
			continue
		}
		if a, ok := recAttrOpts[o]; ok {
			if a.clear {
				m.AttrClr |= a.attr
				m.AttrSet &^= a.attr
			} else {
				m.AttrSet |= a.attr
				m.AttrClr &^= a.attr
			}
			continue
		}
		if mode, ok := recAtimeOpts[o]; ok {
			m.AttrClr |= unix.MOUNT_ATTR__ATIME
			m.AttrSet = m.AttrSet&^unix.MOUNT_ATTR__ATIME | mode
			m.AtimeSet = true
			continue
		}
		if o == "tmpcopyup" {
			m.TmpCopyUp = true
			continue
		}
		if o == "idmap" || o == "ridmap" {
			m.IDMap = m.IDMap || o == "idmap"
			m.RecursiveIDMap = m.RecursiveIDMap || o == "ridmap"
			continue
		}
		m.Data = append(m.Data, o)
	}
	return m
}

// DataString is the comma-joined filesystem data.
func (m MountOptions) DataString() string { return strings.Join(m.Data, ",") }

// IsBind says the mount is a bind mount.
func (m MountOptions) IsBind() bool { return m.Flags&unix.MS_BIND != 0 }

// PropagationFlag maps linux.rootfsPropagation; 0 for "".
func PropagationFlag(s string) (uintptr, bool) {
	if s == "" {
		return 0, true
	}
	f, ok := propagationOpts[s]
	return f, ok
}
