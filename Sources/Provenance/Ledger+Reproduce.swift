public import LedgerCore
public import LedgerCrypto
internal import LedgerStorage
internal import Pipeline

/// What re-running an anchored report found (``Ledger/reproduceReport(_:)``).
public struct ReportReproduction: Sendable {
    /// Where a document differs from what the re-run made.
    public struct Difference: Sendable {
        /// `report`, `model` or `definition`.
        public let document: String
        /// The JSON Pointer of the first differing value; empty for the whole document.
        public let pointer: String
        public let reason: String
    }

    /// The anchor's checks: its signer, its range, the tree's root at its size.
    public let verification: ReportVerification
    /// The digests the anchor carries, and those of what the re-run made.
    public let reportDigest: Digest
    public let modelDigest: Digest
    public let reproducedReportDigest: Digest
    public let reproducedModelDigest: Digest
    /// The code version that made the report (as its anchor states) and the one that re-ran it.
    public let codeVersion: String?
    public let reproducingCodeVersion: String
    /// The first difference, nil when the report and the model were made again to the byte.
    public let difference: Difference?

    public var reproduced: Bool { difference == nil }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "reproduced": .bool(reproduced),
            "report_digest": .string(reportDigest.hex), "model_digest": .string(modelDigest.hex),
            "reproduced_report_digest": .string(reproducedReportDigest.hex),
            "reproduced_model_digest": .string(reproducedModelDigest.hex),
            "anchor_index": .integer(verification.anchorIndex), "officer": .string(verification.officer),
            "from_size": .integer(verification.fromSize), "to_size": .integer(verification.toSize),
            "code_version": codeVersion.map(JSONValue.string) ?? .null,
            "reproducing_code_version": .string(reproducingCodeVersion),
        ]
        if let difference {
            members["difference"] = [
                "document": .string(difference.document), "pointer": .string(difference.pointer),
                "reason": .string(difference.reason),
            ]
        }
        return .object(members)
    }
}

/// The files stored with a report.
public struct StoredReportFiles: Sendable {
    /// The pipeline definition's bytes, as the run read them.
    public let definition: [UInt8]?
    /// The fitted model's document (``FittedModel``).
    public let model: [UInt8]?
}

extension Ledger {
    /// The definition and the model stored with the report whose digest is `report` (none for a report anchored
    /// before they were kept).
    public func reportFiles(of report: Digest) async throws(LedgerError) -> StoredReportFiles {
        let files = try await store.reportFiles(of: report)
        return StoredReportFiles(
            definition: files.first { $0.name == ReportFile.definition }?.body,
            model: files.first { $0.name == ReportFile.model }?.body)
    }

