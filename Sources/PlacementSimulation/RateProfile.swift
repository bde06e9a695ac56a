#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An arrival rate that changes over time: `rate(t) = step(t) * daily(t) * spikes(t)`.
///
/// - `rate_per_s` (number > 0): the rate until the first step.
/// - `steps` (optional): `{ "at_s", "rate_per_s" }` in increasing `at_s`; from each step's time
///   on, its rate replaces the previous one.
/// - `daily` (optional): `{ "amplitude", "peak_at_s", "period_s" }` multiplies the rate by
///   `1 + amplitude * cos(2 pi (t - peak_at_s) / period_s)`; `amplitude` in `[0, 1]`,
///   `period_s` defaults to 86400 (a day).
/// - `spikes` (optional): `{ "at_s", "duration_s", "multiplier" }` multiplies the rate by
///   `multiplier` (> 0) during `[at_s, at_s + duration_s)`; overlapping spikes multiply.
public struct RateProfile: Sendable, Hashable {
  /// One change of the base rate.
  public struct Step: Sendable, Hashable {
    /// When the step starts, in seconds.
    public var atSeconds: Double
    /// The base rate from then on, per second.
    public var ratePerSecond: Double

    /// Creates a step.
    public init(atSeconds: Double, ratePerSecond: Double) {
      self.atSeconds = atSeconds
      self.ratePerSecond = ratePerSecond
    }
  }

  /// A daily (or any periodic) cosine curve around the base rate.
  public struct DailyCurve: Sendable, Hashable {
    /// The relative swing, from 0 (flat) to 1 (down to zero at the trough).
    public var amplitude: Double
    /// When the curve peaks, in seconds from the start.
    public var peakAtSeconds: Double
    /// The curve's period in seconds (86400: a day).
    public var periodSeconds: Double

    /// Creates a curve.
    public init(amplitude: Double, peakAtSeconds: Double, periodSeconds: Double = 86_400) {
      self.amplitude = amplitude
      self.peakAtSeconds = peakAtSeconds
      self.periodSeconds = periodSeconds
    }
  }

  /// A window during which the rate is multiplied.
  public struct Spike: Sendable, Hashable {
    /// When the spike starts, in seconds.
    public var atSeconds: Double
    /// How long it lasts, in seconds.
    public var durationSeconds: Double
    /// The factor applied to the rate meanwhile.
    public var multiplier: Double

    /// Creates a spike.
    public init(atSeconds: Double, durationSeconds: Double, multiplier: Double) {
      self.atSeconds = atSeconds
      self.durationSeconds = durationSeconds
      self.multiplier = multiplier
    }
  }

  /// The base rate before the first step, per second.
  public var ratePerSecond: Double
  /// Changes of the base rate, in increasing time.
  public var steps: [Step]
  /// The periodic curve, if any.
  public var daily: DailyCurve?
  /// The spikes.
  public var spikes: [Spike]

  /// Creates a profile.
  public init(
    ratePerSecond: Double, steps: [Step] = [], daily: DailyCurve? = nil, spikes: [Spike] = []
  ) {
    self.ratePerSecond = ratePerSecond
    self.steps = steps
    self.daily = daily
    self.spikes = spikes
  }

  /// The rate per second at `seconds` from the start.
  public func rate(atSeconds seconds: Double) -> Double {
    var rate = ratePerSecond
    for step in steps where step.atSeconds <= seconds { rate = step.ratePerSecond }
    if let daily {
      rate *=
        1 + daily.amplitude
        * cos(
          2 * Double.pi * (seconds - daily.peakAtSeconds)
            / daily.periodSeconds)
    }
    for spike in spikes
    where spike.atSeconds <= seconds && seconds < spike.atSeconds + spike.durationSeconds {
      rate *= spike.multiplier
    }
    return max(0, rate)
  }

  /// A rate no lower than ``rate(atSeconds:)`` anywhere: the thinning bound.
  public var peakRate: Double {
    var peak = steps.reduce(ratePerSecond) { max($0, $1.ratePerSecond) }
    if let daily { peak *= 1 + daily.amplitude }
    for spike in spikes where spike.multiplier > 1 { peak *= spike.multiplier }
    return peak
  }
}
