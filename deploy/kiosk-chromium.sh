#!/bin/sh
# Chromium in kiosk mode on the kiosk box. The page's URL carries the device token and the
# bridge's pairing token once (both are then kept by the browser and leave the address bar):
#   http://queue.local:8000/kiosk/#token=<device token>&bridge=<pairing token>
# --autoplay-policy: calls and sounds play without a touch first.
# Chromium allows a page served over plain HTTP on the LAN to open ws://127.0.0.1 (the bridge);
# if a future version blocks local network access from such pages, serve the queue over HTTPS
# or add --unsafely-treat-insecure-origin-as-secure=http://queue.local:8000 here.
exec chromium --kiosk --noerrdialogs --disable-infobars --no-first-run --disable-translate \
  --overscroll-history-navigation=0 --disable-pinch --check-for-update-interval=31536000 \
  --autoplay-policy=no-user-gesture-required \
  --app="${KIOSK_URL:-http://queue.local:8000/kiosk/}"
