public import LedgerCore
public import LedgerCrypto
public import Pipeline
public import LedgerStorage

/// Where a flag stands after the compliance reviews recorded on the chain.
public enum FlagStatus: String, Sendable, CaseIterable {
    case open, confirmed, dismissed
}

/// A compliance decision on a flag, as a `review` event holds it.
public struct FlagReview: Sendable {
    public let decision: FlagStatus
    public let note: String
    public let officer: String
    public let occurredAt: Timestamp
    public let eventID: Digest
    public let index: Int
    /// The report the officer reviewed the flag in, when the review names it.
    public let reportDigest: String?
}

/// A flag of an anchored report with its reviews.
public struct FlagState: Sendable {
    public let flag: Report.Flag
    /// Digest of the report the flag comes from.
    public let reportDigest: Digest
    /// Reviews in ledger order; the last one decides ``status``.
    public let reviews: [FlagReview]

    public var status: FlagStatus { reviews.last?.decision ?? .open }

    /// The flag's JSON (`Schemas/report.schema.json`) with its status, report and reviews.
    public var json: JSONValue {
        var members = flag.json.objectValue ?? [:]
        members["status"] = .string(status.rawValue)
        members["report_digest"] = .string(reportDigest.hex)
        members["reviews"] = .array(
            reviews.map { review in
                .object([
                    "decision": .string(review.decision.rawValue), "note": .string(review.note),
                    "officer": .string(review.officer),
                    "occurred_at": .string(review.occurredAt.local), "event_id": .string(review.eventID.hex),
                    "index": .integer(review.index),
                ])
            })
        return .object(members)
    }
}

/// A stored report with the anchor event that carries its digest.
public struct AnchoredReport: Sendable {
    public let report: Report
    public let record: ReportRecord

    /// One line of a report list: digest, anchor, pipeline, range and counts.
    public var summaryJSON: JSONValue {
        .object([
            "digest": .string(record.digest.hex), "anchor_index": .integer(record.anchorIndex),
            "pipeline": .string(report.pipeline.name), "from_size": .integer(report.ledger.fromSize),
            "to_size": .integer(report.ledger.toSize), "flagged": .integer(report.summary.flagged),
            "links": .integer(report.summary.links),
        ])
    }
}

/// What `verifyReport` established.
public struct ReportVerification: Sendable {
    public let digest: Digest
    public let anchorIndex: Int
    public let anchorEventID: Digest
    /// The compliance participant who signed the anchor.
    public let officer: String
    public let fromSize: Int
    public let toSize: Int
    public let rootHash: String
}

extension Ledger {
    /// Every stored report, oldest first.
    public func anchoredReports() async throws(LedgerError) -> [AnchoredReport] {
        var reports = [AnchoredReport]()
        for record in try await store.reports() { reports.append(try Self.anchored(record)) }
        return reports
    }

    /// The stored report whose digest is `hex`; only that one is decoded.
    public func anchoredReport(digest hex: String) async throws(LedgerError) -> AnchoredReport {
        guard let record = try await store.reports().first(where: { $0.digest.hex == hex }) else {
            throw LedgerError(.notFound, "no anchored report \(hex); 'prov reports list' shows them")
        }
        return try Self.anchored(record)
    }

    private static func anchored(_ record: ReportRecord) throws(LedgerError) -> AnchoredReport {
        do {
            return AnchoredReport(report: try Report(canonicalBytes: record.body), record: record)
        } catch {
            throw error.at("report \(record.digest.hex)")
        }
    }

    /// The flags of the latest report, highest score first, with their reviews; optionally only
    /// those with `status`.
    public func flags(status: FlagStatus? = nil) async throws(LedgerError) -> [FlagState] {
        guard let latest = try await anchoredReports().last else {
            throw LedgerError(
                .notFound, "no anomaly report yet; run 'prov pipeline run Pipelines/default.yml --key OFFICER.pem'")
        }
        let reviews = try await reviewsByFlag()
        return latest.report.flags
            .map { FlagState(flag: $0, reportDigest: latest.record.digest, reviews: reviews[$0.id] ?? []) }
            .filter { status == nil || $0.status == status }
    }

    /// One flag, from the latest report that holds it.
    public func flag(id: String) async throws(LedgerError) -> FlagState {
        let reviews = try await reviewsByFlag()
        for anchored in try await anchoredReports().reversed() {
            if let flag = anchored.report.flags.first(where: { $0.id == id }) {
                return FlagState(flag: flag, reportDigest: anchored.record.digest, reviews: reviews[id] ?? [])
            }
        }
        throw LedgerError(.notFound, "no flag \(id) in any anchored report; 'prov anomalies list' shows the flags")
    }

    /// Records a compliance decision on a flag as a `review` event signed by `key`.
    public func review(
        flag id: String, decision: FlagStatus, note: String, signedWith key: Ed25519.PrivateKey
    ) async throws(LedgerError) -> AppendReceipt {
        let officer = try await registry().signer(of: key)
        let content = try await reviewContent(flag: id, decision: decision, note: note, officer: officer.id)
        return try await append([content], signedWith: key)
    }