    /// Re-runs the anchored report `reportBytes` (its canonical JSON, as stored or exported) from what the ledger holds:
    /// the anchor's range of the chain and the definition stored with the report, and compares the report and the
    /// fitted model it makes with those anchored, byte for byte.
    ///
    /// - Returns: the outcome, with the first difference when there is one (a stored file that no longer has the
    ///   digest its anchor carries, or a JSON Pointer into the report or the model the re-run made differently).
    /// - Throws: `invalid_proof` when the report is not anchored as it states (``verifyReport(_:)``), `not_found` when
    ///   the ledger holds no definition or model for it (a report anchored before they were kept).
    public func reproduceReport(_ reportBytes: [UInt8]) async throws(LedgerError) -> ReportReproduction {
        let verification = try await verifyReport(reportBytes)
        let digest = verification.digest
        guard let anchor = try await store.events(verification.anchorIndex..<verification.anchorIndex + 1).first
        else {
            throw LedgerError(.invalidState, "the anchor at index \(verification.anchorIndex) cannot be read")
        }
        let fields = try anchor.decode().header.publicFields
        let codeVersion = fields["code_version"]?.stringValue
        guard let modelHex = fields["model_digest"]?.stringValue,
            let modelDigest = Hex.decode(modelHex).flatMap(Digest.init)
        else {
            throw LedgerError(
                .notFound,
                "the anchor of report \(digest.hex) carries no model digest: it was made before models were kept, and cannot be reproduced"
            )
        }
        let files = try await reportFiles(of: digest)
        guard let definitionBytes = files.definition, let storedModel = files.model else {
            throw LedgerError(
                .notFound,
                "the ledger holds no definition or model for report \(digest.hex); a full copy of the ledger that ran it does"
            )
        }
        func outcome(_ report: Digest, _ model: Digest, _ difference: ReportReproduction.Difference?)
            -> ReportReproduction
        {
            ReportReproduction(
                verification: verification, reportDigest: digest, modelDigest: modelDigest,
                reproducedReportDigest: report, reproducedModelDigest: model, codeVersion: codeVersion,
                reproducingCodeVersion: PipelineRun.codeVersion, difference: difference)
        }
        let pipelineDigest = fields["pipeline_digest"]?.stringValue ?? ""
        guard SHA256.hash(definitionBytes).hex == pipelineDigest else {
            return outcome(
                digest, modelDigest,
                .init(
                    document: ReportFile.definition, pointer: "",
                    reason:
                        "the stored definition's SHA-256 is not the pipeline digest its anchor carries (\(pipelineDigest))"
                ))
        }
        guard let text = String(bytes: definitionBytes, encoding: .utf8) else {
            throw LedgerError(.invalidRecord, "the stored definition of report \(digest.hex) is not UTF-8")
        }
        var definition = try PipelineDefinition(parsing: text, file: "definition of report \(digest.hex.prefix(16))")
        // The range as anchored: a definition that reads up to the ledger's size read up to the size it had then.
        definition.range.fromSize = verification.fromSize
        definition.range.toSize = verification.toSize
        let input = try await pipelineInput(definition.range)
        let result = PipelineRun(definition: definition, definitionDigest: pipelineDigest).run(
            events: input.events, facilities: input.facilities, products: input.products, range: input.range)
        let report = try result.report.canonicalBytes()
        let model = try result.model.canonicalBytes()
        let reproducedModel = SHA256.hash(model)
        // The anchored report is the canonical form of the one given (which may be written otherwise).
        var difference =
            SHA256.hash(report) == digest ? nil : Self.difference("report", stored: reportBytes, reproduced: report)
        if difference == nil, reproducedModel != modelDigest || storedModel != model {
            // Where the stored model departs from the one made again; and whether it is still the anchored one.
            let stored =
                SHA256.hash(storedModel) == modelDigest
                ? "" : "the stored model's SHA-256 is not the model digest its anchor carries; "
            let place =
                Self.difference(ReportFile.model, stored: storedModel, reproduced: model)
                ?? .init(document: ReportFile.model, pointer: "", reason: "the re-run made another model")
            difference = .init(document: place.document, pointer: place.pointer, reason: stored + place.reason)
        }
        return outcome(SHA256.hash(report), reproducedModel, difference)
    }

    /// The first difference between a stored document and the re-run's, nil when their bytes are the same.
    private static func difference(_ document: String, stored: [UInt8], reproduced: [UInt8])
        -> ReportReproduction.Difference?
    {
        guard stored != reproduced else { return nil }
        guard let expected = try? JSONParser.parse(stored) else {
            return .init(document: document, pointer: "", reason: "the stored \(document) is not JSON")
        }
        guard let found = try? JSONParser.parse(reproduced),
            let difference = JSONDifference.first(expected, found)
        else {
            return .init(document: document, pointer: "", reason: "the same values, written differently")
        }
        func text(_ value: JSONValue?) -> String {
            guard let value else { return "nothing" }
            let written = value.prettyPrinted().split(whereSeparator: \.isNewline)
                .map { $0.drop { $0 == " " } }.joined(separator: " ")
            return written.count > 120 ? written.prefix(120) + "…" : written
        }
        return .init(
            document: document, pointer: difference.pointer,
            reason: "stored \(text(difference.expected)), reproduced \(text(difference.found))")
    }
}

/// What anomaly detection says of a lot, as its public product page shows it: the latest anchored report whose range
/// holds every event of the lot, and whether a compliance officer confirmed a flag of that report that touches the
/// lot. Open and dismissed flags are the compliance office's, and are not told.
public struct LotDetection: Sendable {
    /// An anchored report, by its anchor.
    public struct Covering: Sendable {
        public let digest: Digest
        public let anchorIndex: Int
        /// When the anchor was signed.
        public let anchoredAt: Timestamp
        public let fromSize: Int
        public let toSize: Int
    }

