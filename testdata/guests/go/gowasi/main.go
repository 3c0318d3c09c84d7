// Command gowasi is a Go GOOS=wasip1 test guest: files, directories, args,
// environment, exit codes, stdin, time and randomness through Go's own
// wasip1 runtime (which asks for every inheriting right, sets non-blocking
// mode on stdio, and resolves paths against the preopens itself).
//
// Usage: gowasi <group> [args...]; groups: files dirs args env exit stdin
// time ro. It runs in the conformance fixture (see
// testdata/guests/c/conformance/groups.h) and prints "ok <name>" /
// "FAIL <name>: ..." lines and a summary, like the C guests.
package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type checker struct{ ok, fail int }

func (c *checker) check(name string, cond bool, format string, args ...any) {
	if cond {
		c.ok++
		fmt.Printf("ok %s\n", name)
		return
	}
	c.fail++
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, args...))
}

func (c *checker) noErr(name string, err error) bool {
	c.check(name, err == nil, "got error %v want none", err)
	return err == nil
}

func (c *checker) equal(name string, got, want any) {
	c.check(name, got == want, "got %q want %q", got, want)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gowasi <group> [args...]")
		os.Exit(2)
	}
	c := &checker{}
	group := os.Args[1]
	switch group {
	case "files":
		files(c)
	case "dirs":
		dirs(c)
	case "args":
		c.check("args", slices.Equal(os.Args[2:], []string{"hello world", "ünï", ""}),
			"got %q", os.Args[2:])
	case "env":
		env(c)
	case "exit":
		code, _ := strconv.Atoi(os.Args[2])
		fmt.Println("ok exit.before")
		os.Exit(code)
	case "stdin":
		b, err := io.ReadAll(os.Stdin)
		if c.noErr("stdin.read", err) {
			c.equal("stdin.data", string(b), "line one\nline two\n")
		}
	case "time":
		timeAndRandom(c)
	case "ro":
		readOnly(c)
	default:
		fmt.Fprintf(os.Stderr, "gowasi: unknown group %s\n", group)
		os.Exit(2)
	}
	fmt.Printf("summary %s ok=%d fail=%d\n", group, c.ok, c.fail)
	if c.fail > 0 {
		os.Exit(1)
	}
}

func files(c *checker) {
	data, err := os.ReadFile("/hello.txt")
	if c.noErr("files.read", err) {
		c.equal("files.read.data", string(data), "hello, world\n")
	}
	c.noErr("files.write", os.WriteFile("/data/g.txt", []byte("go"), 0o644))
	f, err := os.OpenFile("/data/g.txt", os.O_APPEND|os.O_WRONLY, 0)
	if c.noErr("files.open_append", err) {
		_, err = f.WriteString("pher")
		c.noErr("files.append", err)
		c.noErr("files.close", f.Close())
	}
	data, _ = os.ReadFile("/data/g.txt")
	c.equal("files.appended", string(data), "gopher")
	fi, err := os.Stat("/data/g.txt")
	if c.noErr("files.stat", err) {
		c.equal("files.stat.size", fi.Size(), int64(6))
		c.check("files.stat.regular", fi.Mode().IsRegular(), "mode %v", fi.Mode())
	}
	c.noErr("files.truncate", os.Truncate("/data/g.txt", 2))
	data, _ = os.ReadFile("/data/g.txt")
	c.equal("files.truncated", string(data), "go")

	// Seek and ReadAt on an *os.File.
	f, err = os.Open("/hello.txt")
	if c.noErr("files.open", err) {
		buf := make([]byte, 5)
		_, err = f.ReadAt(buf, 7)
		c.noErr("files.readat", err)
		c.equal("files.readat.data", string(buf), "world")
		off, err := f.Seek(-6, io.SeekEnd)
		c.noErr("files.seek", err)
		c.equal("files.seek.off", off, int64(7))
		f.Close()
	}

	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	c.noErr("files.chtimes", os.Chtimes("/data/g.txt", mt, mt))
	if fi, err := os.Stat("/data/g.txt"); err == nil {
		c.check("files.chtimes.mtime", fi.ModTime().Equal(mt), "got %v want %v", fi.ModTime(), mt)
	}
	c.noErr("files.rename", os.Rename("/data/g.txt", "/g2.txt"))
	_, err = os.Stat("/data/g.txt")
	c.check("files.rename.old_gone", errors.Is(err, fs.ErrNotExist), "got %v", err)
	c.noErr("files.symlink", os.Symlink("g2.txt", "/g3"))
	target, err := os.Readlink("/g3")
	if c.noErr("files.readlink", err) {
		c.equal("files.readlink.target", target, "g2.txt")
	}
	if fi, err := os.Lstat("/g3"); c.noErr("files.lstat", err) {
		c.check("files.lstat.symlink", fi.Mode()&fs.ModeSymlink != 0, "mode %v", fi.Mode())
	}
	c.noErr("files.link", os.Link("/g2.txt", "/g4"))
	c.noErr("files.remove", os.Remove("/g2.txt"))
	data, err = os.ReadFile("/g4")
	if c.noErr("files.read_hardlink", err) {
		c.equal("files.hardlink.data", string(data), "go")
	}
	_, err = os.ReadFile("/g3")
	c.check("files.dangling", errors.Is(err, fs.ErrNotExist), "got %v", err)
	_, err = os.ReadFile("/missing")
	c.check("files.missing", errors.Is(err, fs.ErrNotExist), "got %v", err)
	_, err = os.OpenFile("/hello.txt", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	c.check("files.excl", errors.Is(err, fs.ErrExist), "got %v", err)

	// A large write and read back.
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	c.noErr("files.write_1MiB", os.WriteFile("/big", big, 0o644))
	back, err := os.ReadFile("/big")
	c.check("files.read_1MiB", err == nil && bytes.Equal(back, big), "err %v, %d bytes", err, len(back))
}

func dirs(c *checker) {
	c.noErr("dirs.mkdirall", os.MkdirAll("/gdir/a/b/c", 0o755))
	for _, p := range []string{"/gdir/x.txt", "/gdir/a/y.txt", "/gdir/a/b/c/z.txt"} {
		c.noErr("dirs.write "+p, os.WriteFile(p, []byte(p), 0o644))
	}
	entries, err := os.ReadDir("/gdir")
	if c.noErr("dirs.readdir", err) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		c.equal("dirs.readdir.names", strings.Join(names, ","), "a,x.txt")
		c.check("dirs.readdir.isdir", len(entries) == 2 && entries[0].IsDir() && !entries[1].IsDir(),
			"a is a dir, x.txt is not")
	}
	var walked []string
	err = filepath.WalkDir("/gdir", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		walked = append(walked, p)
		return nil
	})
	c.noErr("dirs.walk", err)
	c.equal("dirs.walk.count", len(walked), 7)

	entries, err = os.ReadDir("/dir")
	if c.noErr("dirs.fixture", err) {
		c.equal("dirs.fixture.count", len(entries), 2)
	}
	// Many entries: Go reads directories in chunks, following cookies.
	c.noErr("dirs.mkdir_many", os.Mkdir("/many", 0o755))
	for i := range 300 {
		os.WriteFile(fmt.Sprintf("/many/entry-with-a-long-name-%03d", i), nil, 0o644)
	}
	entries, err = os.ReadDir("/many")
	if c.noErr("dirs.readdir_many", err) {
		c.equal("dirs.readdir_many.count", len(entries), 300)
	}
	c.noErr("dirs.removeall", os.RemoveAll("/gdir"))
	_, err = os.Stat("/gdir")
	c.check("dirs.removed", errors.Is(err, fs.ErrNotExist), "got %v", err)
	err = os.Remove("/dir")
	c.check("dirs.remove_nonempty", err != nil, "removing a non-empty directory must fail")

	c.noErr("dirs.chdir", os.Chdir("/dir"))
	data, err := os.ReadFile("one.txt")
	if c.noErr("dirs.relative", err) {
		c.equal("dirs.relative.data", string(data), "1")
	}
	wd, _ := os.Getwd()
	c.equal("dirs.getwd", wd, "/dir")
}

