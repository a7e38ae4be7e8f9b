/// SplitMix64: a tiny, well-known PRNG with a fixed seed, so "random" scan noise and signature
/// wobble come out identical on every run and every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in `range`, built from our own bits (not `Double.random(in:using:)`, whose
    /// algorithm is the standard library's to change).
    mutating func unit(_ range: ClosedRange<Double> = 0...1) -> Double {
        let fraction = Double(next() >> 11) / Double(1 << 53)
        return range.lowerBound + fraction * (range.upperBound - range.lowerBound)
    }

    /// An integer in `0..<bound`, again independent of the standard library's algorithm.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
