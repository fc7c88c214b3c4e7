package libcontainer

import (
	"errors"
	"os"

	"myrunc/libcontainer/console"
)

// consoleFor opens where the init sends its pty master when the process
// has a terminal: the engine's --console-socket, or a pair whose other
// end (recv) the caller keeps to attach its own terminal. Without
// either, a terminal has nowhere to go.
func consoleFor(terminal bool, socketPath string, attach bool) (send, recv *os.File, err error) {
	switch {
	case !terminal:
		if socketPath != "" {
			return nil, nil, errors.New("--console-socket given, but process.terminal is false")
		}
		return nil, nil, nil
	case socketPath != "":
		send, err = console.Dial(socketPath)
		return send, nil, err
	case attach:
		recv, send, err = console.Pair()
		return send, recv, err
	}
	return nil, nil, errors.New("process.terminal is true: give --console-socket, or run in the foreground to use this terminal")
}
