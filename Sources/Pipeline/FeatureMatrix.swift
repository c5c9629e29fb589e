internal import Anomaly
internal import LedgerCore

/// The link feature matrix of a run, one row per scored link, as `prov pipeline run --features-out` writes it: the
/// rows any other detector can be run on, with what the pipeline's models made of them.
public struct FeatureMatrix: Sendable {
    public struct Row: Sendable {
        /// The link's ID: the ID its flag has, when it is flagged.
        public let linkID: String
        /// `shipment` or `transform`.
        public let subject: String
        /// The link's events, in ledger order.
        public let eventIDs: [String]
        public let recordIDs: [String]
        /// Each feature in its own units, NaN where it cannot be computed for this link.
        public let raw: [Double]
        /// Each feature as the models see it: on the model scale, robustly scaled, missing values at the median (0)
        /// and extremes capped.
        public let scaled: [Double]
        public let combinedScore: Double
        /// Per feature family (``FeatureMatrix/families``): the family's tail p-value; then the tail p-value over
        /// all families, and the combined p-value the threshold applies to.
        public let familyPValues: [Double]
        public let tailPValue: Double
        public let combinedPValue: Double
        public let forestScore: Double?
        public let clusterScore: Double?
        public let cluster: Int?
        /// Whether the report flags the link, by a rule or by the models.
        public let flagged: Bool
    }

    /// The feature names, in the definition's order.
    public let features: [String]
    /// The families the features belong to, in catalog order.
    public let families: [String]
    public let rows: [Row]

    /// The matrix as CSV (RFC 4180): `link_id, subject, event_ids, record_ids`, each feature raw, each feature
    /// scaled (`NAME_scaled`), each family's tail p-value (`p_FAMILY`), `tail_p, combined_p, combined_score,
    /// forest_score, cluster_score, cluster, flagged`. Several IDs in one
    /// cell are separated by `;`; a missing value is an empty cell; numbers are written in the shortest form that
    /// reads back to the same double.
    public func csv() -> String {
        var lines = [String]()
        lines.reserveCapacity(rows.count + 1)
        let header =
            ["link_id", "subject", "event_ids", "record_ids"] + features + features.map { $0 + "_scaled" }
            + families.map { "p_" + $0 } + [
                "tail_p", "combined_p", "combined_score", "forest_score", "cluster_score", "cluster", "flagged",
            ]
        lines.append(header.map(CSVText.cell).joined(separator: ","))
        for row in rows {
            var cells = [
                row.linkID, row.subject, row.eventIDs.joined(separator: ";"), row.recordIDs.joined(separator: ";"),
            ]
            cells += row.raw.map(Self.number)
            cells += row.scaled.map(Self.number)
            cells += row.familyPValues.map(Self.number)
            cells += [
                Self.number(row.tailPValue), Self.number(row.combinedPValue),
                Self.number(row.combinedScore), row.forestScore.map(Self.number) ?? "",
                row.clusterScore.map(Self.number) ?? "", row.cluster.map(String.init) ?? "", row.flagged ? "1" : "0",
            ]
            lines.append(cells.map(CSVText.cell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : ""
    }

}

extension ReportBuilder {
    /// The feature matrix of the links the report scored; `flagged` holds the IDs of the report's flags.
    func featureMatrix(flagged: Set<String>) -> FeatureMatrix {
        var rows = [FeatureMatrix.Row]()
        rows.reserveCapacity(table.subjects.count)
        let tails = scores.tails
        for (row, subject) in table.subjects.enumerated() {
            let positions = positions(of: subject.flagSubject, findings: [])
            let events = positions.map { links.events[$0] }
            let linkID = Self.flagID(subject: subject.flagSubject, positions: positions, links: links)
            rows.append(
                FeatureMatrix.Row(
                    linkID: linkID, subject: subject.flagSubject.name, eventIDs: events.map(\.id.hex),
                    recordIDs: events.map(\.recordID), raw: (0..<raw.columns).map { raw[row, $0] },
                    scaled: (0..<scaled.columns).map { scaled[row, $0] },
                    combinedScore: scores.combined.indices.contains(row) ? scores.combined[row] : 0,
                    familyPValues: (0..<tails.familyPValues.columns).map { tails.familyPValues[row, $0] },
                    tailPValue: tails.tail[row], combinedPValue: tails.combined[row],
                    forestScore: scores.forest.indices.contains(row) ? scores.forest[row] : nil,
                    clusterScore: scores.cluster.indices.contains(row) ? scores.cluster[row] : nil,
                    cluster: scores.clusters.indices.contains(row) ? scores.clusters[row] : nil,
                    flagged: flagged.contains(linkID)))
        }
        return FeatureMatrix(
            features: run.definition.features, families: tails.families.map(\.family.rawValue), rows: rows)
    }
}
