package builder

import (
	"strings"
	"testing"
)

func TestParseDockerfileRefuses(t *testing.T) {
	for _, tc := range []struct{ name, df, want string }{
		{"run mount", "FROM busybox\nRUN --mount=type=cache,target=/c true\n", "RUN --mount is BuildKit-only"},
		{"run network", "FROM busybox\nRUN --network=none true\n", "RUN --network is BuildKit-only"},
		{"run heredoc", "FROM busybox\nRUN <<EOT\ntrue\nEOT\n", "here-document"},
		{"copy heredoc", "FROM busybox\nCOPY <<EOT /x\nhi\nEOT\n", "here-document"},
		{"copy link", "FROM busybox\nCOPY --link a /a\n", "COPY --link is BuildKit-only"},
		{"copy exclude", "FROM busybox\nCOPY --exclude=*.txt . /a\n", "--exclude"},
		{"add checksum", "FROM busybox\nADD --checksum=sha256:0123 a /a\n", "ADD --checksum"},
		{"run before from", "RUN true\nFROM busybox\n", "line 1: RUN before FROM"},
		{"only args", "ARG A=1\n", "no FROM instruction"},
		{"empty", "# nothing\n", "no instructions"},
		{"unknown", "FROM busybox\nFROB x\n", "unknown instruction: FROB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDockerfile([]byte(tc.df))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestStagesAndSteps(t *testing.T) {
	df, err := parseDockerfile([]byte(`ARG V=1
FROM busybox AS build
RUN make
COPY . /src
FROM scratch AS Final
COPY --from=build /out /
CMD ["/app"]
`))
	if err != nil {
		t.Fatal(err)
	}
	all, err := df.stagesUpTo("")
	if err != nil || len(all) != 2 || df.steps(all) != 7 {
		t.Fatalf("all stages: %d stages, %d steps, %v; want 2, 7", len(all), df.steps(all), err)
	}
	first, err := df.stagesUpTo("build")
	if err != nil || len(first) != 1 || df.steps(first) != 4 {
		t.Fatalf("--target build: %d stages, %d steps, %v; want 1, 4", len(first), df.steps(first), err)
	}
	// stage names are case-insensitive, as Docker's
	if st, err := df.stagesUpTo("final"); err != nil || len(st) != 2 {
		t.Fatalf("--target final: %d stages, %v", len(st), err)
	}
	if _, err := df.stagesUpTo("nosuch"); err == nil || !strings.Contains(err.Error(), `"nosuch" could not be found`) {
		t.Fatalf("--target nosuch: %v", err)
	}
	if got := source(all[0].Commands[0]); got != "RUN make" {
		t.Fatalf("source: %q", got)
	}
}
