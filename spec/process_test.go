package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func intp(i int) *int { return &i }

// allCaps is every capability name, as runtime-tools' privileged config has.
func allCaps() []string { return sortedKeys(capabilityNames) }

func TestValidateProcess(t *testing.T) {
	runCases(t, []vcase{
		{"process nil", func(s *specs.Spec) { s.Process = nil }, "process: must be set"},
		{"args empty", func(s *specs.Spec) { s.Process.Args = nil }, "process.args: must not be empty"},
		{"args[0] empty", func(s *specs.Spec) { s.Process.Args = []string{""} }, "process.args[0]: must not be empty"},
		{"args good", func(s *specs.Spec) { s.Process.Args = []string{"/runtimetest", "--path=/"} }, ""},
		{"cwd relative", func(s *specs.Spec) { s.Process.Cwd = "test" }, "process.cwd: must be an absolute path"},
		{"cwd empty", func(s *specs.Spec) { s.Process.Cwd = "" }, "process.cwd: must be an absolute path"},
		{"cwd good", func(s *specs.Spec) { s.Process.Cwd = "/test" }, ""},

		{"env no =", func(s *specs.Spec) { s.Process.Env = []string{"A=1", "B=2", "C=3", "FOO"} }, `process.env[3]: "FOO" is not KEY=VALUE`},
		{"env empty key", func(s *specs.Spec) { s.Process.Env = []string{"=x"} }, `process.env[0]: empty variable name in "=x"`},
		{"env NUL", func(s *specs.Spec) { s.Process.Env = []string{"A=x\x00y"} }, "process.env[0]: contains a NUL byte"},
		{"env good", func(s *specs.Spec) { s.Process.Env = []string{"A=", "B==c", "testa=valuea"} }, ""},

		{"rlimit unknown", func(s *specs.Spec) { addRlimit(s, "RLIMIT_FOO", 1, 1) }, `process.rlimits[1].type: unknown rlimit "RLIMIT_FOO"`},
		{"rlimit runtime-tools fail", func(s *specs.Spec) { addRlimit(s, "RLIMIT_TEST", 1024, 1024) }, `process.rlimits[1].type: unknown rlimit "RLIMIT_TEST"`},
		{"rlimit duplicate", func(s *specs.Spec) { addRlimit(s, "RLIMIT_NOFILE", 1, 1) }, `process.rlimits[1].type: duplicate "RLIMIT_NOFILE" (also in process.rlimits[0])`},
		{"rlimit soft > hard", func(s *specs.Spec) { addRlimit(s, "RLIMIT_CORE", 1024, 2048) }, "process.rlimits[1]: soft limit 2048 is greater than hard limit 1024"},
		{"rlimits good", func(s *specs.Spec) {
			addRlimit(s, "RLIMIT_AS", 2<<30, 1<<30)
			addRlimit(s, "RLIMIT_CPU", 120, 60)
			addRlimit(s, "RLIMIT_STACK", ^uint64(0), ^uint64(0))
		}, ""},

		{"cap unknown bounding", func(s *specs.Spec) {
			s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "cap_foo")
		}, `process.capabilities.bounding[3]: unknown capability "cap_foo"`},
		// a newer capability than the table knows: the init ignores it, with a warning
		{"cap newer", func(s *specs.Spec) { s.Process.Capabilities.Bounding = []string{"CAP_FUTURE_THING"} }, ""},
		{"cap unknown ambient", func(s *specs.Spec) { s.Process.Capabilities.Ambient = []string{"CAP_KILL", "kill"} }, `process.capabilities.ambient[1]: unknown capability "kill"`},
		{"cap unknown inheritable", func(s *specs.Spec) { s.Process.Capabilities.Inheritable = []string{"CAP_"} }, `process.capabilities.inheritable[0]: unknown capability "CAP_"`},
		{"caps all 41", func(s *specs.Spec) {
			c := s.Process.Capabilities
			c.Bounding, c.Effective, c.Inheritable, c.Permitted, c.Ambient = allCaps(), allCaps(), allCaps(), allCaps(), allCaps()
		}, ""},
		{"caps nil", func(s *specs.Spec) { s.Process.Capabilities = nil }, ""},

		{"oom low", func(s *specs.Spec) { s.Process.OOMScoreAdj = intp(-1001) }, "process.oomScoreAdj: -1001 is out of range [-1000, 1000]"},
		{"oom high", func(s *specs.Spec) { s.Process.OOMScoreAdj = intp(1001) }, "process.oomScoreAdj: 1001 is out of range [-1000, 1000]"},
		{"oom good", func(s *specs.Spec) { s.Process.OOMScoreAdj = intp(-1000) }, ""},
		{"oom 500", func(s *specs.Spec) { s.Process.OOMScoreAdj = intp(500) }, ""},

		{"ioprio class", func(s *specs.Spec) { s.Process.IOPriority = &specs.LinuxIOPriority{Class: "RT"} }, `process.ioPriority.class: unknown class "RT"`},
		{"ioprio priority", func(s *specs.Spec) {
			s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 8}
		}, "process.ioPriority.priority: 8 is out of range [0, 7]"},
		{"ioprio good", func(s *specs.Spec) {
			s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 7}
		}, ""},
		{"scheduler bad", func(s *specs.Spec) { s.Process.Scheduler = &specs.Scheduler{Policy: "SCHED_FAST"} }, `process.scheduler.policy: unknown policy "SCHED_FAST"`},
		{"scheduler good", func(s *specs.Spec) { s.Process.Scheduler = &specs.Scheduler{Policy: specs.SchedBatch} }, ""},
	})
}

func addRlimit(s *specs.Spec, typ string, hard, soft uint64) {
	s.Process.Rlimits = append(s.Process.Rlimits, specs.POSIXRlimit{Type: typ, Hard: hard, Soft: soft})
}

func TestCapabilityTable(t *testing.T) {
	if n := len(capabilityNames); n != 41 {
		t.Fatalf("capability table has %d names, want 41 (CAP_CHOWN..CAP_CHECKPOINT_RESTORE)", n)
	}
}
