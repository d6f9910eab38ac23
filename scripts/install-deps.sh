#!/usr/bin/env bash
# Installs the Debian packages Switchboard builds against (only what is missing); with --tests also what the test
# suite needs besides (chromium: the status page test loads the admin page in headless Chromium).
set -euo pipefail

packages=(librdkafka-dev libcurl4-openssl-dev libyaml-dev libsqlite3-dev libxml2-dev pkg-config kcat curl openssl)
if [[ "${1:-}" == "--tests" ]]; then packages+=(chromium); fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "switchboard: installing ${missing[*]}" >&2
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
