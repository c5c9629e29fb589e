import Foundation
public import LedgerCore

/// The peers' Python scripts (scikit-learn, isotree, PyOD) that the benchmarks compare the models with.
public enum PeerScript {
    /// Runs a peers' Python script (from the virtualenv of ../shared/bench/setup.sh) with `arguments` and returns its
    /// standard output.
    public static func run(python: String, script: String, arguments: [String]) throws(LedgerError) -> String {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw LedgerError(
                .io,
                "no peers' Python at \(python); create the peers' virtualenv with 'bash ../shared/bench/setup.sh'")
        }
        guard FileManager.default.fileExists(atPath: script) else {
            throw LedgerError(.io, "no peers' script at \(script)")
        }
        // The peers' progress chatter goes to a file, shown only when the script fails (a file, not a pipe: a full
        // pipe that nobody reads would stall the script).
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-peers-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: errorPath.path, contents: nil),
            let errorFile = try? FileHandle(forWritingTo: errorPath)
        else { throw LedgerError(.io, "cannot create \(errorPath.path)") }
        defer {
            try? errorFile.close()
            try? FileManager.default.removeItem(at: errorPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorFile
        do {
            try process.run()
        } catch {
            throw LedgerError(.io, "cannot run \(python): \(error.localizedDescription)")
        }
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = String(decoding: FileManager.default.contents(atPath: errorPath.path) ?? Data(), as: UTF8.self)
            let tail = errors.split(separator: "\n").suffix(12).joined(separator: "\n")
            throw LedgerError(
                .io,
                "\(script) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)"
                    + (tail.isEmpty ? "" : ":\n\(tail)"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The JSON objects among the lines of a peers' script's output (its other lines are progress).
    static func objects(in output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }
}
