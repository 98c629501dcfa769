package dovecot

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// daemon is the master process of a mail server, run in the foreground so
// that its exit is noticed, and leading a process group so that stop can
// end every process of the server.
type daemon struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{}
}

// startDaemon runs bin with its output appended to the file out: the
// daemons must not hold the test's pipes open. With ownGroup the process
// is put in a group of its own; without, it must make one itself (Postfix's
// master calls setsid, which fails in a process that already leads a
// group).
func startDaemon(name, out string, ownGroup bool, bin string, args ...string) (*daemon, error) {
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if ownGroup {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(d.exited)
	}()
	return d, nil
}

// waitListening waits until every address accepts connections.
func (d *daemon) waitListening(addrs ...string) error {
	deadline := time.Now().Add(15 * time.Second)
	for _, addr := range addrs {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-d.exited:
				return fmt.Errorf("%s exited at start-up", d.name)
			default:
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s does not listen on %s: %w", d.name, addr, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// group is the process group of every process of the server.
func (d *daemon) group() int { return d.cmd.Process.Pid }

// stop asks every process of the server to stop, not only the master:
// Dovecot's master otherwise waits a second for its workers. A process
// forked meanwhile misses the signal (the master would wait 6 s for it),
// so the signal is repeated until the master has exited, for 10 s at
// most. Then whatever is left of the group is killed: worker processes
// may outlive their master and keep serving their connections.
func (d *daemon) stop() {
	deadline := time.After(10 * time.Second)
	for stopped := false; !stopped; {
		// The master too, in case it has not made its group yet.
		d.cmd.Process.Signal(syscall.SIGTERM)
		syscall.Kill(-d.group(), syscall.SIGTERM)
		select {
		case <-d.exited:
			stopped = true
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			d.cmd.Process.Kill()
			<-d.exited
			stopped = true
		}
	}
	syscall.Kill(-d.group(), syscall.SIGKILL)
}

// program finds a server program: the first of candidates (a name looked
// up in PATH, or a path) that exists. When none does the test is skipped,
// or failed when RequireEnv is set, so that CI cannot pass without having
// run it.
func program(t testing.TB, what string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	unavailable(t, what+" is not installed")
	return ""
}

// unavailable skips the test, or fails it when RequireEnv is set.
func unavailable(t testing.TB, why string) {
	t.Helper()
	msg := why + ": run `make test-integration` (as root it installs the Debian packages " + packages +
		"), or `make install-mailservers` as root"
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("%s is set but %s", RequireEnv, msg)
	}
	t.Skip(msg)
}

// dumpFiles logs the end of each file that is not empty, for a failed
// test.
func dumpFiles(t testing.TB, paths ...string) {
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		if len(b) > 0 {
			t.Logf("%s (end):\n%s", p, b)
		}
	}
}
