import Placement

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension SeededGenerator {
  /// A uniform double in `0 ..< 1` (53 random bits).
  mutating func unit() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// An exponential draw with mean 1.
  mutating func exponential() -> Double {
    -log1p(-unit())
  }

  /// A standard normal draw (Box-Muller; one of the pair is used, so a draw always takes two
  /// words and the stream stays simple to reason about).
  mutating func normal() -> Double {
    let radius = (-2 * log1p(-unit())).squareRoot()
    return radius * cos(2 * Double.pi * unit())
  }

  /// A lognormal draw with mean 1 and coefficient of variation `cv`.
  mutating func lognormal(cv: Double) -> Double {
    let variance = log1p(cv * cv)
    return exp(variance.squareRoot() * normal() - variance / 2)
  }
}
