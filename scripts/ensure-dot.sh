#!/bin/sh
# Make sure graphviz's `dot` exists: install it with apt-get when we are root, else say what to install.
set -e
command -v dot >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "graphviz's 'dot' is missing: installing the Debian package 'graphviz' with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; then
        command -v dot >/dev/null 2>&1 && exit 0
    fi
    echo "error: apt-get could not install 'graphviz'; install it by hand (it provides the 'dot' program)" >&2
    exit 1
fi
echo "error: graphviz's 'dot' program is missing. Install Graphviz, e.g. 'sudo apt-get install graphviz'" >&2
echo "       (Debian/Ubuntu), 'brew install graphviz' (macOS) or from https://graphviz.org/download/" >&2
exit 1
