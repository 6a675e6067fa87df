#!/bin/sh
# Install the Debian packages named as arguments when they are missing.
# Without apt-get or root, say which packages to install and carry on with what works.
missing=""
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing system packages:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
        && exit 0
    echo "warning: apt-get could not install:$missing; continuing without them" >&2
else
    echo "warning: please install these system packages yourself:$missing (continuing without them)" >&2
fi
exit 0
