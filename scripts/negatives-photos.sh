#!/bin/sh
# Photographs for trainer domaincheck's held-out negatives: scikit-image's
# sample images as Debian ships them in python3-skimage (BSD-3-Clause
# package; the pictures are public domain or CC0, see skimage/data/
# _fetchers.py in the package). The .deb is downloaded with apt-get and
# unpacked with dpkg -x: nothing is installed. Writes out/negatives/skimage.
set -eu
out=${1:-out/negatives}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download python3-skimage >/dev/null)
dpkg -x "$tmp"/python3-skimage_*.deb "$tmp/x"
mkdir -p "$out/skimage"
find "$tmp/x" -path '*/skimage/data/*' \( -name '*.png' -o -name '*.jpg' \) -exec cp {} "$out/skimage/" \;
echo "$(ls "$out/skimage" | wc -l) pictures in $out/skimage"
