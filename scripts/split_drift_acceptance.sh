#!/usr/bin/env bash
# Drift false-alarm check through the whole pipeline: real wine rows resampled to 200,000, split at random into a
# reference hour and a current hour (100,000 events each), replayed at default settings; then the same with one
# feature shifted by half its standard deviation in the current hour. Prints, per seed, the drift alerts that fired.
#   scripts/split_drift_acceptance.sh [SEEDS] [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
seeds="${1:-10}"
work="${2:-$(mktemp -d)}"
for seed in $(seq 1 "$seeds"); do
  for variant in split shifted; do
    python3 - "$here/topology/src/test/resources/data/wine.jsonl" "$work/$variant-$seed.jsonl" "$seed" "$variant" <<'PY'
import json, random, statistics, sys
source, target, seed, variant = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [json.loads(line)["features"] for line in open(source)]
rng = random.Random(seed)
shifted = sorted(rows[0])[seed % len(rows[0])]                 # a different feature per seed
sd = statistics.pstdev(r[shifted] for r in rows)
t0 = 1767225600000
hours = ([], [])
for i in range(200000):
    f = dict(rng.choice(rows))
    hour = rng.randrange(2)                                      # the random split: reference or current
    if variant == "shifted" and hour == 1:
        f[shifted] += 0.5 * sd
    hours[hour].append(json.dumps({"type": "features", "model": "wine", "timestamp": t0 + hour * 3600000 + i,
                                   "features": f}))
with open(target, "w") as out:                                   # in time order: the reference hour first
    for line in hours[0] + hours[1]:
        out.write(line + "\n")
print(shifted, file=open(target + ".shifted", "w"))
PY
    "$here/featuremon" replay --input "$work/$variant-$seed.jsonl" --out "$work/out-$variant-$seed" >/dev/null 2>&1
    fired=$(python3 -c "
import json,sys
a=[json.loads(l) for l in open('$work/out-$variant-$seed/alerts.jsonl')]
print(' '.join(sorted(x['labels'].get('feature','-') for x in a if x['status']=='firing' and x['rule']=='FeatureDrift')) or 'none')")
    echo "seed $seed $variant (shifted feature: $(cat "$work/$variant-$seed.jsonl.shifted")): FeatureDrift fired for: $fired"
  done
done
