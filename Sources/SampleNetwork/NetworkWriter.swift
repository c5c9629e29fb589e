internal import Foundation
public import LedgerCore
internal import LedgerCrypto

extension SampleNetwork {
    /// Writes the network of `configuration` into `directory`, streaming: rows are generated lot by
    /// lot and written as soon as no later lot can precede them, so memory stays bounded whatever
    /// the number of lots (it grows with the pace, which ``Configuration/maximumLotsPerDay`` caps).
    ///
    /// The files are byte-identical to ``Network/files()`` of ``generate(_:)`` for the same
    /// configuration. The layout is described in the `README.md` written beside them.
    ///
    /// - Parameters:
    ///   - replacingExisting: write into a directory that already holds files, replacing those of
    ///     the same names; without it a non-empty directory is refused.
    ///   - progress: called every 1,000 lots and at the end with (lots done, lots in all).
    /// - Throws: ``LedgerError`` `alreadyExists` for a non-empty directory, `io` when a file cannot
    ///   be written, `invalidRecord` for a bad configuration.
    @discardableResult
    public static func write(
        _ configuration: Configuration, to directory: String, replacingExisting: Bool = false,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(LedgerError) -> Summary {
        try configuration.validate()
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw LedgerError(.alreadyExists, "\(directory) exists and is not a directory; choose a new directory")
            }
            let contents = (try? files.contentsOfDirectory(atPath: directory)) ?? []
            if !contents.isEmpty, !replacingExisting {
                throw LedgerError(
                    .alreadyExists,
                    "\(directory) is not empty; choose a new or empty directory, or allow replacing its files (--force)"
                )
            }
        }
        for folder in ["", "keys", "facilities", "shipments"] + (configuration.gs1Names ? ["products"] : [])
            + (configuration.plots ? ["plots"] : [])
        {
            let path = folder.isEmpty ? directory : directory + "/" + folder
            do {
                try files.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LedgerError(.io, "cannot create the directory \(path): \(error.localizedDescription)")
            }
        }

        let topology = Topology(configuration: configuration)
        try writeFile(directory + "/participants.csv", Array(Rendering.participantsCSV(topology.participants).utf8))
        for participant in topology.participants {
            let pem: String
            do {
                pem = try participant.privateKey().pemRepresentation()
            } catch {
                throw LedgerError(.invalidState, "cannot make the key of \(participant.id): \(error.reason)")
            }
            try writeFile(directory + "/" + participant.keyFile, Array(pem.utf8), secret: true)
        }

        if configuration.plots {
            for (party, plots) in Dictionary(grouping: SampleNetwork.plots(of: topology), by: \.party) {
                try writeFile(directory + "/plots/\(party).geojson", Array(SampleNetwork.plotsGeoJSON(plots).utf8))
            }
        }

        var streams = [PartyStream?]()
        for participant in topology.participants {
            guard Rendering.hasFiles(participant) else {
                streams.append(nil)
                continue
            }
            let facilities = topology.facilities.filter { $0.party == participant.id }
            try writeFile(
                directory + "/facilities/\(participant.id).csv",
                Array(Rendering.facilitiesCSV(facilities, gs1Names: configuration.gs1Names).utf8))
            if configuration.gs1Names, !streams.contains(where: { $0 != nil }) {
                try writeFile(
                    directory + "/products/\(participant.id).csv", Array(SampleNetwork.GS1Names.productsCSV.utf8))
            }
            let output = try OutputFile(path: directory + "/shipments/\(participant.id).csv")
            try output.append(Array(Rendering.shipmentsHeader.utf8))
            streams.append(PartyStream(output: output))
        }

        var generator = LotGenerator(configuration: configuration, topology: topology)
        var summary = Summary(
            seed: configuration.seed, lots: configuration.lots, start: configuration.start, days: configuration.days,
            anomalyRate: configuration.anomalyRate, participants: topology.participants.count,
            facilities: topology.facilities.count)
        var labels = [Label]()
        for index in 0..<configuration.lots {
            let output = generator.lot(index)
            summary.count(output)
            labels += output.labels
            for (party, row) in output.rows {
                guard let stream = streams[party] else { continue }
                try stream.add(Rendering.named(row, configuration))
            }
            // Every event of a later lot happens at or after that lot's start.
            let watermark = index + 1 < configuration.lots ? configuration.lotStart(index + 1) : Int64.max
            for stream in streams { try stream?.flush(before: watermark) }
            if (index + 1) % 1000 == 0 { progress(index + 1, configuration.lots) }
        }
        for stream in streams { try stream?.close() }
        labels.sort()
        try writeFile(directory + "/labels.csv", Array(Rendering.labelsCSV(labels).utf8))
        try writeFile(directory + "/network.json", Array(Rendering.networkJSON(summary).utf8))
        try writeFile(directory + "/README.md", Array(Rendering.readme(summary).utf8))
        progress(configuration.lots, configuration.lots)
        return summary
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], secret: Bool = false) throws(LedgerError) {
        let output = try OutputFile(path: path, secret: secret)
        try output.append(bytes)
        try output.close()
    }
}

/// One participant's shipment file: a min-heap of rows not yet written, ordered as the file is.
final class PartyStream {
    private struct Entry {
        let epoch: Int64
        let recordID: String
        let line: [UInt8]

        func precedes(_ other: Entry) -> Bool {
            if epoch != other.epoch { return epoch < other.epoch }
            return recordID.utf8.lexicographicallyPrecedes(other.recordID.utf8)
        }
    }

    private var heap: [Entry] = []
    private let output: OutputFile
    private var written: Int64 = .min

    init(output: OutputFile) {
        self.output = output
    }

    func add(_ row: SampleNetwork.ShipmentRow) throws(LedgerError) {
        guard row.epochSeconds >= written else {
            throw LedgerError(.invalidState, "internal ordering error: \(row.recordID) precedes rows already written")
        }
        var line = [UInt8]()
        line.reserveCapacity(256)
        row.appendCSVLine(to: &line)
        heap.append(Entry(epoch: row.epochSeconds, recordID: row.recordID, line: line))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Writes, in order, every row earlier than `watermark`.
    func flush(before watermark: Int64) throws(LedgerError) {
        while let first = heap.first, first.epoch < watermark {
            try output.append(first.line)
            written = first.epoch
            let last = heap.removeLast()
            guard !heap.isEmpty else { break }
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    func close() throws(LedgerError) {
        try flush(before: .max)
        try output.close()
    }
}

/// A file written through a 1 MiB buffer.
final class OutputFile {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 20

    init(path: String, secret: Bool = false) throws(LedgerError) {
        let attributes: [FileAttributeKey: Any]? = secret ? [.posixPermissions: 0o600] : nil
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: attributes),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw LedgerError(.io, "cannot write \(path)")
        }
        if secret { _ = try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        self.handle = handle
        self.path = path
        buffer.reserveCapacity(Self.bufferSize)
    }

    func append(_ bytes: [UInt8]) throws(LedgerError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try drain() }
    }

    private func drain() throws(LedgerError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw LedgerError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(LedgerError) {
        try drain()
        do {
            try handle.close()
        } catch {
            throw LedgerError(.io, "cannot close \(path): \(error.localizedDescription)")
        }
    }
}
