internal import Dispatch
internal import Foundation
internal import Synchronization
internal import LedgerCore

/// Runs `transform` over `items` on all cores and returns the results in input order.
///
/// The first error (in input order) is thrown. Used for the CPU-bound parts of appending and
/// verifying: signing, signature checks, decoding.
func parallelMap<T: Sendable, R: Sendable>(
    _ items: [T], _ transform: @Sendable (T) throws(LedgerError) -> R
) throws(LedgerError) -> [R] {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    guard items.count > 64, cores > 1 else {
        var results = [R]()
        results.reserveCapacity(items.count)
        for item in items { results.append(try transform(item)) }
        return results
    }
    let chunkCount = min(items.count, cores * 4)
    let chunkSize = (items.count + chunkCount - 1) / chunkCount
    let chunks = Mutex([Int: Result<[R], LedgerError>]())
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
        let start = chunk * chunkSize
        let end = min(items.count, start + chunkSize)
        guard start < end else { return }
        var part = [R]()
        part.reserveCapacity(end - start)
        let outcome: Result<[R], LedgerError>
        do throws(LedgerError) {
            for index in start..<end { part.append(try transform(items[index])) }
            outcome = .success(part)
        } catch {
            outcome = .failure(error)
        }
        chunks.withLock { $0[chunk] = outcome }
    }
    let collected = chunks.withLock { $0 }
    var results = [R]()
    results.reserveCapacity(items.count)
    for chunk in 0..<chunkCount {
        switch collected[chunk] {
        case .success(let part)?: results.append(contentsOf: part)
        case .failure(let error)?: throw error
        case nil: continue
        }
    }
    return results
}

/// Runs `work`, CPU-bound and often on every core (``parallelMap(_:_:)``), on a Dispatch thread, and waits for it
/// without holding a thread of Swift's concurrency pool. That pool has a thread per core: work that blocked them (as
/// `concurrentPerform` does its caller) would stop a server answering every other request until it ended.
func offThePool<R: Sendable>(_ work: @escaping @Sendable () throws(LedgerError) -> R) async throws(LedgerError) -> R {
    let result: Result<R, LedgerError> = await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .utility).async {
            continuation.resume(returning: Result { () throws(LedgerError) in try work() })
        }
    }
    return try result.get()
}
