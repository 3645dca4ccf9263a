#!/usr/bin/env bash
# Install the Debian packages the kiosk and its tests need, only those missing; sudo when not root.
set -euo pipefail
packages=(
  libgl1 libegl1 libmtdev1 libgles2          # Kivy's SDL2/GL window
  fonts-wqy-microhei                         # CJK font (also bundled in assets/fonts)
  xvfb xauth                                 # headless window for UI tests
  cups cups-client cups-filters              # printing
  cups-ipp-utils                             # ipptool: job and printer state for the CUPS backend
  printer-driver-cups-pdf                    # a PDF-writing CUPS queue
  libzbar0                                   # QR decoding in tests
  zinnia-utils tegaki-zinnia-simplified-chinese  # handwriting recognition
  rime-essay                                 # word frequencies for typing (the pinyin lexicon)
  espeak-ng                                  # Mandarin read-aloud
  libime-data                                # fcitx5's word trigram model: which words go together (pinyin phrases)
  g++ zlib1g-dev                             # to build the kenlm module that reads that model
  postgresql                                 # central intake tests against PostgreSQL
  poppler-utils                              # pdftoppm for looking at printouts
  systemd                                    # systemd-analyze verify and systemd-sysusers --root on the session units
  cage xwayland                              # the kiosk session's compositor (verify needs /usr/bin/cage); SDL2 in Kivy's wheel has no Wayland driver
  xinit                                      # the Xorg variant of the session (kiosk-xorg.service)
  chromium chromium-driver                   # a real browser for the console's tests (Selenium, headless)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
