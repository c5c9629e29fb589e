package import LedgerCore
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
    try BlockingOperation(operation).wait(abandoned: abandoned)
}

/// An asynchronous operation started from synchronous code, whose outcome that code blocks for later, once it has
/// done other work meanwhile (a store writing one chunk of a block while the next is read, say). Waited for at most
/// once.
package final class BlockingOperation<T: Sendable>: Sendable {
    private let outcome = Mutex<Result<T, LedgerError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `operation` at once.
    package init(_ operation: @escaping @Sendable () async throws(LedgerError) -> T) {
        Task {
            let result: Result<T, LedgerError>
            do throws(LedgerError) {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            self.outcome.withLock { $0 = $0 ?? result }
            self.done.signal()
        }
    }

    /// Blocks until the operation ends and returns its result, or throws its error. `abandoned` is asked every second
    /// meanwhile, as ``waitBlocking(abandoned:_:)`` asks it.
    package func wait(abandoned: (() -> LedgerError?)? = nil) throws(LedgerError) -> T {
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
}

/// Awaits `operation` and returns its result, asking `abandoned` every second meanwhile: when it returns an error (the
/// connection the operation waits on has closed, say), that error is thrown at once and the operation is left to end
/// on its own, as ``waitBlocking(abandoned:_:)`` leaves it. For the asynchronous steps around a block's body (taking
/// the head's lock, writing the seal, committing), where a query on a connection that closed under it may never end.
package func awaitAbandoning<T: Sendable>(
    abandoned: @escaping @Sendable () -> LedgerError?,
    _ operation: @escaping @Sendable () async throws(LedgerError) -> T
) async throws(LedgerError) -> T {
    let wait = AbandonableWait<T>()
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, LedgerError>, Never>) in
        wait.start(continuation)
        let work = Task {
            do throws(LedgerError) {
                wait.finish(.success(try await operation()))
            } catch {
                wait.finish(.failure(error))
            }
        }
        Task {
            while wait.isWaiting {
                try? await Task.sleep(for: .seconds(1))
                if let error = abandoned() {
                    wait.finish(.failure(error))
                    work.cancel()
                    return
                }
            }
        }
    }
    return try result.get()
}

/// The waiter of ``awaitAbandoning(abandoned:_:)``: resumed by the first outcome, the operation's or the abandonment's.
private final class AbandonableWait<T: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<Result<T, LedgerError>, Never>?>(nil)

    var isWaiting: Bool { waiting.withLock { $0 != nil } }

    func start(_ continuation: CheckedContinuation<Result<T, LedgerError>, Never>) {
        waiting.withLock { $0 = continuation }
    }

    /// Resumes the waiter with `result`, unless an earlier outcome has.
    func finish(_ result: Result<T, LedgerError>) {
        let continuation = waiting.withLock { continuation in
            defer { continuation = nil }
            return continuation
        }
        continuation?.resume(returning: result)
    }
}
