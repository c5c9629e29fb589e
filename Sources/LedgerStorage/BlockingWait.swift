public import LedgerCore
internal import Dispatch
internal import Synchronization

/// Runs `operation` to its end and returns its result, blocking the calling thread meanwhile.
///
/// For the synchronous body of ``LedgerStore/appendBlock(height:_:)``, which stores run on a thread of their own,
/// never on one of Swift's concurrency pool: blocking a pool thread could starve the very task waited for.
///
/// `abandoned` is asked every second while the operation runs: when it returns an error (the connection the operation
/// waits on has closed, say), the wait ends with that error at once, whether or not the operation ever ends.
package func waitBlocking<T: Sendable>(
    abandoned: (() -> LedgerError?)? = nil, _ operation: @escaping @Sendable () async throws(LedgerError) -> T
) throws(LedgerError) -> T {
    let outcome = Mutex<Result<T, LedgerError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<T, LedgerError>
        do throws(LedgerError) {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = $0 ?? result }
        done.signal()
    }
    if let abandoned {
        while done.wait(timeout: .now() + 1) == .timedOut {
            guard let error = abandoned() else { continue }
            outcome.withLock { $0 = $0 ?? .failure(error) }
            break
        }
    } else {
        done.wait()
    }
    guard let result = outcome.withLock({ $0 }) else {
        throw LedgerError(.storage, "a blocking wait ended without a result")
    }
    return try result.get()
}
