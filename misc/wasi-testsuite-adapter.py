"""wasi-testsuite runtime adapter for wasibox.

Runs the WASI preview 1 conformance suite (github.com/WebAssembly/wasi-testsuite)
through `wasibox run`, the way adapters/wazero.py runs it through `wazero run`:

    python3 test-runner/wasi_test_runner.py \
        -t tests/rust/testsuite/ tests/c/testsuite/ tests/assemblyscript/testsuite/ \
        -r /path/to/wasibox/misc/wasi-testsuite-adapter.py

The binary is taken from $WASIBOX (split with shell quoting rules, so
WASIBOX="wasibox --resolver walk" works), default "wasibox" on $PATH.

Each test becomes

    wasibox run [--env=K=V]... [--dir=HOST:GUEST:rw]... TEST.wasm [ARG]...

A test's "dirs" entry (older suite layout) maps the host folder next to the
test to a preopen of the same name ("fs-tests.dir"); a "root" (newer layout)
maps it to "/". Nothing else is granted: no host environment, no network.
The guest's exit code is wasibox's exit code; its stdout and stderr are
wasibox's (wasibox writes a line to stderr only when it denies something or
fails itself).

Current runners import this file as a module (run as a script with
--version it prints nothing, which is how they tell a module adapter from a
legacy command-line one). Runners from before module adapters run it as a
script; it serves them too (see the end of the file). The module interface
changed several times, and runners call compute_argv positionally or by
keyword; it answers each of these:
      (test_path, args, env, dirs[, wasi_version])
      (test_path, (args, env, dirs), proposals, wasi_version)
      (test_path, (args, env, root), proposals, wasi_world, wasi_version)
      (test_path, config, wasi_version)   # a Config holding a Run operation
A "dirs" entry is (host, guest) or a name used for both; "root" is the host
folder the test sees at "/" (None: nothing). Anything but preview 1 and the
wasi:cli/command world, and any WASI proposal, is refused with an error.
"""

import os
import shlex
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Tuple

# shlex.split() splits according to shell quoting rules.
WASIBOX = shlex.split(os.getenv("WASIBOX", "wasibox"))


def get_name() -> str:
    return "wasibox"


def get_version() -> str:
    # Only the binary: no extra flags from $WASIBOX.
    result = subprocess.run(WASIBOX[0:1] + ["version"], encoding="UTF-8",
                            capture_output=True, check=True)
    # "wasibox v0.1.0 (rev ...) wazero v1.12.0 go1.26 linux/amd64"
    fields = result.stdout.split()
    version = fields[1] if len(fields) > 1 else "0.0.0"
    if version.startswith("v"):
        version = version[1:]
    if not version or version[0] == "(":  # "(devel)": a build from a checkout
        version = "0.0.0"
    return version


def get_wasi_versions() -> List[str]:
    return ["wasm32-wasip1"]


def get_wasi_worlds() -> List[str]:
    return ["wasi:cli/command"]


def get_timeout_seconds() -> float:
    # How long a runner that asks (newer ones do) waits for one test. Their
    # default, 5 s, is tight for a first, uncached compile on a loaded
    # machine; a test that hangs still fails, only later.
    return 60.0


def _dir_flag(host: Any, guest: Any) -> str:
    # --dir is host[:guest][:ro|:rw]: wasibox takes a ":ro" or ":rw" suffix
    # off first, then splits at the last colon. An explicit ":rw" keeps a
    # guest folder named "ro" from reading as the read-only flag, and the
    # host path may contain colons; a guest path may not.
    guest = os.fspath(guest)
    if ":" in guest:
        raise RuntimeError(f"wasibox cannot name a preopen {guest!r} (contains ':')")
    return f"--dir={os.fspath(host)}:{guest}:rw"


def _pairs(dirs: Any) -> List[Tuple[Any, Any]]:
    pairs = []
    for d in dirs or []:
        if isinstance(d, (str, os.PathLike)):
            pairs.append((d, d))  # the oldest form: a folder name, both sides
        else:
            host, guest = d
            pairs.append((host, guest))
    return pairs


def _argv(test_path: Any, args: Sequence[str], env: Dict[str, str],
          dirs: Any, root: Optional[Any]) -> List[str]:
    argv = WASIBOX[0:1] + ["run"] + WASIBOX[1:]
    for key, value in (env or {}).items():
        argv.append(f"--env={key}={value}")
    for host, guest in _pairs(dirs):
        argv.append(_dir_flag(host, guest))
    if root:
        argv.append(_dir_flag(root, "/"))
    # Everything after the module is the guest's argv, verbatim (even
    # arguments that look like flags).
    argv.append(os.fspath(test_path))
    argv.extend(args or [])
    return argv


def _check(proposals: Any, world: Optional[str], version: Optional[str]) -> None:
    names = [getattr(p, "value", p) for p in (proposals or [])]
    if names:
        raise RuntimeError(f"wasibox supports no WASI proposals, test asks for {names}")
    if world is not None and world != "wasi:cli/command":
        raise RuntimeError(f"unsupported WASI world: {world}")
    if version is not None and getattr(version, "value", version) != "wasm32-wasip1":
        raise RuntimeError(f"unsupported WASI version: {version}")


