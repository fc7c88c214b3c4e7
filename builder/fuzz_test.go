package builder

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// FuzzParseDockerfile: any bytes give an error or a Dockerfile whose
// stages, step count, sources and config-only instructions can be walked
// without a panic (a build context's Dockerfile is hostile input).
func FuzzParseDockerfile(f *testing.F) {
	for _, seed := range []string{
		"FROM busybox\nRUN echo hi\nCMD [\"sh\"]\n",
		"ARG V=1\nFROM busybox:${V} AS base\nENV A=1 B=\"x y\"\nLABEL k=v\nEXPOSE 80 53/udp 1000-1002\n" +
			"STOPSIGNAL SIGTERM\nSHELL [\"/bin/sh\",\"-c\"]\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN true\n" +
			"FROM base\nCOPY --from=base /a /b\nWORKDIR /w\nUSER 1:1\nVOLUME /v\nENTRYPOINT echo\n",
		"# escape=`\nFROM busybox\nRUN echo `\n  hi\n",
		"FROM busybox\nRUN --mount=type=cache,target=/c true\n",
		"FROM busybox\nCOPY <<EOT /x\nhi\nEOT\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseDockerfile(data)
		if err != nil {
			return
		}
		stages, err := d.stagesUpTo("")
		if err != nil {
			t.Fatalf("all stages: %v", err)
		}
		if n := d.steps(stages); n < len(stages) {
			t.Fatalf("%d steps for %d stages", n, len(stages))
		}
		for _, st := range stages {
			if st.Name != "" {
				if _, err := d.stagesUpTo(st.Name); err != nil {
					t.Fatalf("stage %q named but not found: %v", st.Name, err)
				}
			}
			s := &stage{}
			for _, cmd := range st.Commands {
				_ = source(cmd)
				_ = line(cmd)
				walkConfigOnly(s, cmd)
			}
		}
	})
}

// walkConfigOnly applies an instruction that only changes the config, as
// a build would, and checks EXPOSE's port lists.
func walkConfigOnly(s *stage, cmd instructions.Command) {
	switch c := cmd.(type) {
	case *instructions.RunCommand, *instructions.CopyCommand, *instructions.AddCommand,
		*instructions.WorkdirCommand, *instructions.ArgCommand, *instructions.CmdCommand,
		*instructions.EntrypointCommand, *instructions.MaintainerCommand:
		return
	case *instructions.ExposeCommand:
		for _, p := range c.Ports {
			_, _ = parsePorts(p)
		}
		return
	}
	ch, err := configChange(s, cmd)
	if err != nil || ch.config == nil {
		return
	}
	cfg := v1.Config{}
	_ = ch.config(&cfg)
}
