# Sourced by the comparison scripts of bench/: installs the Debian packages of the peers they measure.
# The peers are never dependencies of NetGen; installing needs root the first time.

# install_missing PACKAGE...: installs those not installed yet.
install_missing() {
    local missing=() p
    for p in "$@"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "installing ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
    fi
}
