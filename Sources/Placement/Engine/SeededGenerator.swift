/// The engine's only source of randomness (the `p2c` and `random` balancers, decision ids): a
/// xoshiro256** generator, so one seed reproduces a whole run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  /// A generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) {
    // SplitMix64 spreads the seed over the four words, as xoshiro's authors recommend.
    var mix = seed
    func splitMix() -> UInt64 {
      mix &+= 0x9E37_79B9_7F4A_7C15
      var z = mix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// A generator seeded from the system's random source.
  public init() {
    var system = SystemRandomNumberGenerator()
    self.init(seed: system.next())
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotate(state.1 &* 5, 7) &* 9
    let shifted = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= shifted
    state.3 = rotate(state.3, 45)
    return result
  }

  /// A uniform double in `0 ..< 1`.
  mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }
}
