"""wasi-testsuite runtime adapter for wasibox.

Runs the WASI preview 1 conformance suite (github.com/WebAssembly/wasi-testsuite)
through `wasibox run`, the way adapters/wazero.py runs it through `wazero run`:

    python3 test-runner/wasi_test_runner.py \
        -t tests/rust/testsuite/ tests/c/testsuite/ tests/assemblyscript/testsuite/ \
        -r /path/to/wasibox/misc/wasi-testsuite-adapter.py

The binary is taken from $WASIBOX (split with shell quoting rules, so
WASIBOX="wasibox --resolver walk" works), default "wasibox" on $PATH.

Each test becomes

    wasibox run [--env K=V]... [--dir HOST:GUEST]... TEST.wasm [ARG]...

A test's "dirs" entry (older suite layout) maps the host folder next to the
test to a preopen of the same name ("fs-tests.dir"); a "root" (newer layout)
maps it to "/". Nothing else is granted: no host environment, no network.
The guest's exit code is wasibox's exit code; its stdout and stderr are
wasibox's (wasibox writes a line to stderr only when it denies something or
fails itself).

The runner imports this file as a module (run as a script it does nothing,
which is how the runner tells a module adapter from a legacy one). The
module interface changed several times; compute_argv answers each of its
signatures:
      (test_path, args, env, dirs)
      (test_path, args, env, dirs, wasi_version)
      (test_path, (args, env, dirs), proposals, wasi_version)
      (test_path, (args, env, root), proposals, wasi_world, wasi_version)
      (test_path, config, wasi_version)   # a Config with Run operations
"""

import os
import shlex
import subprocess
from pathlib import Path
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


def _dir_flag(host: Any, guest: str) -> str:
    # wasibox splits host:guest at the last colon, so the host path may
    # contain colons; a guest path may not.
    if ":" in guest:
        raise RuntimeError(f"wasibox cannot name a preopen {guest!r} (contains ':')")
    return f"--dir={os.fspath(host)}:{guest}"


def _argv(test_path: str, args: Sequence[str], env: Dict[str, str],
          dirs: Sequence[Tuple[Any, str]], root: Optional[Any]) -> List[str]:
    argv = WASIBOX[0:1] + ["run"] + WASIBOX[1:]
    for key, value in env.items():
        argv.append(f"--env={key}={value}")
    for host, guest in dirs:
        argv.append(_dir_flag(host, guest))
    if root:
        argv.append(_dir_flag(root, "/"))
    # Everything after the module is the guest's argv, verbatim (even
    # arguments that look like flags).
    argv.append(str(test_path))
    argv.extend(args)
    return argv


def _run_ops(config: Any) -> Tuple[List[str], Dict[str, str], List[Tuple[Any, str]]]:
    for op in getattr(config, "operations", []):
        if type(op).__name__ == "Run":
            return list(op.args), dict(op.env), list(op.dirs)
    return [], {}, []


def compute_argv(test_path: str, *rest: Any) -> List[str]:
    if rest and isinstance(rest[0], tuple) and len(rest[0]) == 3:
        # (args, env, dirs) or (args, env, root), then proposals, [world,] version.
        args, env, third = rest[0]
        proposals = rest[1] if len(rest) > 1 else []
        if proposals:
            raise RuntimeError(f"wasibox supports no WASI proposals, test asks for {proposals}")
        version = rest[-1] if len(rest) > 2 else "wasm32-wasip1"
        if version != "wasm32-wasip1":
            raise RuntimeError(f"unsupported WASI version: {version}")
        if third is None or isinstance(third, (str, os.PathLike)):
            return _argv(test_path, args, env, [], third)
        return _argv(test_path, args, env, third, None)
    if rest and hasattr(rest[0], "operations"):
        args, env, dirs = _run_ops(rest[0])
        return _argv(test_path, args, env, dirs, None)
    if len(rest) >= 3:
        args, env, dirs = rest[0], rest[1], rest[2]
        if len(rest) > 3 and rest[3] != "wasm32-wasip1":
            raise RuntimeError(f"unsupported WASI version: {rest[3]}")
        return _argv(test_path, args, env, dirs, None)
    raise TypeError(f"compute_argv: unexpected arguments {rest!r}")
