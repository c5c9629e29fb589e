import LedgerCore
import LedgerCrypto
import Testing

@testable import Pipeline

@Suite struct ReportJSONTests {
    @Test func jsonReadsBackEqual() throws {
        let report = SampleReport.make()
        #expect(try Report(json: report.json()) == report)
        #expect(try Report(canonicalBytes: report.canonicalBytes()) == report)
        #expect(try report.roundedToDecimalPlaces() == report)
    }

    @Test func layoutIsSnakeCaseWithDecimalStringsAndNoNulls() throws {
        let json = SampleReport.make().json()
        #expect(json["format"] == .integer(1))
        #expect(json["ledger"]?["root_hash"] == .string(SampleReport.rootHash))
        #expect(json["ledger"]?["window"]?["from"] == "2026-01-01T00:00:00Z")
        #expect(json["summary"]?["score_threshold"] == "0.6200")
        #expect(json["summary"]?["rules"]?["duplicate_serials"] == .integer(0))
        #expect(json["pipeline"]?["parameters"]?["score_threshold"] == ["$decimal": "0.62"])
        #expect(json["pipeline"]?["parameters"]?["forest"]?["trees"] == .integer(200))
        #expect(json["clusters"]?["silhouettes"]?["3"] == "0.5287")

        let flags = try #require(json["flags"]?.arrayValue)
        #expect(flags[0]["score"] == "1.0000")
        #expect(flags[0]["forest_score"] == nil)
        #expect(flags[0]["cluster"] == nil)
        #expect(flags[0]["records"]?.arrayValue?[0]["record_id"] == "farm-shipments.csv:3")
        #expect(flags[1]["shipment_id"] == "SH-2026-0291")
        #expect(flags[1]["drivers"]?.arrayValue?[0]["value"] == "568.888889")
        #expect(flags[1]["drivers"]?.arrayValue?[0]["z"] == "12.4031")
        #expect(flags[2]["shipment_id"] == nil)
        #expect(flags[3]["drivers"]?.arrayValue?[2]["value"] == nil)
        #expect(flags[4]["records"]?.arrayValue?[0]["facility"] == nil)

        let text = String(decoding: try CanonicalJSON.encode(json), as: UTF8.self)
        #expect(!text.contains("null"))
    }

    @Test func decimalsAreRoundedHalfAwayFromZeroWithoutLocale() {
        #expect(DecimalText.fixed(0.12345, places: 4) == "0.1235")
        #expect(DecimalText.fixed(-0.12345, places: 4) == "-0.1235")
        #expect(DecimalText.fixed(0.99995, places: 4) == "1.0000")
        #expect(DecimalText.fixed(-0.00004, places: 4) == "0.0000")
        #expect(DecimalText.fixed(12, places: 4) == "12.0000")
        #expect(DecimalText.fixed(1_234_567.25, places: 6) == "1234567.250000")
        #expect(DecimalText.fixed(1e-7, places: 6) == "0.000000")
        #expect(DecimalText.fixed(.nan, places: 4) == nil)
        #expect(DecimalText.fixed(.infinity, places: 4) == nil)
        #expect(DecimalText.shortest(0.02) == "0.02")
        #expect(DecimalText.shortest(3) == "3")
        #expect(DecimalText.shortest(1e-5) == "0.00001")
        #expect(DecimalText.trimmed(0.4100, places: 4) == "0.41")
        #expect(DecimalText.trimmed(180, places: 2) == "180")
    }

    @Test func writingRoundsToTheStatedPlaces() throws {
        var report = SampleReport.make()
        report.flags[1].score = 0.913_749_9
        report.flags[1].drivers[0].value = 568.888_888_888
        let rounded = try report.roundedToDecimalPlaces()
        #expect(rounded.flags[1].score == 0.9137)
        #expect(rounded.flags[1].drivers[0].value == 568.888889)
        #expect(try rounded.canonicalBytes() == report.canonicalBytes())
    }

    @Test func canonicalBytesAreStableAndTheDigestFollowsOneScore() throws {
        let report = SampleReport.make()
        let bytes = try report.canonicalBytes()
        #expect(try SampleReport.make(rulesInsertedBackwards: true).canonicalBytes() == bytes)
        #expect(try report.canonicalBytes() == bytes)
        #expect(bytes.starts(with: Array(#"{"clusters":{"explained_variance":["0.4132","0.2217"],"#.utf8)))
        #expect(try report.digest() == SHA256.hash(bytes))

        var changed = report
        changed.flags[2].score = 0.8421
        #expect(try changed.digest() != report.digest())
        var same = report
        same.flags[2].score = 0.842_000_1  // rounds to the same four decimals
        #expect(try same.digest() == report.digest())
    }

