#!/usr/bin/env bash
# build-examples.sh [name...] — builds bin/wasibox and the guest of every
# example (or of the examples named) into examples/<name>/app.wasm.
#
# An example's guest is the source at the top of its folder:
#   *.go   a Go main package, built with GOOS=wasip1 GOARCH=wasm
#   *.c    C for wasi-libc (all files are one module)
#   *.wat  one WebAssembly text module
# Subfolders (input data, rules, host-side helpers) are not built. A folder
# with no guest source is skipped.
#
# The build is incremental: an output newer than all of its inputs (and this
# script) is kept. bin/wasibox is rebuilt when any non-test Go file of the
# module, go.mod or go.sum is newer. Outputs are written to a temporary name
# and renamed, so a reader never sees a half written file. A missing
# toolchain is an error, never a skip. Progress goes to stderr, and nothing
# is printed when everything is up to date.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script="$top/scripts/build-examples.sh"
cd "$top"

die() { echo "build-examples: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found; $2"; }
apt_c="install with: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"

need go "install Go (see go.mod for the version)"

built=0
kept=0

# newer OUT INPUT... — some input (or this script) is newer than OUT, or
# OUT is missing.
newer() {
	local o=$1 f
	shift
	[ -f "$o" ] || return 0
	for f in "$script" "$@"; do
		[ "$f" -nt "$o" ] && return 0
	done
	return 1
}

# commit TMP OUT WHAT — move a finished build into place and report it.
commit() {
	mv -f "$1" "$2"
	built=$((built + 1))
	echo "built ${2#"$top"/} ($3)" >&2
}

# --- bin/wasibox ------------------------------------------------------------
mkdir -p bin
wasibox=bin/wasibox
if [ ! -x "$wasibox" ] || [ go.mod -nt "$wasibox" ] || [ go.sum -nt "$wasibox" ] ||
	[ -n "$(find . \( -name .git -o -name examples -o -name testdata \) -prune -o \
		-name '*.go' ! -name '*_test.go' -newer "$wasibox" -print -quit)" ]; then
	tmp="$wasibox.tmp.$$"
	go build -o "$tmp" ./cmd/wasibox || { rm -f "$tmp"; die "go build ./cmd/wasibox failed"; }
	commit "$tmp" "$top/$wasibox" go
else
	kept=$((kept + 1))
fi

# --- guests -----------------------------------------------------------------
sysroot=""
cleanup() { [ -z "$sysroot" ] || rm -rf "$sysroot"; }
trap cleanup EXIT

# c_sysroot — a clean sysroot of two symlinks, made once: with
# --sysroot=/usr clang would also search /usr/include (glibc) and silently
# pick up headers wasi-libc lacks.
c_sysroot() {
	[ -z "$sysroot" ] || return 0
	need clang "$apt_c"
	need wasm-ld "$apt_c"
	[ -d /usr/include/wasm32-wasi ] && [ -f /usr/lib/wasm32-wasi/libc.a ] ||
		die "wasi-libc not found in /usr/include/wasm32-wasi and /usr/lib/wasm32-wasi; $apt_c"
	sysroot=$(mktemp -d "${TMPDIR:-/tmp}/wasibox-sysroot.XXXXXX")
	mkdir -p "$sysroot/include" "$sysroot/lib"
	ln -s /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
	ln -s /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"
}

shopt -s nullglob

if [ $# -gt 0 ]; then
	dirs=()
	for n in "$@"; do
		[ -d "examples/$n" ] || die "no example named $n (examples/$n)"
		dirs+=("examples/$n/")
	done
else
	dirs=(examples/*/)
fi

for d in "${dirs[@]}"; do
	d=${d%/}
	name=$(basename "$d")
	o="$top/$d/app.wasm"
	tmp="$o.tmp.$$"
	gos=("$d"/*.go)
	cs=("$d"/*.c)
	wats=("$d"/*.wat)
	if [ ${#gos[@]} -gt 0 ]; then
		# Inputs: the Go files of every package of this module the guest
		# is built from (a guest may import e.g. guest/sock).
		inputs=(go.mod go.sum)
		while IFS= read -r pkg; do
			inputs+=("$pkg"/*.go)
		done < <(GOOS=wasip1 GOARCH=wasm go list -deps -f '{{if not .Standard}}{{.Dir}}{{end}}' "./$d")
		if ! newer "$o" "${inputs[@]}"; then kept=$((kept + 1)); continue; fi
		GOOS=wasip1 GOARCH=wasm go build -trimpath -o "$tmp" "./$d" ||
			{ rm -f "$tmp"; die "Go guest of $name failed to build"; }
		commit "$tmp" "$o" go
	elif [ ${#cs[@]} -gt 0 ]; then
		hs=("$d"/*.h)
		if ! newer "$o" "${cs[@]}" "${hs[@]}"; then kept=$((kept + 1)); continue; fi
		c_sysroot
		clang --target=wasm32-wasi "--sysroot=$sysroot" -O2 -Wall -Werror -o "$tmp" "${cs[@]}" ||
			{ rm -f "$tmp"; die "C guest of $name failed to build"; }
		commit "$tmp" "$o" c
	elif [ ${#wats[@]} -eq 1 ]; then
		if ! newer "$o" "${wats[0]}"; then kept=$((kept + 1)); continue; fi
		need wat2wasm "install with: apt-get install -y wabt"
		wat2wasm -o "$tmp" "${wats[0]}" || { rm -f "$tmp"; die "WAT guest of $name failed to build"; }
		commit "$tmp" "$o" wat
	elif [ ${#wats[@]} -gt 1 ]; then
		die "$d: more than one .wat file; an example has one guest"
	fi
done

# Quiet when there was nothing to do: the output of a command run after
# this one (as in the examples' READMEs) is then exactly its own.
[ "$built" -eq 0 ] || echo "build-examples: $built built, $kept up to date" >&2
