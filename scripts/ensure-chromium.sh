#!/bin/sh
# Headless Chromium lets a test click through viz.animate's page. Install Debian's 'chromium' with apt-get
# when we are root; otherwise say how, and go on: that test is then skipped with the reason.
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing: installing the Debian package 'chromium' with apt-get (for the animation test)"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
        exit 0
    fi
    echo "warning: apt-get could not install 'chromium'; the test that opens the animation page will be skipped" >&2
    exit 0
fi
echo "note: chromium is not installed (e.g. 'sudo apt-get install chromium'); the test that opens the" >&2
echo "      animation page in a headless browser will be skipped" >&2
exit 0