func env(c *checker) {
	c.equal("env.getenv", os.Getenv("WASIBOX_A"), "1")
	v, ok := os.LookupEnv("WASIBOX_EMPTY")
	c.check("env.empty", ok && v == "", "got %q, %v", v, ok)
	c.equal("env.equals_in_value", os.Getenv("WASIBOX_EQ"), "a=b")
	_, ok = os.LookupEnv("WASIBOX_NOPE")
	c.check("env.missing", !ok, "WASIBOX_NOPE is set")
	c.equal("env.count", len(os.Environ()), 3)
}

func timeAndRandom(c *checker) {
	now := time.Now()
	c.check("time.now", now.Year() >= 2020 && now.Year() < 2100, "year %d", now.Year())
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	c.check("time.sleep", time.Since(start) >= 10*time.Millisecond, "slept %v", time.Since(start))
	timer := time.NewTimer(5 * time.Millisecond)
	select {
	case <-timer.C:
		c.check("time.timer", true, "")
	case <-time.After(10 * time.Second):
		c.check("time.timer", false, "timer did not fire")
	}
	a, b := make([]byte, 32), make([]byte, 32)
	_, err1 := rand.Read(a)
	_, err2 := rand.Read(b)
	c.check("random", err1 == nil && err2 == nil && !bytes.Equal(a, b), "errors %v %v", err1, err2)
}

// readOnly runs on a read-only mount: reads work, every write fails.
func readOnly(c *checker) {
	data, err := os.ReadFile("/hello.txt")
	if c.noErr("ro.read", err) {
		c.equal("ro.read.data", string(data), "hello, world\n")
	}
	entries, err := os.ReadDir("/")
	c.check("ro.readdir", err == nil && len(entries) > 0, "err %v", err)
	_, err = os.ReadFile("/data/in.txt")
	c.noErr("ro.read_data", err)
	f, err := os.Open("/dir")
	if c.noErr("ro.open_dir", err) {
		names, err := f.Readdirnames(-1)
		c.check("ro.readdirnames", err == nil && len(names) == 2, "got %v, %v", names, err)
		f.Close()
	}
	c.check("ro.write", os.WriteFile("/new.txt", []byte("x"), 0o644) != nil, "write succeeded")
	c.check("ro.overwrite", os.WriteFile("/hello.txt", []byte("x"), 0o644) != nil, "overwrite succeeded")
	_, err = os.OpenFile("/hello.txt", os.O_WRONLY, 0)
	c.check("ro.open_write", err != nil, "opening for writing succeeded")
	c.check("ro.mkdir", os.Mkdir("/nd", 0o755) != nil, "mkdir succeeded")
	c.check("ro.remove", os.Remove("/hello.txt") != nil, "remove succeeded")
	c.check("ro.rename", os.Rename("/hello.txt", "/x") != nil, "rename succeeded")
	c.check("ro.symlink", os.Symlink("hello.txt", "/sl") != nil, "symlink succeeded")
	c.check("ro.chtimes", os.Chtimes("/hello.txt", time.Unix(0, 0), time.Unix(0, 0)) != nil,
		"chtimes succeeded")
	c.check("ro.truncate", os.Truncate("/hello.txt", 0) != nil, "truncate succeeded")
}