def _run_op(config: Any) -> Tuple[List[str], Dict[str, str], Any, Optional[Any]]:
    for op in getattr(config, "operations", None) or []:
        if type(op).__name__ == "Run":
            return (list(getattr(op, "args", [])), dict(getattr(op, "env", {})),
                    list(getattr(op, "dirs", []) or []), getattr(op, "root", None))
    return [], {}, [], None


def _split3(third: Any) -> Tuple[Any, Optional[Any]]:
    """The third element of (args, env, X): a list of dirs, or the root."""
    if third is None or isinstance(third, (str, os.PathLike)):
        return [], third
    return third, None


def compute_argv(test_path: Any, *rest: Any, **kw: Any) -> List[str]:
    version = kw.get("wasi_version")
    world = kw.get("wasi_world")
    proposals = kw.get("proposals")
    config = kw.get("config")
    if config is None and rest and hasattr(rest[0], "operations"):
        config, rest = rest[0], rest[1:]
        if rest:
            version = rest[-1]
    if config is not None:
        args, env, dirs, root = _run_op(config)
        _check(getattr(config, "proposals", None) or proposals, world, version)
        return _argv(test_path, args, env, dirs, root)

    triple = kw.get("args_env_dirs", kw.get("args_env_root"))
    if triple is None and rest and isinstance(rest[0], tuple) and len(rest[0]) == 3:
        triple, rest = rest[0], rest[1:]
        # then proposals, [wasi_world,] wasi_version
        if rest:
            proposals = rest[0]
        if len(rest) >= 3:
            world = rest[1]
        if len(rest) >= 2:
            version = rest[-1]
    if triple is not None:
        args, env, third = triple
        dirs, root = _split3(third)
        _check(proposals, world, version)
        return _argv(test_path, args, env, dirs, root)

    # (test_path, args, env, dirs[, wasi_version]), positional or by keyword.
    names = ["args", "env", "dirs", "wasi_version"]
    given = dict(zip(names, rest))
    given.update({k: v for k, v in kw.items() if k in names})
    if "args" not in given and "env" not in given and "dirs" not in given:
        raise TypeError(f"compute_argv: unexpected arguments {rest!r} {kw!r}")
    dirs, root = _split3(given.get("dirs"))
    _check(proposals, world, given.get("wasi_version", version))
    return _argv(test_path, given.get("args"), given.get("env"), dirs, root)


# --- the legacy command-line interface ----------------------------------------
#
# Runners before module adapters ran `python3 ADAPTER --version` and expected
# "NAME VERSION" on stdout, then ran each test as
#     python3 ADAPTER --test-file ABS.wasm [--arg A]... [--dir D]... [--env K=V]...
# in the test's folder, taking the adapter's exit code and output as the
# test's. Newer runners run `--version` too, but only to check that it prints
# nothing (a module adapter), so `--version` answers the runner that asks:
# the legacy line when the runner that started this process is a legacy one
# (its runtime_adapter.py has no compute_argv) or $WASIBOX_ADAPTER=legacy,
# nothing otherwise. --test-file works either way.

def _parent_runner_is_legacy() -> bool:
    mode = os.getenv("WASIBOX_ADAPTER", "")
    if mode in ("legacy", "module"):
        return mode == "legacy"
    try:
        ppid = os.getppid()
        with open(f"/proc/{ppid}/cmdline", "rb") as f:
            cmdline = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        cwd = os.readlink(f"/proc/{ppid}/cwd")
    except OSError:
        return False
    for arg in cmdline[1:]:
        base = os.path.join(cwd, arg)
        # test-runner/wasi_test_runner.py, test-runner/wasi_test_runner/
        # (or its __main__.py), or -m wasi_test_runner from test-runner/.
        for candidate in (os.path.splitext(base)[0], base, os.path.dirname(base),
                          os.path.join(cwd, "wasi_test_runner")):
            source = os.path.join(candidate, "runtime_adapter.py")
            if os.path.basename(candidate) == "wasi_test_runner" and os.path.isfile(source):
                with open(source, encoding="utf-8", errors="replace") as f:
                    return "compute_argv" not in f.read()
    return False


def _legacy_main(argv: List[str]) -> int:
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--test-file", action="store")
    parser.add_argument("--arg", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--dir", action="append", default=[])
    opts = parser.parse_args(argv)
    if opts.version:
        if _parent_runner_is_legacy():
            print(get_name(), get_version())
        return 0
    if not opts.test_file:
        return 0
    env = dict(e.split("=", 1) if "=" in e else (e, "") for e in opts.env)
    # --dir names a folder relative to the test's folder (the working
    # directory), preopened under that name.
    dirs = [(os.path.abspath(d), d) for d in opts.dir]
    cmd = _argv(opts.test_file, opts.arg, env, dirs, None)
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    import sys
    sys.exit(_legacy_main(sys.argv[1:]))