    /// The `review` event `officer` would sign to record `decision` on flag `id`, for a client that
    /// signs it itself (``SignedEvent/unsignedStatement(for:signer:)``) and submits it with its disclosures
    /// through ``appendReview(_:)``.
    ///
    /// - Throws: `notAuthorized` unless `officer` is an active compliance participant, `notFound`
    ///   for an unknown flag.
    public func reviewContent(flag id: String, decision: FlagStatus, note: String, officer: String)
        async throws(LedgerError) -> EventContent
    {
        guard decision != .open else {
            throw LedgerError(.invalidRecord, "a decision is confirmed or dismissed")
        }
        guard let participant = try await registry().participants[officer], participant.isActive else {
            throw LedgerError(.unknownSigner, "no active participant '\(officer)'")
        }
        guard participant.role == .compliance else {
            throw LedgerError(
                .notAuthorized,
                "participant \(officer) has the role \(participant.role.rawValue); only compliance participants review flags"
            )
        }
        let state = try await flag(id: id)
        let earlier = state.reviews.filter { $0.officer == officer }.count
        return try EventContent(
            kind: .review, recordID: "review/\(id)/\(earlier + 1)", occurredAt: clock(),
            fields: [
                "flag": .string(id), "decision": .string(decision.rawValue), "note": .string(note),
                "report_digest": .string(state.reportDigest.hex),
            ])
    }

    /// Appends a `review` event its officer signed elsewhere, after checking that it decides a
    /// known flag; the signature, the signer's role and the record ID are checked as for any append.
    public func appendReview(_ event: SignedEvent) async throws(LedgerError) -> AppendReceipt {
        let fields = event.visibleFields
        guard event.header.kind == .review, let flag = fields["flag"]?.stringValue,
            let decision = fields["decision"]?.stringValue.flatMap(FlagStatus.init), decision != .open
        else {
            throw LedgerError(
                .invalidRecord,
                "not a review event: a review has kind review, a flag and a decision (confirmed or dismissed)")
        }
        _ = try await self.flag(id: flag)
        return try await append(signed: [event])
    }

    /// The IDs of the flags of every anchored report: what a review may name.
    func anchoredFlagIDs() async throws(LedgerError) -> Set<String> {
        var flags = Set<String>()
        for anchored in try await anchoredReports() { flags.formUnion(anchored.report.flags.map(\.id)) }
        return flags
    }

    func reviewsByFlag() async throws(LedgerError) -> [String: [FlagReview]] {
        var reviews = [String: [FlagReview]]()
        for record in try await store.events(kind: EventKind.review.rawValue) {
            let event = try record.decode()
            // Reviews before the flag and note were sensitive state them in public fields.
            let fields = event.visibleFields
            guard let flag = fields["flag"]?.stringValue,
                let decision = fields["decision"]?.stringValue.flatMap(FlagStatus.init)
            else {
                continue
            }
            reviews[flag, default: []].append(
                FlagReview(
                    decision: decision, note: fields["note"]?.stringValue ?? "", officer: event.header.signer,
                    occurredAt: event.header.occurredAt, eventID: event.id, index: record.index,
                    reportDigest: fields["report_digest"]?.stringValue))
        }
        return reviews
    }

    /// Proves that `json` is a report anchored on this chain, by a compliance participant, and
    /// that the ledger range it covered is unchanged.
    ///
    /// - Throws: ``LedgerError`` with code `invalidProof` saying which check failed.
    public func verifyReport(_ json: [UInt8]) async throws(LedgerError) -> ReportVerification {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json)
        } catch {
            throw LedgerError(.invalidProof, "not a report: the file is not JSON (\(error.reason))")
        }
        let report: Report
        do {
            report = try Report(json: value)
        } catch {
            throw LedgerError(.invalidProof, "not a report: \(error)")
        }
        let body = try report.canonicalBytes()
        let digest = SHA256.hash(body)
        let registry = try await registry()
        for record in try await store.events(kind: EventKind.anchor.rawValue) {
            let event = try record.decode()
            let fields = event.header.publicFields
            guard fields["report_digest"]?.stringValue == digest.hex else { continue }
            guard let officer = registry.participants[event.header.signer], officer.role == .compliance,
                event.isSignedBy(officer.publicKey)
            else {
                throw LedgerError(
                    .invalidProof,
                    "the anchor at index \(record.index) is not signed by a registered compliance participant")
            }
            let fromSize = fields["from_size"]?.integerValue
            let toSize = fields["to_size"]?.integerValue
            guard fromSize == report.ledger.fromSize, toSize == report.ledger.toSize,
                fields["checkpoint"]?.stringValue == report.ledger.rootHash,
                fields["pipeline_digest"]?.stringValue == report.pipeline.digest
            else {
                throw LedgerError(
                    .invalidProof,
                    "the report's range or pipeline digest differs from what its anchor at index \(record.index) states"
                )
            }
            guard let checkpoint = try await store.checkpoint(size: report.ledger.toSize),
                Digest(checkpoint.root)?.hex == report.ledger.rootHash
            else {
                throw LedgerError(
                    .invalidProof,
                    "the ledger's tree at size \(report.ledger.toSize) no longer has the root the report was run on: the range changed"
                )
            }
            return ReportVerification(
                digest: digest, anchorIndex: record.index, anchorEventID: event.id, officer: officer.id,
                fromSize: report.ledger.fromSize, toSize: report.ledger.toSize, rootHash: report.ledger.rootHash)
        }
        throw LedgerError(
            .invalidProof,
            "no anchor on the chain carries this report's digest \(digest.hex): the report was altered or never anchored"
        )
    }
}
