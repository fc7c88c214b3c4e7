package trace

import (
	"bytes"
	"strings"
	"testing"
)

func TestTimelineIsOrdered(t *testing.T) {
	enabled, events = false, nil
	Mark("ignored")
	if len(events) != 0 {
		t.Fatal("recorded while disabled")
	}
	Enable()
	Mark("a")
	Add("init:", []Event{{"early", events[0].At + 1}})
	var b bytes.Buffer
	Print(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "start") || !strings.HasSuffix(lines[1], "init:early") || !strings.HasSuffix(lines[2], "a") {
		t.Fatalf("timeline:\n%s", b.String())
	}
}

func TestFaultHookIsOffByDefault(t *testing.T) {
	if KillAt() != "" {
		t.Skip(FaultEnv + " is set for this run")
	}
	Fault("start") // must return
}
