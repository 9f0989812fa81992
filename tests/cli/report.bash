# kevolve report (issue 20, item 7): the text summary, one self-contained HTML page whose
# strings from the knowledge directory are escaped, the output path refused where apply -o
# refuses it, and, where Debian's chromium is installed, the page rendered headless: its plots
# are drawn (the plot area of the screenshot is not blank) and the console shows no error.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }

cp -r "$SUITE_DIR/fixtures/knowledge" .kevolve
# Trial logs of two runs (tune processes 11 and 22 on two nights) for saxpy, with failures and
# stage times, and a hostile unit name's worth of message.
python3 - <<'PY'
import json, os
dev = "cuda-sm_90-nvidia-h100-80gb-hbm3"
os.makedirs(f".kevolve/trials/saxpy", exist_ok=True)
lines = []
for night, pid, scale in (("2026-11-21", 11, 1.0), ("2026-11-22", 22, 0.9)):
    for k in range(12):
        status = ["ok", "ok", "compile_error", "ok", "wrong_result", "ok"][k % 6]
        t = scale * (2e-3 / (1 + k * 0.1)) if status == "ok" else None
        lines.append({"schema": 1, "id": f"{night.replace('-', '')}T2200{k:02d}Z-{pid}-{k}",
                      "unit": "saxpy", "source_hash": "xxh3:1", "device_id": dev,
                      "problem": {"n": 1024}, "params": {"BLOCK": 32 * (k + 1)},
                      "status": status, "time_s": t, "spread": 0.01,
                      "message": "<script>alert(1)</script>" if status != "ok" else "",
                      "strategy": "ils", "date": f"{night}T22:00:{k:02d}Z",
                      "build_s": 0.5, "run_s": 0.1 if status != "compile_error" else None})
with open(f".kevolve/trials/saxpy/{dev}.jsonl", "w") as f:
    for l in lines:
        f.write(json.dumps({k: v for k, v in l.items() if v is not None}) + "\n")
PY

describe "text summary: the winner, the runs and their outcomes"
run "$KEVOLVE" report --knowledge .kevolve
expect_status 0
expect_out "saxpy on cuda-sm_90-nvidia-h100-80gb-hbm3"
expect_out "2 run(s), 24 evaluation(s): 4 compile_error, 16 ok, 4 wrong_result"
expect_out "latest run 2026-11-22 pid 22"

describe "an unknown unit is an error naming it"
run "$KEVOLVE" report --knowledge .kevolve --unit nosuch
expect_status 1
expect_err "no wisdom and no trial log for unit 'nosuch'"

describe "the HTML page: one file, its plots inline, messages escaped"
run "$KEVOLVE" report --knowledge .kevolve --html pages/report.html
expect_status 0
expect_err "written to pages/report.html"
page=pages/report.html
[ -f $page ] || fail "no $page"
grep -q '<script' $page && fail "a <script> reached the page"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' $page || fail "the message is not shown as text"
for what in "Convergence" "Time per stage" "verifying and timing" "ended at build" "Winner against the defaults" "Share of the peak" \
  "Tuned time across runs" "<polyline"; do
  grep -qF -- "$what" $page || fail "the page lacks: $what"
done
grep -qE '(src|href)="' $page && fail "the page refers to another file"
[ "$(grep -o '<svg ' $page | wc -l)" -ge 5 ] || fail "fewer plots than expected"

describe "a non-regular output path is refused, as apply -o refuses it"
ln -s /dev/null link.html
run "$KEVOLVE" report --knowledge .kevolve --html link.html
expect_status 1
expect_err "it is a symbolic link, not a regular file"
[ -L link.html ] || fail "the link was replaced"
run "$KEVOLVE" report --knowledge .kevolve --html pages
expect_status 1
expect_err "it is a directory"

describe "--html - prints the page"
run "$KEVOLVE" report --knowledge .kevolve --html - --unit saxpy
expect_status 0
expect_out "<!DOCTYPE html>"

describe "headless chromium draws the plots, with no console error"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium not installed: render check skipped"
  exit 0
fi
set +e
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
  --user-data-dir="$T/chromium" --screenshot="$T/shot.png" --window-size=1200,2000 \
  "file://$T/$page" >"$T/out" 2>"$T/err"
status=$?
set -e
expect_status 0
[ -s "$T/shot.png" ] || fail "no screenshot"
grep -E 'CONSOLE|Uncaught' "$T/err" && fail "chromium printed a console error"
# The plot area (the page's first 1200x1400 pixels below the title) holds many colours: the
# status points, the best-so-far line and the bars; a blank or text-only page holds a few greys.
python3 - "$T/shot.png" <<'PY' || fail "the screenshot's plot area is blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, width, height = 8, b"", 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
rows, prev, at = [], bytearray(stride), 0
for y in range(height):
    f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
    at += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
colours, coloured = set(), 0
for y in range(100, min(height, 1500), 2):
    line = rows[y]
    for x in range(0, min(width, 1200) * bpp, bpp * 2):
        r, g, b = line[x], line[x + 1], line[x + 2]
        colours.add((r >> 4, g >> 4, b >> 4))
        if max(r, g, b) - min(r, g, b) > 60: coloured += 1
print(f"plot area: {len(colours)} colours, {coloured} coloured pixels sampled")
sys.exit(0 if len(colours) > 20 and coloured > 500 else 1)
PY
echo "render check: ok"