    public let lot: String
    /// Nil while no anchored report covers the lot.
    public let report: Covering?
    /// Whether a confirmed flag of ``report`` names the lot or one of its events.
    public let confirmedFlag: Bool

    public var json: JSONValue {
        [
            "lot": .string(lot),
            "report": report.map { report in
                [
                    "digest": .string(report.digest.hex), "anchor_index": .integer(report.anchorIndex),
                    "anchored_at": .string(report.anchoredAt.utc), "from_size": .integer(report.fromSize),
                    "to_size": .integer(report.toSize),
                ]
            } ?? .null,
            "confirmed_flag": .bool(confirmedFlag),
        ]
    }
}

/// The anchored reports' ranges, newest first, and for each report the lots and records its confirmed flags touch: what
/// a lot's product page asks, read once per head height.
struct DetectionSummary: Sendable {
    let anchors: [LotDetection.Covering]
    /// Per report digest (hex): the lots its confirmed flags name, and their records as signer and record ID.
    let confirmed: [String: (lots: Set<String>, records: Set<String>)]

    static func recordKey(signer: String, recordID: String) -> String { signer + "\u{0}" + recordID }
}

extension Ledger {
    /// What anomaly detection says of `lot` (``LotDetection``).
    ///
    /// - Throws: `not_found` when no event names the lot.
    public func detection(ofLot lot: String) async throws(LedgerError) -> LotDetection {
        let events = try await store.events(touchingLots: [lot])
        guard let lowest = events.map(\.index).min(), let highest = events.map(\.index).max() else {
            throw LedgerError(.notFound, "no lot '\(lot)' in the ledger")
        }
        let summary = try await detectionSummary.value(height: try await headHeight()) {
            () async throws(LedgerError) in try await readDetectionSummary()
        }
        guard let covering = summary.anchors.first(where: { $0.fromSize <= lowest && highest < $0.toSize }) else {
            return LotDetection(lot: lot, report: nil, confirmedFlag: false)
        }
        let touched = summary.confirmed[covering.digest.hex]
        let confirmed =
            touched?.lots.contains(lot) == true
            || events.contains { record in
                touched?.records.contains(
                    DetectionSummary.recordKey(signer: record.columns.signer, recordID: record.columns.recordID))
                    == true
            }
        return LotDetection(lot: lot, report: covering, confirmedFlag: confirmed)
    }

    private func readDetectionSummary() async throws(LedgerError) -> DetectionSummary {
        var anchors = [LotDetection.Covering]()
        for record in try await store.events(kind: EventKind.anchor.rawValue).reversed() {
            let header = try record.decode().header
            let fields = header.publicFields
            guard let from = fields["from_size"]?.integerValue, let to = fields["to_size"]?.integerValue,
                let digest = fields["report_digest"]?.stringValue.flatMap(Hex.decode).flatMap(Digest.init)
            else { continue }
            anchors.append(
                .init(
                    digest: digest, anchorIndex: record.index, anchoredAt: header.occurredAt, fromSize: from,
                    toSize: to))
        }
        var confirmed = [String: (lots: Set<String>, records: Set<String>)]()
        let reviews = try await reviewsByFlag()
        for anchored in try await anchoredReports() {
            var touched = (lots: Set<String>(), records: Set<String>())
            for flag in anchored.report.flags {
                // The status as every reader of flags decides it (FlagState: the latest review).
                let state = FlagState(flag: flag, reportDigest: anchored.record.digest, reviews: reviews[flag.id] ?? [])
                guard state.status == .confirmed else { continue }
                if let lot = flag.lot { touched.lots.insert(lot) }
                for record in flag.records {
                    touched.records.insert(DetectionSummary.recordKey(signer: record.signer, recordID: record.recordID))
                }
            }
            confirmed[anchored.record.digest.hex] = touched
        }
        return DetectionSummary(anchors: anchors, confirmed: confirmed)
    }
}
