#!/bin/bash
# Runs inside the booted Debian 12 container (kiosk/appliance/check.py); prints each step
# in Vietnamese, exits non-zero at the first failure.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
cd /
[ -f /root/check/ca.crt ] && export PIP_CERT=/root/check/ca.crt
WHEEL=$(ls /root/check/*.whl)
BOOT=/root/check/boot  # the installer's own venv: the wheel alone, no sources anywhere here
INSTALL=("$BOOT/bin/kiosk" appliance install --wheel "$WHEEL")
step() { echo; echo "== $*"; }
fail() {
  echo "THẤT BẠI: $*"
  journalctl --no-pager -n 60 -u kiosk.service -u kiosk-sync.service
  exit 1
}
wait_active() {  # unit, seconds: Type=notify, so "active" means READY=1 was heard
  for _ in $(seq "$2"); do
    [ "$(systemctl is-active "$1")" = active ] && return 0
    sleep 1
  done
  return 1
}

step "0. Chỉ có tệp wheel: cài nó (không kèm thư viện) vào môi trường Python tạm $BOOT"
python3 -m venv "$BOOT" && "$BOOT/bin/pip" install -q --no-deps "$WHEEL" \
  || fail "không cài được wheel vào môi trường tạm"
ls -d /root/check/src 2>/dev/null && fail "mã nguồn không được có trong máy kiểm tra"

step "1. Cài lần đầu (chưa khởi động dịch vụ): ${INSTALL[*]} --no-start"
"${INSTALL[@]}" --no-start || fail "cài đặt không thành công"

step "2. systemd-analyze verify trên các dịch vụ đã cài (cage, /opt/kiosk/bin/kiosk có thật)"
out=$(systemd-analyze verify /etc/systemd/system/kiosk.service \
      /etc/systemd/system/kiosk-sync.service 2>&1); rc=$?
echo "${out:-(không có cảnh báo)}"
[ $rc -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify báo lỗi hoặc cảnh báo"

step "3. Quyền: /var/lib/kiosk 0700 kiosk, /etc/kiosk/kiosk.toml 0640 root:kiosk, không có gói demo"
ls /opt/kiosk/lib/python3*/site-packages/kiosk/resources/fonts/NotoSans-Regular.ttf \
  || fail "bản cài thiếu phông chữ (tài nguyên phải đi cùng wheel)"
stat -c '%n %a %U:%G' /var/lib/kiosk /etc/kiosk/kiosk.toml
[ "$(stat -c '%a %U' /var/lib/kiosk)" = "700 kiosk" ] || fail "quyền thư mục dữ liệu sai"
[ "$(stat -c '%a %U:%G' /etc/kiosk/kiosk.toml)" = "640 root:kiosk" ] || fail "quyền cấu hình sai"
ls -d /opt/kiosk/lib/python3*/site-packages/kiosk/demo 2>/dev/null && fail "gói demo còn trong bản cài"
if sudo_out=$(runuser -u kiosk -- /opt/kiosk/bin/kiosk portal-sim 2>&1); then
  fail "kiosk portal-sim chạy được dù không có gói demo"
fi
echo "kiosk portal-sim khi không có gói demo: $sudo_out"

step "4. Chỉ trong kiểm tra này: Xvfb thay cho cage (không có màn hình), cấu hình cổng thử"
apt-get install -y -q --no-install-recommends xvfb xauth > /dev/null || fail "không cài được xvfb"
mkdir -p /etc/systemd/system/kiosk.service.d
cat > /etc/systemd/system/kiosk.service.d/check-xvfb.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/xvfb-run -a -s "-screen 0 1280x800x24" /opt/kiosk/bin/kiosk run
Environment=QT_QPA_PLATFORM=xcb
StandardInput=null
TTYPath=
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
UNIT
# A portal address no one answers: the worker still takes the lease and waits.
sed -i 's|^url = ""|url = "http://127.0.0.1:9"|; s|^client_id = ""|client_id = "kiosk-check"|; s|^client_secret = ""|client_secret = "check"|' /etc/kiosk/kiosk.toml

step "5. Cài lần hai (phải cho cùng kết quả, giữ nguyên cấu hình) và khởi động dịch vụ"
before=$(sha256sum /etc/kiosk/kiosk.toml)
"${INSTALL[@]}" --skip-packages || fail "cài lần hai không thành công"
[ "$before" = "$(sha256sum /etc/kiosk/kiosk.toml)" ] || fail "cài lần hai đã ghi đè cấu hình"
[ "$(getent passwd kiosk | cut -d: -f1)" = kiosk ] || fail "thiếu người dùng kiosk"
[ "$(getent passwd | grep -c '^kiosk:')" = 1 ] || fail "người dùng kiosk bị tạo hai lần"

step "6. Các dịch vụ lên (READY=1 đã tới systemd)"
wait_active kiosk.service 180 || fail "kiosk.service không lên"
wait_active kiosk-sync.service 60 || fail "kiosk-sync.service không lên"
systemctl --no-pager status kiosk.service kiosk-sync.service | grep -E 'Active|Status|Main PID'
# READY came from the kiosk itself (its STATUS= rides with it), not from anything else.
systemctl show -p StatusText --value kiosk.service | grep -q 'Trang chủ đã hiện' \
  || fail "kiosk.service chưa báo trang chủ đã hiện"

step "7. Watchdog được nuôi: sau 70 giây (WatchdogSec=60) dịch vụ vẫn chạy, không khởi động lại"
r0=$(systemctl show -p NRestarts --value kiosk.service)
s0=$(systemctl show -p NRestarts --value kiosk-sync.service)
sleep 70
[ "$(systemctl show -p NRestarts --value kiosk.service)" = "$r0" ] || fail "kiosk.service bị watchdog khởi động lại"
[ "$(systemctl show -p NRestarts --value kiosk-sync.service)" = "$s0" ] || fail "kiosk-sync.service bị khởi động lại"
echo "Số lần khởi động lại không đổi: kiosk $r0, kiosk-sync $s0"

step "8. kill -9 tiến trình kiosk → systemd tự khởi động lại (Restart=always)"
ui_pid() {  # the kiosk's Python process (minbase has no pgrep)
  for d in /proc/[0-9]*; do
    [ "$(stat -c %U "$d" 2>/dev/null)" = kiosk ] || continue
    tr '\0' ' ' < "$d/cmdline" 2>/dev/null \
      | grep -Eq '^/opt/kiosk/bin/python[0-9.]* /opt/kiosk/bin/kiosk run' && basename "$d"
  done | head -1
}
old=$(ui_pid); [ -n "$old" ] || fail "không thấy tiến trình kiosk run"
kill -9 "$old"; echo "Đã kill -9 tiến trình $old"
sleep 3
wait_active kiosk.service 180 || fail "kiosk.service không tự lên lại"
new=$(ui_pid)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "không có tiến trình kiosk mới"
[ "$(systemctl show -p NRestarts --value kiosk.service)" -gt "$r0" ] || fail "NRestarts không tăng"
echo "Kiosk đã chạy lại: tiến trình mới $new"

step "9. kiosk-sync giữ quyền đồng bộ (sync lease)"
sync_pid=$(systemctl show -p MainPID --value kiosk-sync.service)
holder=$(python3 -c 'import sqlite3
print(sqlite3.connect("/var/lib/kiosk/kiosk.sqlite3").execute("SELECT pid, owner FROM sync_lease").fetchone())')
echo "Người giữ: $holder (MainPID của kiosk-sync: $sync_pid)"
echo "$holder" | grep -q "($sync_pid," || fail "kiosk-sync không giữ quyền đồng bộ"

# The page of a port, waiting up to a minute: the kiosk restarted in step 8 opens its
# exporter on the start-up thread, after Home is painted.
scrape() {
  python3 - "$1" <<'PY'
import sys, time, urllib.request
for attempt in range(60):
    try:
        print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode())
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit(1)
PY
}

step "10. Số liệu Prometheus (nếu mẫu cấu hình bật [metrics] address = \"127.0.0.1:9108\")"
if grep -Eq '^address *= *"127.0.0.1:9108"' /etc/kiosk/kiosk.toml; then
  page=$(scrape 9108) \
    || fail "trang số liệu không trả lời"
  echo "$page" | grep -E '^kiosk_(info|dossiers|oldest_unsent)'
  echo "$page" | grep -q '^kiosk_dossiers{state="PENDING"}' || fail "trang số liệu thiếu số hồ sơ chờ gửi"
  echo "$page" | grep -q 'role="run"' || fail "cổng 9108 phải là của giao diện kiosk (role=run)"
  if grep -Eq '^sync_address *= *"127.0.0.1:9109"' /etc/kiosk/kiosk.toml; then
    sync_page=$(scrape 9109) \
      || fail "trang số liệu của kiosk-sync không trả lời"
    echo "$sync_page" | grep -q 'role="sync"' || fail "cổng 9109 phải là của kiosk-sync (role=sync)"
  fi
else
  echo "Mẫu cấu hình chưa bật [metrics]: bỏ qua bước này (không tính là lỗi)."
fi

echo; echo "TẤT CẢ ĐẠT"
