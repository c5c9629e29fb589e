#!/usr/bin/env python3
"""Run other detectors on the pipeline's own link feature matrix and score each against the labels.

Reads the matrix `prov pipeline run --features-out` writes and the generator's labels.csv. Every peer is fitted
unsupervised on the scaled feature columns (the values the pipeline's models see, missing values at the median 0),
and so is scored on exactly the rows the pipeline scored. For each pattern, the positives are the links holding a
record labelled with it and the negatives the links holding no labelled record; links of other patterns are left
out. The pipeline's own score is -log10 of its combined p-value.

Prints one JSON line per detector and pattern: {"detector", "pattern", "links", "auc", "ap", "seconds"}.
Needs numpy, scikit-learn and PyOD (the virtualenv of ../shared/bench/setup.sh).
"""

import argparse
import csv
import json
import math
import sys
import time


def read_matrix(path):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [name for name in reader.fieldnames if name.endswith("_scaled")]
        rows, records, pipeline = [], [], []
        for row in reader:
            rows.append([float(row[c]) if row[c] else 0.0 for c in columns])
            records.append(row["record_ids"].split(";"))
            p = float(row["combined_p"]) if row["combined_p"] else 1.0
            pipeline.append(math.inf if p <= 0 else -math.log10(p))
    return columns, rows, records, pipeline


def read_labels(path):
    patterns = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            patterns.setdefault(row["record_id"], set()).add(row["kind"])
    return patterns


def peers(seed):
    from pyod.models.copod import COPOD
    from pyod.models.ecod import ECOD
    from pyod.models.hbos import HBOS
    from pyod.models.iforest import IForest
    from pyod.models.lof import LOF
    from sklearn.ensemble import IsolationForest

    def pyod(model):
        def run(x):
            model.fit(x)
            return model.decision_scores_

        return run

    def sklearn_forest(x):
        forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x)
        return -forest.score_samples(x)

    return {
        "pyod_iforest": pyod(IForest(n_estimators=100, max_samples=256, random_state=seed)),
        "pyod_ecod": pyod(ECOD()),
        "pyod_copod": pyod(COPOD()),
        "pyod_hbos": pyod(HBOS()),
        "pyod_lof": pyod(LOF(n_neighbors=20)),
        "sklearn_iforest": sklearn_forest,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--features", required=True, help="the CSV of prov pipeline run --features-out")
    parser.add_argument("--labels", required=True, help="the network's labels.csv")
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--detectors", nargs="*", help="only these peers (default: all)")
    arguments = parser.parse_args()

    import numpy
    from sklearn.metrics import average_precision_score, roc_auc_score

    _, rows, records, pipeline = read_matrix(arguments.features)
    labels = read_labels(arguments.labels)
    link_patterns = [set().union(*(labels.get(r, set()) for r in ids)) for ids in records]
    patterns = sorted(set().union(*link_patterns))
    x = numpy.asarray(rows, dtype=float)
    scores = {"pipeline": (numpy.asarray(pipeline), 0.0)}
    for name, run in peers(arguments.seed).items():
        if arguments.detectors and name not in arguments.detectors:
            continue
        started = time.perf_counter()
        values = numpy.asarray(run(x), dtype=float)
        scores[name] = (values, time.perf_counter() - started)
    ordinary = [i for i, found in enumerate(link_patterns) if not found]
    for name, (values, seconds) in scores.items():
        finite = numpy.where(numpy.isinf(values), numpy.nanmax(values[numpy.isfinite(values)]) + 1, values)
        for pattern in patterns + ["all"]:
            positives = [i for i, found in enumerate(link_patterns) if (pattern in found if pattern != "all" else found)]
            if not positives:
                continue
            chosen = positives + ordinary
            truth = [1] * len(positives) + [0] * len(ordinary)
            print(json.dumps({
                "detector": name, "pattern": pattern, "links": len(positives),
                "auc": round(float(roc_auc_score(truth, finite[chosen])), 4),
                "ap": round(float(average_precision_score(truth, finite[chosen])), 4),
                "seconds": round(seconds, 3),
            }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
