#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import Dispatch
internal import Synchronization

/// Work split into fixed chunks, run on up to `threads` threads.
///
/// Chunk boundaries depend only on the amount of work and the chunk size, never on the thread count, and results are
/// gathered in chunk order, so every model gives the same bits on one thread or many.
package enum ParallelChunks {
    /// The number of cores the system reports online.
    static var cores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs `body(chunk, range)` for every chunk of `0..<count` of `chunkSize` items, on up to `threads` threads
    /// (all cores when nil).
    static func forEach(
        count: Int, chunkSize: Int, threads: Int? = nil, _ body: @Sendable (_ chunk: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let size = max(1, chunkSize)
        let chunks = (count + size - 1) / size
        let workers = min(chunks, max(1, threads ?? cores))
        if workers == 1 {
            for chunk in 0..<chunks { body(chunk, chunk * size..<min(count, (chunk + 1) * size)) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { return }
                body(chunk, chunk * size..<min(count, (chunk + 1) * size))
            }
        }
    }

    /// The results of `transform` over every chunk, in chunk order.
    package static func map<R: Sendable>(
        count: Int, chunkSize: Int, threads: Int? = nil, _ transform: @Sendable (_ chunk: Int, _ range: Range<Int>) -> R
    ) -> [R] {
        guard count > 0 else { return [] }
        let size = max(1, chunkSize)
        let chunks = (count + size - 1) / size
        let results = Mutex([R?](repeating: nil, count: chunks))
        forEach(count: count, chunkSize: size, threads: threads) { chunk, range in
            let value = transform(chunk, range)
            results.withLock { $0[chunk] = value }
        }
        return results.withLock { $0 }.compactMap { $0 }
    }

    /// An array of `count` doubles whose chunks `fill` writes in parallel (each call writes only its own range).
    static func fill(
        count: Int, chunkSize: Int, threads: Int? = nil,
        _ fill: @Sendable (_ range: Range<Int>, _ output: UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            let shared = SharedBuffer(buffer)
            forEach(count: count, chunkSize: chunkSize, threads: threads) { _, range in fill(range, shared.buffer) }
            initialized = count
        }
    }
}

/// A buffer shared by chunks that write disjoint ranges of it: the one place Anomaly shares memory across threads.
struct SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
