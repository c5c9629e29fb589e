internal import LedgerCore

/// Lets one append at a time into a ledger: each reads the head, the tree's frontier and the last
/// checkpoint, then writes a block on top of them, so two interleaved in one process would refuse each
/// other (or misread a checkpoint signed in between). Waiters go in the order they arrived.
///
/// Writers in other processes are still refused by the store's check that the head has not moved.
actor WriterGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when no other body holds the gate.
    func serialize<T: Sendable>(_ body: @Sendable () async throws(LedgerError) -> T) async throws(LedgerError) -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
