internal import LedgerCore

/// Runs every reader of this module over one file, to the end: the entry point the fuzz target
/// (`IngestFuzzer`) and the seeded mutation tests share. Each reader must either read the file or
/// refuse it with a ``LedgerError``; anything else (a crash, a hang) is a bug.
public enum IngestFuzzing {
    public enum Outcome: Sendable, Equatable {
        case read(records: Int, rejects: Int)
        case refused
    }

    /// A mapping exercising renames, defaults, translations, dates and decimal commas.
    static let mapping: CSVMapping? = try? CSVMapping(
        parsing: """
            columns: { Record_ID: record_id, Qty: quantity, Datum: occurred_at }
            defaults: { unit: kg }
            values: { event: { Versand: ship } }
            formats: { occurred_at: "dd.MM.yyyy HH:mm", time_zone: "+01:00", decimal_separator: "," }
            """, file: "fuzz.yml")

    /// The outcome of each reader on the file at `path`.
    public static func readEveryWay(path: String) -> [Outcome] {
        [
            outcome(ShipmentCSV(path: path)),
            outcome(ShipmentCSV(path: path, mapping: mapping)),
            outcome(FacilitiesCSV(path: path, recordedAt: Timestamp(epochSeconds: 0))),
            outcome(ShipmentXML(path: path)),
            outcome(EPCISDocument(path: path)),
            (try? InputFormat.detect(path: path)) == nil ? .refused : .read(records: 0, rejects: 0),
        ]
    }

    static func outcome<Source: RecordSource>(_ source: Source) -> Outcome {
        do throws(LedgerError) {
            let batch = try source.readAll()
            return .read(records: batch.records.count, rejects: batch.rejects.count)
        } catch {
            return .refused
        }
    }
}
