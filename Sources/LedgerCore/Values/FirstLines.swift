/// The line on which each identifier of one input file first appeared, so that a repeat is refused with where the
/// identifier first was.
///
/// An identifier is kept as 128 bits of hash (two independently seeded hashes of it), not as its text: memory per
/// identifier is the same whatever its length (an EPCIS event hash ID is 80 characters), and two identifiers of a
/// file sharing both halves is as unlikely as any random 128-bit collision. The hashes are seeded per process, so no
/// input can be made to collide on purpose.
package struct FirstLines: Sendable {
    private struct Key: Hashable {
        let first: Int
        let second: Int

        init(_ identifier: String) {
            var first = Hasher()
            first.combine(identifier)
            var second = Hasher()
            second.combine(0x9E37_79B9_7F4A_7C15 as UInt64)
            second.combine(identifier)
            self.first = first.finalize()
            self.second = second.finalize()
        }
    }

    private var lines = [Key: Int]()

    package init() {}

    /// The line `identifier` first appeared on, if it did.
    package subscript(identifier: String) -> Int? {
        get { lines[Key(identifier)] }
        set { lines[Key(identifier)] = newValue }
    }
}
