#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The seeded generator every model draws from: xoshiro256** seeded through SplitMix64.
///
/// Each unit of parallel work (a tree, a restart) gets its own stream from ``stream(_:_:)``, so that results depend on
/// the seed only, never on how many threads ran the work.
struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose four words of state come from SplitMix64 over `seed`.
    init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix(&mixer)
        s1 = Self.splitMix(&mixer)
        s2 = Self.splitMix(&mixer)
        s3 = Self.splitMix(&mixer)
    }

    /// The independent stream number `index` of `seed`.
    static func stream(_ seed: UInt64, _ index: Int) -> RandomSource {
        var mixer = seed ^ 0x6A09_E667_F3BC_C909
        let base = splitMix(&mixer)
        var indexMixer = base &+ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03
        return RandomSource(seed: splitMix(&indexMixer))
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform value in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), without modulo bias worth speaking of for small bounds.
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bound).multipliedFullWidth(by: next())).high)
    }

    /// A standard normal value (Box–Muller).
    mutating func gaussian() -> Double {
        var u = unit()
        while u <= 0 { u = unit() }
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// `count` distinct indices drawn uniformly from 0..<population (partial Fisher–Yates), in draw order.
    mutating func sample(_ count: Int, of population: Int) -> [Int] {
        if count >= population {
            var all = Array(0..<population)
            for i in stride(from: population - 1, to: 0, by: -1) { all.swapAt(i, below(i + 1)) }
            return all
        }
        if count * 8 < population {
            // Sparse draw: remember what was taken.
            var taken = Set<Int>(minimumCapacity: count * 2)
            var drawn = [Int]()
            drawn.reserveCapacity(count)
            while drawn.count < count {
                let candidate = below(population)
                if taken.insert(candidate).inserted { drawn.append(candidate) }
            }
            return drawn
        }
        var all = Array(0..<population)
        for i in 0..<count { all.swapAt(i, i + below(population - i)) }
        return Array(all[0..<count])
    }
}
