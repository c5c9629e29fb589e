public import LedgerCore
internal import Anomaly
internal import Foundation

/// Everything one pipeline run fitted, as one JSON document: what the definition's numbers became on this range of the
/// chain. The anchor event carries its SHA-256 beside the report's and the definition's, so that anyone holding the
/// ledger can re-run the definition and compare (docs/verifiable-detection.md).
///
/// The document holds, in model column order, each feature's scale (linear, log ratio or signed log) and its robust
/// scaling (median and spread), the cap on scaled values, each feature's tail model (where its body ends, the tail's
/// scale, the distances beyond the edge), the peer groups that lanes' transits, speeds and losses and senders' dwells
/// were measured against (each group's size, median and spread, and the blending constants), the detector (the isolation forest's trees, the clusters and mixture, each
/// model's score calibration), and the flagging threshold; with the definition's name and digest and the code
/// version that fitted it.
///
/// Its bytes are JSON with sorted keys and no whitespace, numbers as Swift writes a `Double` (the shortest text that
/// reads back to the same value), and `"NaN"`, `"Infinity"` and `"-Infinity"` for values that are not finite: the
/// same fitted values always give the same bytes.
public struct FittedModel: Sendable {
    /// Version of the document's layout.
    public static let formatVersion = 1

    let pipeline: String
    let definitionDigest: String
    let features: [String]
    let scaler: RobustScaler
    let tails: [TailModel]
    let peerGroups: [String: PeerTable]
    let detector: CombinedDetector?
    let threshold: PipelineDefinition.Threshold

    /// The document's bytes.
    ///
    /// - Throws: `invalid_state` if a fitted value cannot be written (which a finite model never has).
    public func canonicalBytes() throws(LedgerError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return Array(try encoder.encode(document))
        } catch {
            throw LedgerError(.invalidState, "the fitted model cannot be written as JSON: \(error)")
        }
    }

    private var document: Document {
        Document(
            format: Self.formatVersion,
            pipeline: .init(name: pipeline, digest: definitionDigest, codeVersion: PipelineRun.codeVersion),
            features: features.enumerated().map { column, name in
                Document.Feature(
                    name: name, scale: FeatureCatalog.feature(named: name).map { "\($0.scale)" } ?? "linear",
                    median: scaler.medians[column], spread: scaler.scales[column], tail: tails[column])
            },
            cap: PipelineRun.cap, peerGroups: peerGroups, detector: detector,
            threshold: .init(
                pValue: threshold.pValue, score: threshold.score, falseAlarmsPer1000: threshold.falseAlarmsPer1000,
                minimumDeviation: threshold.minimumDeviation))
    }

    private struct Document: Encodable {
        struct Pipeline: Encodable {
            let name: String
            let digest: String
            let codeVersion: String
        }

        struct Feature: Encodable {
            let name: String
            let scale: String
            let median: Double
            let spread: Double
            let tail: TailModel
        }

        struct Threshold: Encodable {
            let pValue: Double
            let score: Double?
            let falseAlarmsPer1000: Double
            let minimumDeviation: Double
        }

        let format: Int
        let pipeline: Pipeline
        let features: [Feature]
        let cap: Double
        let peerGroups: [String: PeerTable]
        let detector: CombinedDetector?
        let threshold: Threshold
    }
}
