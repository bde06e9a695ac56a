import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The only source of time the engine reads (lease expiry, ejection cool-downs), so a simulator
/// can drive the same engine with a virtual clock.
public protocol PlacementClock: Sendable {
  /// The time elapsed since the clock's own fixed origin. Never goes backwards.
  func now() -> Duration
}

/// The system's monotonic clock (`CLOCK_MONOTONIC`): unaffected by wall-clock changes.
public struct MonotonicClock: PlacementClock {
  /// Creates the clock.
  public init() {}

  /// The time since boot.
  public func now() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
  }
}

/// A clock that moves only when told to: for simulations and tests.
public final class ManualClock: PlacementClock {
  private let current: Mutex<Duration>

  /// Creates a clock that reads `start` until advanced.
  public init(start: Duration = .zero) { current = Mutex(start) }

  /// The time the clock was last set to.
  public func now() -> Duration { current.withLock { $0 } }

  /// Moves the clock forward by `interval` (a negative interval is ignored: time never runs back).
  public func advance(by interval: Duration) {
    current.withLock { $0 += max(.zero, interval) }
  }

  /// Sets the clock to `time`, if that is not earlier than now.
  public func set(to time: Duration) {
    current.withLock { $0 = max($0, time) }
  }
}
