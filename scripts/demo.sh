#!/usr/bin/env bash
# Installs the system libraries, builds `prov` in release mode, and runs the demo network in ./demo:
# an operator registers a cocoa farm, a mill and a chocolate factory; each imports its facilities and
# its shipment files (the mill's receipts arrive before the farm's shipments); then a consumer follows
# a lot and checks a proof offline.
# Uses the DEMO-ONLY keys in SampleData/demo/keys and a fixed clock, so every run makes the same ledger.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product prov
prov="$(swift build -c release --show-bin-path)/prov"
keys="$PWD/SampleData/demo/keys"
records="$PWD/SampleData/demo"
pipelines="$PWD/Pipelines"
export SOURCE_DATE_EPOCH=1830297600

rm -rf demo && mkdir demo && cd demo
step() { printf '\n\033[1m$ prov %s\033[0m\n' "$*"; "$prov" "$@"; }

step init --origin demo.provenance.local/ledger --operator-key "$keys/DEMO-ONLY-operator.pem"
step participants add --id farm-gh --name "Ashanti Cocoa Farm" --role producer --public-key "$keys/DEMO-ONLY-farm-gh.pem"
step participants add --id mill-nl --name "Zaandam Cocoa Mill" --role processor --public-key "$keys/DEMO-ONLY-mill-nl.pem"
step participants add --id factory-de --name "Cologne Chocolate Factory" --role processor --public-key "$keys/DEMO-ONLY-factory-de.pem"
step participants list
step facilities import "$records/farm-gh-facilities.csv" --key "$keys/DEMO-ONLY-farm-gh.pem"
# The farm's production plots (EU deforestation regulation): a polygon and a point, checked before they are written.
step facilities import "$records/farm-gh-plots.geojson" --key "$keys/DEMO-ONLY-farm-gh.pem"
step facilities import "$records/mill-nl-facilities.csv" --key "$keys/DEMO-ONLY-mill-nl.pem"
step facilities import "$records/factory-de-facilities.csv" --key "$keys/DEMO-ONLY-factory-de.pem"
step facilities list
step products import "$records/factory-de-products.csv" --key "$keys/DEMO-ONLY-factory-de.pem"
step ingest "$records/mill-shipments.csv" --key "$keys/DEMO-ONLY-mill-nl.pem"
step ingest "$records/farm-shipments.csv" --key "$keys/DEMO-ONLY-farm-gh.pem"
step ingest "$records/farm-shipments.csv" --key "$keys/DEMO-ONLY-farm-gh.pem"
# A harvest that names the plots it came from.
step ingest "$records/farm-gh-harvest-plots.csv" --key "$keys/DEMO-ONLY-farm-gh.pem"
step history LOT-GH-201
# The geolocation of the lot's EU due-diligence statement: its plots' shares, as GeoJSON for the EU Information System.
step report eudr --lot LOT-GH-201 --out eudr
step ingest "$records/../mappings/erp-de-export.csv" --mapping "$records/../mappings/erp-de.yml" --key "$keys/DEMO-ONLY-farm-gh.pem"
step ingest "$records/factory-de-receipts.xml" --key "$keys/DEMO-ONLY-factory-de.pem"
step ingest "$records/factory-de-dispatch.epcis.xml" --key "$keys/DEMO-ONLY-factory-de.pem"
step history LOT-DE-CHOC-31
# The chocolate lot's due-diligence geolocation: the mill ground two harvests into the cocoa mass it was made of,
# so each of their plots holds a share of it by mass balance.
step report eudr --lot LOT-DE-CHOC-31 --out eudr
# Each event the statement rests on comes with its proof: anyone with the operator's public key checks them offline.
step verify-proof eudr/eudr-LOT-DE-CHOC-31.proofs --operator-key ledger.operator.pub.pem
# FDA's FSMA 204 sortable spreadsheet of the chocolate lot: one row per critical tracking event, each naming its event.
step report fsma204 --lot LOT-DE-CHOC-31 --out fsma204-LOT-DE-CHOC-31.csv
step history 04012345123456
step append "$records/farm-harvest.json" --key "$keys/DEMO-ONLY-farm-gh.pem"
step append "$records/mill-processing.json" --key "$keys/DEMO-ONLY-mill-nl.pem"
step append "$records/farm-harvest.json" --key "$keys/DEMO-ONLY-farm-gh.pem"
step history LOT-NL-MASS-07
ship=$("$prov" history LOT-GH-001 | awk '/record GH-S-0001/ { print $2 }')
step proof "$ship" --out ship.proof --redact price,quantity
mkdir -p consumer && cp ship.proof ledger.operator.pub.pem consumer/
(cd consumer && step verify-proof ship.proof --operator-key ledger.operator.pub.pem)
# A compliance officer runs the anomaly pipeline: the farm's May harvest is beyond its daily capacity.
step participants add --id compliance --name "Compliance Office" --role compliance --public-key "$keys/DEMO-ONLY-compliance.pem"
step ingest "$records/farm-shipments-may.csv" --key "$keys/DEMO-ONLY-farm-gh.pem"
step pipeline run "$pipelines/default.yml" --key "$keys/DEMO-ONLY-compliance.pem" --out reports
step anomalies list
# It also finds that the ERP's record of the plotted harvest of LOT-GH-201 names no plot: that lot traces to plots in
# part only. The officer reviews the capacity flag.
flag=$("$prov" anomalies list --json | python3 -c 'import json, sys
print(next(f["id"] for f in json.load(sys.stdin) if any(r.startswith("over capacity") for r in f["reasons"])))')
step anomalies review "$flag" --decision confirmed --note "harvest beyond the farm's capacity; weighbridge slips requested" --key "$keys/DEMO-ONLY-compliance.pem"
step anomalies show "$flag"
step reports verify reports/report-*.json
# Anyone holding the ledger makes the report again from the definition and the model kept with it.
step reports reproduce "$(basename reports/report-*.json .json | sed 's/^report-//')"
step checkpoint
step verify