    @Test(
        arguments: [
            (
                [Step.key("flags"), .index(3), .key("score")], JSONValue.number("0.7346"),
                #"flags[3].score: expected a decimal string with 4 decimals (e.g. "0.8125"), got number 0.7346"#
            ),
            (
                [.key("flags"), .index(1), .key("drivers"), .index(0), .key("value")], "568.89",
                #"flags[1].drivers[0].value: expected a decimal string with 6 decimals (e.g. "0.812500"), got string "568.89""#
            ),
            (
                [.key("summary"), .key("score_threshold")], "-0.0000",
                #"summary.score_threshold: expected a decimal string with 4 decimals (e.g. "0.8125"), got string "-0.0000""#
            ),
            ([.key("ledger"), .key("window"), .key("to")], .null, "ledger.window.to: expected a string, got null"),
            (
                [.key("ledger"), .key("root_hash")], "5F1C",
                #"ledger.root_hash: expected a SHA-256 digest as 64 lower-case hex digits, got string "5F1C""#
            ),
            ([.key("ledger"), .key("to_size")], "48210", #"ledger.to_size: expected an integer, got string "48210""#),
            (
                [.key("clusters"), .key("points"), .index(7), .key("cluster")], .number("1.0"),
                "clusters.points[7].cluster: expected an integer, got number 1.0"
            ),
            (
                [.key("clusters"), .key("silhouettes"), .key("two")], "0.1000",
                "clusters.silhouettes.two: expected a number of clusters (1 or more) as the member name"
            ),
            (
                [.key("pipeline"), .key("parameters"), .key("forest"), .key("contamination")], ["$decimal": "2e-2"],
                #"pipeline.parameters.forest.contamination.$decimal: expected a decimal string in its shortest spelling (e.g. "0.02"), got string "2e-2""#
            ),
            ([.key("format")], .integer(2), "format: format 2 is not supported; this version reads format 1"),
        ] as [([Step], JSONValue, String)])
    func decodingNamesTheBadMember(path: [Step], replacement: JSONValue, message: String) {
        var json = SampleReport.make().json()
        Step.edit(&json, path) { $0 = replacement }
        #expect(throws: LedgerError.self) { try Report(json: json) }
        do {
            _ = try Report(json: json)
        } catch {
            #expect(error.code == .invalidRecord)
            #expect(error.description == message)
        }
    }

    @Test func missingAndUnknownMembersAreNamed() {
        var json = SampleReport.make().json()
        Step.edit(&json, [.key("flags"), .index(1), .key("records"), .index(0), .key("event_id")]) { $0 = nil }
        #expect(message(json) == "flags[1].records[0].event_id: required member is missing")

        json = SampleReport.make().json()
        Step.edit(&json, [.key("features"), .index(2), .key("colour")]) { $0 = "red" }
        #expect(
            message(json)?.hasPrefix("features[2].colour: unknown member; expected only description, median") == true)

        json = SampleReport.make().json()
        Step.edit(&json, [.key("histogram")]) { $0 = .array([]) }
        #expect(message(json) == "histogram: expected an object, got an array")

        #expect(message(.array([])) == "report: expected an object, got an array")
    }

    @Test func whatCannotBeReadBackIsRefusedWithItsPlace() {
        var report = SampleReport.make()
        report.flags[2].drivers[0].z = .nan
        #expect(throws: LedgerError.self) { try report.canonicalBytes() }
        do {
            _ = try report.digest()
        } catch {
            #expect(
                error.description
                    == #"flags[2].drivers[0].z: expected a decimal string with 4 decimals (e.g. "0.8125"), got string "nan""#
            )
        }

        var pretty = Array(SampleReport.make().json().prettyPrinted().utf8)
        #expect(throws: LedgerError.self) { try Report(canonicalBytes: pretty) }
        pretty = Array("[1,".utf8)
        #expect(throws: LedgerError.self) { try Report(canonicalBytes: pretty) }
    }

    @Test func parameterNamesBeginningWithDollarReadBack() throws {
        var report = SampleReport.make()
        report.pipeline.parameters["$decimal"] = .text("not a number")
        report.pipeline.parameters["nested"] = .group(["$decimal": .number(1.5), "$$x": .flag(false)])
        #expect(try Report(canonicalBytes: report.canonicalBytes()) == report)
        #expect(report.json()["pipeline"]?["parameters"]?["$$decimal"] == "not a number")

        var json = report.json()
        Step.edit(&json, [.key("pipeline"), .key("parameters"), .key("$other")]) { $0 = .integer(1) }
        #expect(
            message(json)?.hasPrefix("pipeline.parameters.$other: member names beginning with a single $ are reserved")
                == true)
    }

    private func message(_ json: JSONValue) -> String? {
        do {
            _ = try Report(json: json)
            return nil
        } catch {
            return error.description
        }
    }
}

/// One step of a path into a JSON value, for editing a document in tests.
enum Step: Sendable, CustomStringConvertible {
    case key(String)
    case index(Int)

    var description: String {
        switch self {
        case .key(let name): return "." + name
        case .index(let index): return "[\(index)]"
        }
    }

    /// Applies `change` to the value at `path` (`nil` when absent; setting `nil` removes a member).
    static func edit(_ value: inout JSONValue, _ path: [Step], _ change: (inout JSONValue?) -> Void) {
        guard let first = path.first else {
            var optional: JSONValue? = value
            change(&optional)
            value = optional ?? .null
            return
        }
        let rest = Array(path.dropFirst())
        switch (first, value) {
        case (.key(let name), .object(var members)):
            if rest.isEmpty {
                var member = members[name]
                change(&member)
                members[name] = member
            } else if var member = members[name] {
                edit(&member, rest, change)
                members[name] = member
            }
            value = .object(members)
        case (.index(let index), .array(var elements)):
            edit(&elements[index], rest, change)
            value = .array(elements)
        default:
            break
        }
    }
}
