import Foundation
public import LedgerCore
public import Pipeline

/// How well the pipeline finds the labelled anomalies of generated networks (`prov bench detection`).
public enum DetectionBenchmark {
    /// The peers' JSON lines as a table of ROC AUC (and average precision) per pattern and detector; the rows as JSON.
    public static func peerTable(_ output: String, log: (String) -> Void) -> [JSONValue] {
        var cells = [String: [String: (auc: Double, ap: Double)]]()
        var detectors = [String]()
        var rows = [JSONValue]()
        for object in PeerScript.objects(in: output) {
            guard let detector = object["detector"] as? String, let pattern = object["pattern"] as? String,
                let auc = object["auc"] as? Double, let ap = object["ap"] as? Double
            else { continue }
            if !detectors.contains(detector) { detectors.append(detector) }
            cells[pattern, default: [:]][detector] = (auc, ap)
            rows.append(
                .object([
                    "detector": .string(detector), "pattern": .string(pattern),
                    "auc": .string(String(format: "%.4f", auc)), "ap": .string(String(format: "%.4f", ap)),
                ]))
        }
        log("| pattern, ROC AUC (AP) | " + detectors.joined(separator: " | ") + " |")
        log("|---|" + detectors.map { _ in "---:" }.joined(separator: "|") + "|")
        for pattern in cells.keys.sorted() {
            let values = detectors.map { detector in
                cells[pattern]?[detector].map { String(format: "%.3f (%.3f)", $0.auc, $0.ap) } ?? ""
            }
            log("| \(pattern) | " + values.joined(separator: " | ") + " |")
        }
        return rows
    }
}

/// Recall per pattern and precision of a report against a network's labels.
public struct DetectionQuality: Sendable {
    /// One labelled record of a generated network (its labels.csv).
    public struct Label: Hashable, Sendable {
        public let recordID: String
        public let pattern: String
        public let signer: String

        public init(recordID: String, pattern: String, signer: String) {
            self.recordID = recordID
            self.pattern = pattern
            self.signer = signer
        }
    }

    /// How many of a pattern's labelled records the flags list.
    public struct PatternRow: Sendable {
        public let pattern: String
        public let labelled: Int
        public let found: Int
        public var recall: Double { labelled == 0 ? 1 : Double(found) / Double(labelled) }
    }

    public let patterns: [PatternRow]
    public let flags: Int
    /// The flags that list at least one labelled record.
    public let trueFlags: Int
    /// The flags no rule raised, and those of them that list a labelled record.
    public let modelOnly: Int
    public let modelOnlyTrue: Int
    public var precision: Double { flags == 0 ? 1 : Double(trueFlags) / Double(flags) }

    public init(report: Report, labels: [Label]) {
        var labelled = Set<String>()
        for label in labels { labelled.insert(label.signer + "\u{0}" + label.recordID) }
        var flagged = Set<String>()
        var trueFlags = 0
        var modelOnly = 0
        var modelOnlyTrue = 0
        for flag in report.flags {
            let keys = flag.records.map { $0.signer + "\u{0}" + $0.recordID }
            flagged.formUnion(keys)
            let isTrue = keys.contains(where: labelled.contains)
            if isTrue { trueFlags += 1 }
            if flag.rules.isEmpty {
                modelOnly += 1
                if isTrue { modelOnlyTrue += 1 }
            }
        }
        var byPattern = [String: (labelled: Int, found: Int)]()
        for label in labels {
            byPattern[label.pattern, default: (0, 0)].labelled += 1
            if flagged.contains(label.signer + "\u{0}" + label.recordID) {
                byPattern[label.pattern, default: (0, 0)].found += 1
            }
        }
        patterns = byPattern.keys.sorted().map {
            PatternRow(pattern: $0, labelled: byPattern[$0]?.labelled ?? 0, found: byPattern[$0]?.found ?? 0)
        }
        flags = report.flags.count
        self.trueFlags = trueFlags
        self.modelOnly = modelOnly
        self.modelOnlyTrue = modelOnlyTrue
    }
}
