/// Whether `lhs` and `rhs` hold the same bytes, in time that depends only on their lengths: how MACs are compared,
/// so that a forger cannot learn a correct prefix from how long a refusal takes.
func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
}
