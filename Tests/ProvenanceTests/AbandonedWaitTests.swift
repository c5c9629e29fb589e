import LedgerCore
import LedgerStorage
import Synchronization
import Testing

/// The wait for a block's asynchronous steps (``awaitAbandoning(abandoned:_:)``): it ends when the step ends, and
/// as soon as the step is abandoned (its connection closed) even when the step itself never ends, as a query on a
/// connection that closed under it may not.
struct AbandonedWaitTests {
    @Test func aStepThatEndsGivesItsResultOrItsError() async throws {
        let value = try await awaitAbandoning(abandoned: { nil }) { () async throws(LedgerError) in 42 }
        #expect(value == 42)
        await #expect(throws: LedgerError.self) {
            try await awaitAbandoning(abandoned: { nil }) { () async throws(LedgerError) -> Int in
                throw LedgerError(.storage, "the step failed")
            }
        }
    }

    /// Bounded by the test's time limit, not by a clock read in the test: a loaded run's other tests may hold every
    /// thread of the concurrency pool for a minute (processes they wait for), delaying the watch and this test alike.
    @Test(.timeLimit(.minutes(5))) func aStepThatNeverEndsIsLeftOnceAbandoned() async throws {
        let release = Atomic<Bool>(false)
        let clock = ContinuousClock()
        let started = clock.now
        // Abandoned after half a second; the step, deaf to cancellation, would run until released.
        let abandoned = { @Sendable () -> LedgerError? in
            started.duration(to: clock.now) > .milliseconds(500)
                ? LedgerError(.storage, "the connection closed before the block was committed") : nil
        }
        do {
            _ = try await awaitAbandoning(abandoned: abandoned) { () async throws(LedgerError) -> Int in
                while !release.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(50)) }
                return 1
            }
            Issue.record("the wait ended with a result although the step never ended")
        } catch {
            #expect(error.reason.contains("connection closed"), "\(error)")
        }
        release.store(true, ordering: .relaxed)
    }
}
