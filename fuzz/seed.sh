#!/bin/sh
# Fill fuzz/corpus/<target>/ with seeds from the reference examples and sparkdeck's fixtures
# (the same seeds tests/fuzz_*.rs mutate). Run from anywhere; needs python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
fixtures="$root/tests/fixtures"
mkdir -p "$here/corpus/wire_decode" "$here/corpus/error_response" "$here/corpus/config_toml" \
         "$here/corpus/databrickscfg" "$here/corpus/drafts"
python3 - "$fixtures" "$here/corpus" <<'PY'
import json, sys, os
fixtures, corpus = sys.argv[1], sys.argv[2]
seeds = json.load(open(os.path.join(fixtures, "fuzz", "reference_bodies.json")))
for i, seed in enumerate(seeds):
    body = json.dumps(seed["body"]).encode()
    open(os.path.join(corpus, "wire_decode", f"ref-{i:03}.json"), "wb").write(body)
    if any(k in seed["body"] for k in ("error_code", "errorCode", "error", "detail", "message")):
        # Two status bytes (429), a Retry-After line, the body.
        open(os.path.join(corpus, "error_response", f"ref-{i:03}"), "wb").write(b"\x01\xad" + b"120\n" + body)
PY
cp "$root/config.example.toml" "$here/corpus/config_toml/example.toml"
for f in "$fixtures"/config/valid/*.toml "$fixtures"/config/invalid/*.toml; do
    cp "$f" "$here/corpus/config_toml/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp "$fixtures/config/databrickscfg" "$here/corpus/databrickscfg/fixture.ini"
printf '{"language":"pyspark","text":"df.show()\\n"}' > "$here/corpus/drafts/draft.json"
printf '{"language":"sql","code":"SELECT 1","workspace":"w","at":"2026-01-01T00:00:00Z"}\n{"language":"sql","co' \
    > "$here/corpus/drafts/history.jsonl"
echo "seeded $(find "$here/corpus" -type f | wc -l) files under $here/corpus"
