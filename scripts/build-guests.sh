#!/usr/bin/env bash
# build-guests.sh [outdir] — builds every test guest from source.
#
# Sources live in testdata/guests/ (nothing prebuilt is trusted):
#   c/<name>.c          one C file      -> <out>/<name>.wasm
#   c/<name>/*.c        several C files -> <out>/<name>.wasm
#   c/bench/<name>.c    syscall benchmark, plain libc only -> <out>/<name>.wasm
#                       and, built for the host, <out>/native/<name>
#   c/include/*.h       headers shared by the C guests (-I)
#   wat/<name>.wat      -> <out>/<name>.wasm
#   go/<name>/          a Go main package (GOOS=wasip1) -> <out>/<name>.wasm
#
# outdir defaults to testdata/build/ (gitignored). The build is incremental:
# an output newer than all of its inputs (and this script) is kept. Outputs
# are written to a temporary name and renamed, so a reader never sees a half
# written module. A missing toolchain is an error, never a skip.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$top/testdata/guests"
out="${1:-$top/testdata/build}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
script="$top/scripts/build-guests.sh"

die() { echo "build-guests: $*" >&2; exit 1; }

# --- toolchains -------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found; $2"; }
apt_c="install with: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"
need clang "$apt_c"
need wasm-ld "$apt_c"
need wat2wasm "install with: apt-get install -y wabt"
need go "install Go (see go.mod for the version)"
[ -d /usr/include/wasm32-wasi ] && [ -f /usr/lib/wasm32-wasi/libc.a ] ||
	die "wasi-libc not found in /usr/include/wasm32-wasi and /usr/lib/wasm32-wasi; $apt_c"
rt=$(clang --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null || true)
[ -n "$rt" ] && [ -f "$rt" ] || die "compiler-rt for wasm32 not found (${rt:-?}); $apt_c"

# A clean sysroot of two symlinks: with --sysroot=/usr clang would also search
# /usr/include (glibc) and silently pick up headers wasi-libc lacks.
sysroot="$out/.sysroot"
mkdir -p "$sysroot/include" "$sysroot/lib"
ln -sfn /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
ln -sfn /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"

# Cleanup calls (fd_close) ignore their result on purpose.
cflags=(-O2 -Wall -Werror -Wno-unused-result -I "$src/c/include")
wasm_cc=(clang --target=wasm32-wasi "--sysroot=$sysroot" "${cflags[@]}")

built=0
kept=0

# uptodate OUT INPUT... — OUT exists and no input (nor this script) is newer.
uptodate() {
	local o=$1 f
	shift
	[ -f "$o" ] || return 1
	for f in "$script" "$@"; do
		[ "$f" -nt "$o" ] && return 1
	done
	return 0
}

# commit TMP OUT KIND — move a finished build into place and report it.
commit() {
	mv -f "$1" "$2"
	built=$((built + 1))
	echo "built ${2#"$out"/} ($3)"
}

headers=()
if [ -d "$src/c/include" ]; then
	while IFS= read -r -d '' h; do headers+=("$h"); done < <(find "$src/c/include" -name '*.h' -print0)
fi

# build_c NAME SRC... — one wasm module from C sources.
build_c() {
	local name=$1
	shift
	local o="$out/$name.wasm"
	local local_h=("$(dirname "$1")"/*.h)
	if uptodate "$o" "$@" "${headers[@]}" "${local_h[@]}"; then kept=$((kept + 1)); return; fi
	local tmp="$o.tmp.$$"
	"${wasm_cc[@]}" -o "$tmp" "$@" || { rm -f "$tmp"; die "C guest $name failed to build"; }
	commit "$tmp" "$o" c
}

# build_native NAME SRC — a benchmark guest built for the host, to time the
# same loop natively (ratios in docs/design.md).
build_native() {
	local name=$1 s=$2
	local o="$out/native/$name"
	mkdir -p "$out/native"
	if uptodate "$o" "$s" "${headers[@]}"; then kept=$((kept + 1)); return; fi
	local tmp="$o.tmp.$$"
	clang "${cflags[@]}" -o "$tmp" "$s" || { rm -f "$tmp"; die "native build of $name failed (needs libc6-dev)"; }
	commit "$tmp" "$o" native
}

shopt -s nullglob

for s in "$src"/c/*.c; do
	build_c "$(basename "$s" .c)" "$s"
done
for d in "$src"/c/*/; do
	d=${d%/}
	case $(basename "$d") in include | bench) continue ;; esac
	files=("$d"/*.c)
	[ ${#files[@]} -gt 0 ] || continue
	build_c "$(basename "$d")" "${files[@]}"
done
for s in "$src"/c/bench/*.c; do
	name=$(basename "$s" .c)
	build_c "$name" "$s"
	build_native "$name" "$s"
done

for s in "$src"/wat/*.wat; do
	name=$(basename "$s" .wat)
	o="$out/$name.wasm"
	if uptodate "$o" "$s"; then kept=$((kept + 1)); continue; fi
	tmp="$o.tmp.$$"
	wat2wasm -o "$tmp" "$s" || { rm -f "$tmp"; die "WAT guest $name failed to build"; }
	commit "$tmp" "$o" wat
done

for d in "$src"/go/*/ "$src"/net/*/; do
	d=${d%/}
	name=$(basename "$d")
	o="$out/$name.wasm"
	inputs=()
	while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0)
	if uptodate "$o" "${inputs[@]}" "$top/go.mod"; then kept=$((kept + 1)); continue; fi
	tmp="$o.tmp.$$"
	(cd "$top" && GOOS=wasip1 GOARCH=wasm go build -trimpath -o "$tmp" "./${d#"$top"/}") ||
		{ rm -f "$tmp"; die "Go guest $name failed to build"; }
	commit "$tmp" "$o" go
done

echo "build-guests: $built built, $kept up to date, in $out"
