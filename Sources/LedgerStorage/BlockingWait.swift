public import LedgerCore
internal import Dispatch
internal import Synchronization

/// Runs `operation` to its end and returns its result, blocking the calling thread meanwhile.
///
/// For the synchronous body of ``LedgerStore/appendBlock(height:_:)``, which stores run on a thread of their own,
/// never on one of Swift's concurrency pool: blocking a pool thread could starve the very task waited for.
package func waitBlocking<T: Sendable>(_ operation: @escaping @Sendable () async throws(LedgerError) -> T)
    throws(LedgerError) -> T
{
    let outcome = Mutex<Result<T, LedgerError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<T, LedgerError>
        do throws(LedgerError) {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else {
        throw LedgerError(.storage, "a blocking wait ended without a result")
    }
    return try result.get()
}
