#!/bin/sh
# Chromium in kiosk mode on the kiosk box. The page's URL carries the device token and the
# bridge's pairing token once (both are then kept by the browser and leave the address bar):
#   http://queue.local:8000/kiosk/#token=<device token>&bridge=<pairing token>
# --autoplay-policy: calls and sounds play without a touch first.
# Chromium allows a page served over plain HTTP on the LAN to open ws://127.0.0.1 (the bridge).
# The camera (the face check, docs/face.md) needs a secure context: serve the queue over HTTPS
# (docs/operations.md: nginx and a local authority; then QUEUE_ORIGIN=https://queue.local), or
# keep --unsafely-treat-insecure-origin-as-secure for the queue's own origin as below. The
# camera permission is granted to that origin by deploy/chromium-policy.json (copy it to
# /etc/chromium/policies/managed/), so no prompt appears on the kiosk.
QUEUE_ORIGIN="${QUEUE_ORIGIN:-http://queue.local:8000}"
exec chromium --kiosk --noerrdialogs --disable-infobars --no-first-run --disable-translate \
  --overscroll-history-navigation=0 --disable-pinch --check-for-update-interval=31536000 \
  --autoplay-policy=no-user-gesture-required \
  --unsafely-treat-insecure-origin-as-secure="$QUEUE_ORIGIN" \
  --app="${KIOSK_URL:-$QUEUE_ORIGIN/kiosk/}"
