// Fuzz target for every ingest reader (CSV layouts with and without a mapping, XML, EPCIS).
//
// Under libFuzzer (see docs/ingest.md):
//   swift build --product IngestFuzzer -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
//   .build-fuzz/release/IngestFuzzer -max_total_time=600 Fuzz/corpus
// Without -DFUZZING it replays files given as arguments (a corpus or a crash reproducer).
import Foundation
import Ingest

/// The file each input is written to: the readers work on files, as `prov ingest` does.
private let inputPath = FileManager.default.temporaryDirectory.appendingPathComponent("prov-fuzz-\(getpid()).input")
    .path

private func run(_ bytes: UnsafeRawBufferPointer) {
    guard FileManager.default.createFile(atPath: inputPath, contents: Data(bytes)) else {
        fatalError("cannot write \(inputPath)")
    }
    _ = IngestFuzzing.readEveryWay(path: inputPath)
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's entry point for programs that have their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
@main
struct Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: IngestFuzzer FILE...   (replays inputs; build with -sanitize=fuzzer -DFUZZING to fuzz)")
            return
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read")
                continue
            }
            data.withUnsafeBytes(run)
            print("\(path): \(IngestFuzzing.readEveryWay(path: inputPath))")
        }
        try? FileManager.default.removeItem(atPath: inputPath)
    }
}
#endif
