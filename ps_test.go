package main

import (
	"strings"
	"testing"
)

func TestFindPidColumn(t *testing.T) {
	for _, tc := range []struct {
		header     string
		field, end int
	}{
		{"UID        PID  PPID  C STIME TTY          TIME CMD", 1, 14},
		{"USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND", 1, 14},
		{"  PID", 0, 5},
		{"PID COMMAND", 0, 3},
		{"COMMAND                       PID", 1, 33},
		{"  PPID   PID  PGID", 1, 12},
		{"UID        PID  PPID   LWP  C NLWP STIME TTY          TIME CMD", 1, 14},
		{"\tPID\tCMD", 0, 4},
	} {
		col, err := findPidColumn(tc.header)
		if err != nil || col.field != tc.field || col.end != tc.end {
			t.Errorf("findPidColumn(%q) = %+v, %v; want field %d end %d", tc.header, col, err, tc.field, tc.end)
		}
	}
	for _, bad := range []string{"", "   ", "COMMAND", "PPID TGID", "SPID", "UID PIDS"} {
		if col, err := findPidColumn(bad); err == nil {
			t.Errorf("findPidColumn(%q) = %+v, want an error", bad, col)
		}
	}
}

func TestPsColumnPid(t *testing.T) {
	for _, tc := range []struct {
		header, line string
		pid          int
		ok           bool
	}{
		// -ef: by alignment and by field agree
		{"UID        PID  PPID  C STIME TTY          TIME CMD", "root         1     0  0 14:20 ?        00:00:17 /sbin/init", 1, true},
		{"UID        PID  PPID  C STIME TTY          TIME CMD", "root     31234     1  0 14:20 ?        00:00:00 sleep 100", 31234, true},
		// a pid wider than the header: the columns no longer line up, the field index still counts
		{"UID        PID  PPID  C STIME TTY          TIME CMD", "root     4194303 1  0 14:20 ?        00:00:00 sleep 100", 4194303, true},
		// a long user name pushes PID right
		{"UID        PID  PPID  C STIME TTY          TIME CMD", "longusername   77     1  0 14:20 ?  00:00:00 sh", 77, true},
		// a command with spaces and digits before PID: alignment wins
		{"COMMAND                       PID", "sleep 100 5 6                  42", 42, true},
		{"COMMAND                       PID", "/process_api --firecracker-     1", 1, true},
		// lstart has spaces too
		{"                 STARTED   PID CMD", "Tue Dec  1 14:20:19 2026   812 sleep 100", 812, true},
		{"  PID", "    7", 7, true},
		{"PID COMMAND", "123 sh", 123, true},
		// no pid where PID is
		{"  PID CMD", "  abc def", 0, false},
		{"UID        PID  PPID", "", 0, false},
		{"UID        PID  PPID", "root", 0, false},
	} {
		col, err := findPidColumn(tc.header)
		if err != nil {
			t.Fatal(err)
		}
		pid, ok := col.pid(tc.line)
		if pid != tc.pid || ok != tc.ok {
			t.Errorf("header %q line %q: pid %d, %v; want %d, %v", tc.header, tc.line, pid, ok, tc.pid, tc.ok)
		}
	}
}

const psEf = `UID        PID  PPID  C STIME TTY          TIME CMD
root         1     0  0 14:20 ?        00:00:17 /sbin/init
root       100     1  0 14:20 ?        00:00:00 sh -c sleep 100 & sleep 100 & wait
root       101   100  0 14:20 ?        00:00:00 sleep 100
root       102   100  0 14:20 ?        00:00:00 sleep 100
root      1001     1  0 14:20 ?        00:00:00 sleep 101
root       555     1  0 14:20 ?        00:00:00 sleep 100 101 102
`

func TestFilterPsTable(t *testing.T) {
	got, err := filterPsTable(psEf, []int{100, 101, 102})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(psEf, "\n")
	want := strings.Join([]string{lines[0], lines[2], lines[3], lines[4]}, "\n") + "\n"
	if got != want {
		t.Errorf("filterPsTable:\n%s\nwant:\n%s", got, want)
	}
	// no pids: the header only
	if got, err := filterPsTable(psEf, []int{}); err != nil || got != lines[0]+"\n" {
		t.Errorf("filterPsTable(no pids) = %q, %v", got, err)
	}
	// output without a final newline still ends lines with one
	if got, err := filterPsTable("  PID\n    5", []int{5}); err != nil || got != "  PID\n    5\n" {
		t.Errorf("filterPsTable(no final newline) = %q, %v", got, err)
	}
	if got, err := filterPsTable("  PID", []int{5}); err != nil || got != "  PID\n" {
		t.Errorf("filterPsTable(header only) = %q, %v", got, err)
	}
	for _, bad := range []string{"", "\n", "COMMAND\nsh\n"} {
		if _, err := filterPsTable(bad, []int{1}); err == nil {
			t.Errorf("filterPsTable(%q) accepted", bad)
		}
	}
}
