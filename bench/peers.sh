# Sourced by the comparison scripts of bench/: installs the Debian packages of the peers they measure.
# The peers are never dependencies of NetGen; installing needs root the first time.

# install_missing PACKAGE...: installs those not installed yet.
install_missing() {
    local missing=() p
    for p in "$@"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "installing ${missing[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
    fi
}

# torchsharp_peer: builds bench/NetGen.TorchSharpPeer and prints the path of an executable that runs it.
# TorchSharp 0.107's native library needs GLIBCXX_3.4.32 (GCC 13's libstdc++); Debian 12 has 3.4.30. Where
# the system's libstdc++ is older, Debian 13's C runtime (libc6, libstdc++6, libgcc-s1) is unpacked into a
# private folder and a copy of the peer's app host is pointed at it (its ELF interpreter and RPATH), so
# that one process, and nothing else on the machine, runs on it. The NetGen figures of the same run are
# taken on the system's runtime.
torchsharp_peer() {
    local project=bench/NetGen.TorchSharpPeer out=bench/NetGen.TorchSharpPeer/bin/Release/net10.0
    dotnet build "$project" -c Release -v quiet -nologo > /dev/null || return 1
    local system_cxx
    system_cxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
    if grep -q GLIBCXX_3.4.32 "$system_cxx"; then
        echo "$out/torchsharp-peer"
        return
    fi
    install_missing curl xz-utils patchelf || return 1
    local runtime=${XDG_CACHE_HOME:-$HOME/.cache}/netgen-bench/debian13-runtime
    local lib=$runtime/usr/lib/x86_64-linux-gnu
    if [[ ! -e $lib/libstdc++.so.6 ]]; then
        echo "unpacking Debian 13's libc6, libstdc++6 and libgcc-s1 into $runtime for TorchSharp" >&2
        local mirror=http://deb.debian.org/debian tmp package file
        tmp=$(mktemp -d)
        curl -fsS "$mirror/dists/trixie/main/binary-amd64/Packages.xz" | xz -dc > "$tmp/Packages" || return 1
        mkdir -p "$runtime"
        for package in libc6 libstdc++6 libgcc-s1; do
            file=$(awk -v p="Package: $package" '$0 == p {found = 1} found && /^Filename:/ {print $2; exit}' "$tmp/Packages")
            curl -fsS "$mirror/$file" -o "$tmp/$package.deb" || return 1
            dpkg-deb -x "$tmp/$package.deb" "$runtime" || return 1
        done
        rm -rf "$tmp"
    fi
    cp "$out/torchsharp-peer" "$out/torchsharp-peer-debian13" || return 1
    patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$lib" "$out/torchsharp-peer-debian13" || return 1
    echo "$out/torchsharp-peer-debian13"
}
